"""Objects on a real in-process runtime and manager, each test with its own class: a
transaction belongs to its event, `abort()` inside one, a failing `blockConcurrencyWhile` in
the constructor, alarms at shutdown and while running, legacy handlers, and retired versions."""

from __future__ import annotations

import asyncio
import sqlite3
import textwrap
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest

from hearth.bindings import build_env
from hearth.bindings.durable_objects import DurableObjectManager
from hearth.runtime import BindingSpec, InProcessRuntime, VersionSpec


class LocalPlatform:
    def __init__(self, root: Path) -> None:
        self.runtime = InProcessRuntime(build_env, platform=self)
        self.durable_objects = DurableObjectManager(root / "objects", self.runtime)


Loader = Callable[..., Awaitable[Any]]


@pytest.fixture
async def load(tmp_path: Path) -> AsyncIterator[Loader]:
    """`await load(source, version="v1", date=...)`: `env.ROOMS` (class Room) of a version
    loaded on one shared platform (the namespace's `platform` attribute)."""
    platform = LocalPlatform(tmp_path)
    platform.durable_objects.start()

    async def loader(source: str, version: str = "v1", date: str = "2025-09-01") -> Any:
        directory = tmp_path / version
        directory.mkdir()
        (directory / "entry.py").write_text(textwrap.dedent(source))
        binding = BindingSpec("ROOMS", "durable_object", settings={"class_name": "Room"})
        spec = VersionSpec(
            version,
            "chat",
            directory,
            "entry.py",
            compatibility_date=date,
            bindings=(binding,),
        )
        await platform.runtime.load(spec)
        rooms = platform.runtime.loaded(version).env.ROOMS
        rooms.platform = platform
        return rooms

    yield loader
    await platform.durable_objects.stop()


def only_live(rooms: Any) -> Any:
    return next(iter(rooms.platform.durable_objects._live.values()))


TRANSACTIONS = """
import asyncio
from workers import DurableObject, WorkerEntrypoint

class Room(DurableObject):
    async def txn_then_fail(self):
        async def body(txn):
            await txn.put("a", 1)
            await asyncio.sleep(0.1)  # real I/O inside the transaction
            raise ValueError("give up")
        try:
            await self.ctx.storage.transaction(body)
        except ValueError:
            return "rolled back"

    async def txn_ok(self, key, delay):
        async def body(txn):
            await txn.put(key, 1)
            await asyncio.sleep(delay)
            return "done"
        return await self.ctx.storage.transaction(body)

    async def plain_put(self, key):
        await self.ctx.storage.put(key, "acknowledged")
        return "ok"

    async def read(self, key):
        return await self.ctx.storage.get(key)

    async def abort_inside(self):
        async def body(txn):
            await txn.put("k", 1)
            self.ctx.abort("invariant broken")
        await self.ctx.storage.transaction(body)

class Default(WorkerEntrypoint):
    async def fetch(self, request): ...
"""


async def test_another_events_write_survives_a_transactions_rollback(load: Loader):
    """A write acknowledged to its caller is not undone by another event's transaction that
    was open (awaiting I/O) when it was made, and rolls back later."""
    stub = (await load(TRANSACTIONS)).getByName("x")
    failing = asyncio.ensure_future(stub.txn_then_fail())
    await asyncio.sleep(0.02)
    assert await stub.plain_put("b") == "ok"
    assert await failing == "rolled back"
    assert await stub.read("b") == "acknowledged"
    assert await stub.read("a") is None


async def test_a_write_is_durable_when_acknowledged_even_during_a_transaction(load: Loader):
    rooms = await load(TRANSACTIONS)
    stub = rooms.getByName("x")
    open_txn = asyncio.ensure_future(stub.txn_ok("t", 0.2))
    await asyncio.sleep(0.02)
    assert await stub.plain_put("b") == "ok"
    other = sqlite3.connect(only_live(rooms).storage.path)  # what a crash would leave
    keys = [key for (key,) in other.execute("SELECT key FROM _cf_KV")]
    other.close()
    assert "b" in keys
    assert await open_txn == "done"


async def test_overlapping_transactions_both_commit(load: Loader):
    """Two events' transactions, each awaiting I/O, run one after the other; afterwards writes
    still commit."""
    rooms = await load(TRANSACTIONS)
    stub = rooms.getByName("x")
    first = asyncio.ensure_future(stub.txn_ok("one", 0.05))
    await asyncio.sleep(0.01)
    second = asyncio.ensure_future(stub.txn_ok("two", 0.1))
    assert await asyncio.gather(first, second) == ["done", "done"]
    assert await stub.plain_put("later") == "ok"
    storage = only_live(rooms).storage
    assert storage._depth == 0 and not storage.connection.in_transaction
    assert [await stub.read(key) for key in ("one", "two", "later")] == [1, 1, "acknowledged"]


async def test_abort_inside_a_transaction_reports_the_abort(load: Loader):
    """`ctx.abort()` in a transaction's closure: the caller sees the abort's reason, the
    transaction's writes are gone, and the object works again."""
    stub = (await load(TRANSACTIONS)).getByName("x")
    with pytest.raises(Exception, match="invariant broken"):
        await stub.abort_inside()
    assert await stub.read("k") is None
    assert await stub.txn_ok("k", 0) == "done"
    assert await stub.read("k") == 1


FAILING_CONSTRUCTOR = """
import asyncio
from workers import DurableObject, Response, WorkerEntrypoint

class Room(DurableObject):
    def __init__(self, ctx, env):
        super().__init__(ctx, env)
        async def init():
            await asyncio.sleep(0)
            raise RuntimeError("schema migration failed")
        ctx.blockConcurrencyWhile(init)

    async def fetch(self, request):
        return Response("hi")

    async def ping(self):
        return "pong"

class Default(WorkerEntrypoint):
    async def fetch(self, request): ...
"""


async def test_a_failing_block_concurrency_while_in_the_constructor_is_reported(load: Loader):
    """The caller sees the constructor's error, not a missing handler; so do events that
    were waiting for it."""
    rooms = await load(FAILING_CONSTRUCTOR)
    with pytest.raises(RuntimeError, match="schema migration failed"):
        await rooms.getByName("x").fetch("https://o/")
    results = await asyncio.gather(
        *(rooms.getByName("y").ping() for _ in range(3)), return_exceptions=True
    )
    assert [str(result) for result in results] == ["schema migration failed"] * 3


ALARMS = """
import asyncio, time
from workers import DurableObject, Response, WorkerEntrypoint

class Room(DurableObject):
    async def arm(self):
        await self.ctx.storage.setAlarm(time.time() * 1000)

    async def slow_alarm(self):
        await self.ctx.storage.put("slow", True)
        await self.ctx.storage.setAlarm(time.time() * 1000)

    async def enqueue(self, item):
        queue = await self.ctx.storage.get("queue") or []
        await self.ctx.storage.put("queue", queue + [item])
        if await self.ctx.storage.getAlarm() is None:
            await self.ctx.storage.setAlarm(time.time() * 1000 + 50)

    async def alarm(self, info):
        if await self.ctx.storage.get("slow"):
            await asyncio.sleep(0.3)  # still running when the node stops
            await self.ctx.storage.put("finished", True)
            return
        await self.ctx.storage.put("unset_in_handler", await self.ctx.storage.getAlarm() is None)
        queue = await self.ctx.storage.get("queue") or []
        await self.ctx.storage.put("queue", [])
        await asyncio.sleep(0.2)  # processing the batch
        done = await self.ctx.storage.get("done") or []
        await self.ctx.storage.put("done", done + queue)

    async def report(self):
        storage = self.ctx.storage
        return {key: await storage.get(key) for key in ("unset_in_handler", "done", "finished")}

class Default(WorkerEntrypoint):
    async def fetch(self, request): ...
"""


async def test_get_alarm_is_none_while_its_handler_runs(load: Loader):
    """Cloudflare's batching pattern: work queued while the alarm handler runs sees no alarm,
    sets a new one, and is processed by the next run."""
    rooms = await load(ALARMS)
    rooms.platform.durable_objects.resolve_version = lambda namespace: "v1"
    stub = rooms.getByName("x")
    await stub.enqueue("a")
    await asyncio.sleep(0.15)  # the handler is running
    await stub.enqueue("b")
    await asyncio.sleep(0.6)
    assert await stub.report() == {"unset_in_handler": True, "done": ["a", "b"], "finished": None}


async def test_stop_ends_running_alarm_handlers(load: Loader):
    """After the manager stops, no alarm handler keeps running against closed storage; the
    interrupted alarm is still scheduled for the next start."""
    errors: list[Any] = []
    asyncio.get_running_loop().set_exception_handler(lambda loop, context: errors.append(context))
    rooms = await load(ALARMS)
    manager = rooms.platform.durable_objects
    manager.resolve_version = lambda namespace: "v1"
    await rooms.getByName("x").slow_alarm()
    await asyncio.sleep(0.1)  # the handler is running
    await manager.stop()
    assert not [task for task in asyncio.all_tasks() if "_fire" in repr(task)]
    await asyncio.sleep(0.4)
    assert errors == []
    index = sqlite3.connect(manager.root / "alarms.sqlite")
    assert index.execute("SELECT count(*) FROM alarms").fetchone() == (1,)
    index.close()


LEGACY = """
import time
from workers import DurableObject, Response

class Room(DurableObject):
    async def on_fetch(self, request):
        return Response("legacy fetch")

    async def arm(self):
        await self.ctx.storage.setAlarm(time.time() * 1000)

    async def on_alarm(self, info=None):
        await self.ctx.storage.put("alarm_ran", True)

    async def ran(self):
        return await self.ctx.storage.get("alarm_ran")

async def on_fetch(request, env):
    return Response("worker")
"""


async def test_legacy_handler_mode_uses_on_fetch_and_on_alarm(load: Loader):
    """Before compatibility date 2025-08-14 an object's handlers are `on_fetch`/`on_alarm`,
    as for the worker's own."""
    rooms = await load(LEGACY, date="2024-06-01")
    rooms.platform.durable_objects.resolve_version = lambda namespace: "v1"
    stub = rooms.getByName("x")
    response = await stub.fetch("https://o/")
    assert await response.text() == "legacy fetch"
    await stub.arm()
    await asyncio.sleep(0.3)
    assert await stub.ran() is True


INSTANCES = """
import asyncio
from workers import DurableObject, WorkerEntrypoint
import builtins
RUNNING = builtins.__dict__.setdefault("_HEARTH_TEST_RUNNING", [])

class Room(DurableObject):
    async def slow(self):
        RUNNING.append(id(self))
        await asyncio.sleep(0.2)
        RUNNING.remove(id(self))
        return "slow done"

    async def quick(self):
        return list(RUNNING) + [id(self)]

class Default(WorkerEntrypoint):
    async def fetch(self, request): ...
"""


async def test_a_retired_versions_instance_finishes_before_the_new_one_starts(load: Loader):
    """A deploy retiring the version an object runs, while one of its events is in flight:
    the new version's instance starts after that event ends, never alongside it."""
    old = await load(INSTANCES, version="v1")
    slow = asyncio.ensure_future(old.getByName("x").slow())
    await asyncio.sleep(0.05)
    new = await load(INSTANCES, version="v2")
    await old.platform.runtime.unload("v1")
    seen = await new.getByName("x").quick()
    assert slow.done() and await slow == "slow done"
    assert len(seen) == 1
