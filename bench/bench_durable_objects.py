"""Durable Objects: what a call to one object and a storage operation cost, in this process.

1. Calls per second to one object, one after another: `stub.fetch` (+ reading the body) and
   RPC `increment()`, both reading and writing the count in the object's storage (each call's
   write committed durably before its result is released: WAL, synchronous=FULL), and RPC
   `bump()` that only touches memory; against the anchor, a direct `await counter.increment()`
   on a plain Python object holding the same count. Figure: the anchor's rate ÷ each rate.
2. Storage µs per operation on one object's SQLite file: `put` (committed per operation, as
   one write per event is) and `get`, against raw `sqlite3` on the same file with the same
   pragmas (INSERT … ON CONFLICT + COMMIT; SELECT). Figure: storage µs ÷ raw µs.
"""

from __future__ import annotations

import asyncio
import sqlite3
import statistics
import tempfile
import textwrap
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

SOURCE = """
from workers import DurableObject, Response, WorkerEntrypoint

class Counter(DurableObject):
    def __init__(self, ctx, env):
        super().__init__(ctx, env)
        self.memory = 0

    async def fetch(self, request):
        return Response(str(await self.increment()))

    async def increment(self):
        count = (await self.ctx.storage.get("count") or 0) + 1
        await self.ctx.storage.put("count", count)
        return count

    async def bump(self):
        self.memory += 1
        return self.memory

class Default(WorkerEntrypoint):
    async def fetch(self, request):
        return Response("")
"""


class PlainCounter:
    """The anchor: the same state in a plain object, called directly."""

    def __init__(self) -> None:
        self.count = 0

    async def increment(self) -> int:
        self.count += 1
        return self.count


class _Platform:
    def __init__(self, root: Path) -> None:
        from hearth.bindings import build_env
        from hearth.bindings.durable_objects import DurableObjectManager
        from hearth.runtime import InProcessRuntime

        self.runtime = InProcessRuntime(build_env, platform=self)
        self.durable_objects = DurableObjectManager(root / "objects", self.runtime)


async def _rate(call: Callable[[], Awaitable[Any]], calls: int) -> float:
    for _ in range(min(calls // 10, 200)):
        await call()
    best = 0.0
    for _ in range(3):
        started = time.perf_counter()
        for _ in range(calls):
            await call()
        best = max(best, calls / (time.perf_counter() - started))
    return best


async def calls_per_second(root: Path, calls: int) -> dict[str, float]:
    from hearth.runtime import BindingSpec, VersionSpec

    (root / "entry.py").write_text(textwrap.dedent(SOURCE))
    platform = _Platform(root)
    spec = VersionSpec(
        "v1",
        "bench",
        root,
        "entry.py",
        compatibility_date="2025-09-01",
        bindings=(BindingSpec("COUNTER", "durable_object", settings={"class_name": "Counter"}),),
    )
    await platform.runtime.load(spec)
    stub = platform.runtime.loaded("v1").env.COUNTER.getByName("bench")
    plain = PlainCounter()

    async def fetch() -> None:
        await (await stub.fetch("https://counter/")).text()

    rates = {
        "plain": await _rate(plain.increment, calls * 10),
        "fetch": await _rate(fetch, calls),
        "rpc": await _rate(stub.increment, calls),
        "rpc_memory": await _rate(stub.bump, calls * 5),
    }
    await platform.durable_objects.stop()
    return rates


async def storage_us(root: Path, ops: int, rounds: int = 5) -> dict[str, float]:
    """Median per-round µs of each, storage and raw measured alternately: fsync time on a
    shared machine drifts by 10× within a minute, so only side-by-side rounds compare."""
    from hearth.bindings.durable_objects import ObjectStorage

    storage = ObjectStorage(root / "storage.sqlite")
    raw = sqlite3.connect(root / "storage.sqlite", isolation_level=None)
    raw.execute("PRAGMA journal_mode=WAL")
    raw.execute("PRAGMA synchronous=FULL")
    raw.execute("CREATE TABLE IF NOT EXISTS raw (key TEXT PRIMARY KEY, value BLOB) WITHOUT ROWID")
    keys = [f"key-{i}" for i in range(ops)]
    upsert = "INSERT INTO raw VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value"
    found: dict[str, list[float]] = {"put": [], "get": [], "raw_put": [], "raw_get": []}

    def timed(name: str, started: float) -> None:
        found[name].append((time.perf_counter() - started) / ops * 1e6)

    for _ in range(rounds):
        started = time.perf_counter()
        for i, key in enumerate(keys):
            await storage.put(key, i)
            storage.flush()  # what the end of an event does: the write is durable
        timed("put", started)
        started = time.perf_counter()
        for i, key in enumerate(keys):
            raw.execute("BEGIN")
            raw.execute(upsert, (key, str(i).encode()))
            raw.execute("COMMIT")
        timed("raw_put", started)
        started = time.perf_counter()
        for key in keys:
            await storage.get(key)
        timed("get", started)
        started = time.perf_counter()
        for key in keys:
            raw.execute("SELECT value FROM raw WHERE key = ?", (key,)).fetchone()
        timed("raw_get", started)
    storage.close()
    raw.close()
    return {name: statistics.median(values) for name, values in found.items()}


def main() -> None:
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch)
        rates = asyncio.run(calls_per_second(root, 2_000))
        figures = asyncio.run(storage_us(root, 300))
    plain = rates["plain"]
    print(f"plain object increment(): {plain:,.0f} calls/s (anchor)")
    for name, label in (
        ("fetch", "stub.fetch, durable write"),
        ("rpc", "RPC increment(), durable write"),
        ("rpc_memory", "RPC bump(), memory only"),
    ):
        print(f"{label}: {rates[name]:,.0f} calls/s = plain ÷ {plain / rates[name]:,.1f}")
    for op in ("put", "get"):
        raw = figures[f"raw_{op}"]
        print(
            f"storage.{op}: {figures[op]:.1f} µs/op, raw sqlite3 {raw:.1f} µs/op "
            f"= raw × {figures[op] / raw:.2f}"
        )


if __name__ == "__main__":
    main()
