"""Objects, ids and gates on a real in-process runtime and manager (no HTTP): the namespace's
ids, one instance per id, `blockConcurrencyWhile`, interleaving only across non-storage awaits,
`abort()`, idle eviction, RPC rules, and the trace events an object's invocations produce."""

from __future__ import annotations

import asyncio
import textwrap
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from hearth.bindings import build_env
from hearth.bindings.durable_objects import DurableObjectManager
from hearth.runtime import BindingSpec, InProcessRuntime, TraceEvent, VersionSpec

SOURCE = """
import asyncio
from workers import DurableObject, Response, WorkerEntrypoint

class Room(DurableObject):
    def __init__(self, ctx, env):
        super().__init__(ctx, env)
        self.events = []
        self.ready = False
        ctx.blockConcurrencyWhile(self.setup)  # not awaited: Cloudflare's pattern

    async def setup(self):
        await asyncio.sleep(0.05)
        self.ready = True

    async def fetch(self, request):
        return Response(f"room {request.method} {request.url}", status=203)

    async def seen_ready(self):
        return self.ready

    async def slow(self):
        self.events.append("slow start")
        await asyncio.sleep(0.05)  # non-storage I/O: other events may run meanwhile
        self.events.append("slow end")

    async def fast(self):
        self.events.append("fast")

    async def log(self):
        return self.events

    async def write_then_abort(self):
        await self.ctx.storage.put("lost", True)
        self.ctx.abort("reset please")

    async def remember(self, key, value):
        await self.ctx.storage.put(key, value)

    async def read(self, key):
        return await self.ctx.storage.get(key)

    async def echo(self, value):
        return value

    def _private(self):
        return "no"

class Default(WorkerEntrypoint):
    async def fetch(self, request):
        ...
"""


class LocalPlatform:
    """What a platform gives `durable_object` bindings: its runtime and its manager."""

    def __init__(self, root: Path) -> None:
        self.runtime = InProcessRuntime(build_env, platform=self)
        self.durable_objects = DurableObjectManager(root / "objects", self.runtime)


@pytest.fixture
async def rooms(tmp_path: Path) -> AsyncIterator[Any]:
    """`env.ROOMS` of a loaded version (its `platform` attribute is the LocalPlatform)."""
    (tmp_path / "entry.py").write_text(textwrap.dedent(SOURCE))
    platform = LocalPlatform(tmp_path)
    platform.durable_objects.start()
    spec = VersionSpec(
        "v1",
        "chat",
        tmp_path,
        "entry.py",
        compatibility_date="2025-09-01",
        bindings=(BindingSpec("ROOMS", "durable_object", settings={"class_name": "Room"}),),
    )
    await platform.runtime.load(spec)
    rooms = platform.runtime.loaded("v1").env.ROOMS
    rooms.platform = platform
    yield rooms
    await platform.durable_objects.stop()


def test_ids(rooms: Any):
    """idFromName is deterministic and keeps the name; ids round-trip through strings; an id
    of another namespace, or a malformed one, is refused."""
    first, again = rooms.idFromName("lobby"), rooms.id_from_name("lobby")
    assert first.equals(again) and first.name == "lobby" and len(first.toString()) == 64
    unique = rooms.newUniqueId()
    assert not unique.equals(rooms.newUniqueId()) and unique.name is None
    assert rooms.idFromString(unique.toString()).equals(unique)
    forged = first.toString()[:32] + "0" * 32
    with pytest.raises(TypeError, match="is not valid for this namespace"):
        rooms.idFromString(forged)
    with pytest.raises(TypeError, match="must be 64 hex digits"):
        rooms.idFromString("lobby")
    assert rooms.getByName("lobby").id.equals(first) and rooms.get(first).name == "lobby"


async def test_block_concurrency_while_in_the_constructor_holds_every_event(rooms: Any):
    stub = rooms.getByName("lobby")
    assert await asyncio.gather(*(stub.seen_ready() for _ in range(5))) == [True] * 5


async def test_events_interleave_only_across_non_storage_awaits(rooms: Any):
    stub = rooms.getByName("lobby")
    await asyncio.gather(stub.slow(), stub.fast())
    assert await stub.log() == ["slow start", "fast", "slow end"]


async def test_abort_resets_the_object_and_drops_its_unconfirmed_writes(rooms: Any):
    stub = rooms.getByName("lobby")
    await stub.fast()
    with pytest.raises(RuntimeError, match="reset please"):
        await stub.write_then_abort()
    assert await stub.read("lost") is None
    assert await stub.log() == []  # a new instance: the old one's memory is gone


async def test_idle_objects_are_evicted_and_their_state_stays(rooms: Any):
    manager = rooms.platform.durable_objects
    manager.idle_seconds = 0.1
    stub = rooms.getByName("lobby")
    await stub.fast()
    await stub.remember("topic", "tea")
    assert manager.live_count == 1
    for _ in range(50):
        await asyncio.sleep(0.05)
        if manager.live_count == 0:
            break
    assert manager.live_count == 0
    assert await stub.log() == []  # a fresh instance after eviction
    assert await stub.read("topic") == "tea"  # the same storage


async def test_rpc_follows_service_binding_rules(rooms: Any):
    stub = rooms.getByName("lobby")
    assert await stub.echo({"nested": [1, {"a": b"x"}]}) == {"nested": [1, {"a": b"x"}]}
    with pytest.raises(TypeError, match="cannot be sent over RPC"):
        await stub.echo((1, 2))
    with pytest.raises(AttributeError):
        stub._private  # noqa: B018
    with pytest.raises(TypeError, match="Method alarm is not an RPC method"):
        await stub.alarm()
    with pytest.raises(TypeError, match='does not implement the method "nothing"'):
        await stub.nothing()


async def test_object_invocations_are_traced_with_their_kind_and_class(rooms: Any):
    seen: list[TraceEvent] = []
    unsubscribe = rooms.platform.runtime.trace_bus.subscribe(seen.append)
    await rooms.getByName("lobby").fast()
    unsubscribe()
    assert [(t.kind, t.entrypoint, t.event.method) for t in seen] == [("rpc", "Room", "fast")]
    assert seen[0].to_dict()["event"] == {"rpcMethod": "fast"}


async def test_stub_fetch_reaches_the_objects_fetch_and_is_traced_as_fetch(rooms: Any):
    seen: list[TraceEvent] = []
    unsubscribe = rooms.platform.runtime.trace_bus.subscribe(seen.append)
    response = await rooms.getByName("lobby").fetch("https://room/x", method="POST")
    unsubscribe()
    assert response.status == 203 and await response.text() == "room POST https://room/x"
    assert [(t.kind, t.status, t.request.method) for t in seen] == [("fetch", 203, "POST")]
