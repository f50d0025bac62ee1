"""KV `get`/`put` from a worker versus raw `sqlite3` point reads/writes on the same file.

The worker side is what handler code runs: `await env.KV.get(key)` / `await env.KV.put(key,
value)` on the `KVNamespace` binding over `SqliteKVStore` — key checks, option handling, the
expiration check, decoding, one transaction per write. The anchor is the floor SQLite allows: a
second connection to the same file with the same pragmas (WAL, synchronous=NORMAL) doing
`SELECT value FROM t WHERE key = ?` and an autocommitted upsert on a plain key/value table. Same keys, same 100-byte values, same random order; rounds alternate between the two
and the best round of each counts, so a noisy neighbour hurts both alike.

Claim (issue 4): ops/s ratio worker / raw ≥ 0.5 for both get and put.

    python bench/bench_kv.py
"""

from __future__ import annotations

import asyncio
import random
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

try:
    from hearth.bindings.kv import KVNamespace, SqliteKVStore
except ImportError:  # run from a checkout without the package installed
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
    from hearth.bindings.kv import KVNamespace, SqliteKVStore

KEYS = 10_000
READS = 20_000  # per round
WRITES = 3_000  # per round
ROUNDS = 12
TARGET = 0.5


async def _worker_gets(kv: KVNamespace, keys: list[str]) -> float:
    get = kv.get
    started = time.perf_counter()
    for key in keys:
        await get(key)
    return len(keys) / (time.perf_counter() - started)


async def _worker_puts(kv: KVNamespace, keys: list[str], value: str) -> float:
    put = kv.put
    started = time.perf_counter()
    for key in keys:
        await put(key, value)
    return len(keys) / (time.perf_counter() - started)


def _raw_gets(db: sqlite3.Connection, keys: list[str]) -> float:
    execute = db.execute
    sql = "SELECT value FROM raw_kv WHERE key = ?"
    started = time.perf_counter()
    for key in keys:
        execute(sql, (key,)).fetchone()
    return len(keys) / (time.perf_counter() - started)


def _raw_puts(db: sqlite3.Connection, keys: list[str], value: bytes) -> float:
    execute = db.execute
    sql = (
        "INSERT INTO raw_kv (key, value) VALUES (?, ?) "
        "ON CONFLICT (key) DO UPDATE SET value = excluded.value"
    )
    started = time.perf_counter()
    for key in keys:
        execute(sql, (key, value))  # autocommit: one transaction per write, like a KV put
    return len(keys) / (time.perf_counter() - started)


async def run() -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "kv.sqlite3"
        store = SqliteKVStore(path)
        kv = KVNamespace(store, (await store.create_namespace("bench", "bench")).id, name="KV")
        raw = sqlite3.connect(path, isolation_level=None)
        raw.execute("PRAGMA journal_mode = WAL")
        raw.execute("PRAGMA synchronous = NORMAL")
        raw.execute("CREATE TABLE raw_kv (key TEXT PRIMARY KEY, value BLOB) WITHOUT ROWID")

        rng = random.Random(4)
        names = [f"user:{i:06}:profile" for i in range(KEYS)]
        text = "v" * 100
        for name in names:
            await kv.put(name, text)
            raw.execute("INSERT INTO raw_kv VALUES (?, ?)", (name, text.encode()))
        reads = [rng.choice(names) for _ in range(READS)]
        writes = [rng.choice(names) for _ in range(WRITES)]

        best = {"worker_get": 0.0, "raw_get": 0.0, "worker_put": 0.0, "raw_put": 0.0}
        for _ in range(ROUNDS):
            best["raw_get"] = max(best["raw_get"], _raw_gets(raw, reads))
            best["worker_get"] = max(best["worker_get"], await _worker_gets(kv, reads))
            best["raw_put"] = max(best["raw_put"], _raw_puts(raw, writes, text.encode()))
            best["worker_put"] = max(best["worker_put"], await _worker_puts(kv, writes, text))
        raw.close()
        await store.close()
    return best


def main() -> dict[str, float]:
    best = asyncio.run(run())
    result = dict(best)
    for op in ("get", "put"):
        worker, raw = best[f"worker_{op}"], best[f"raw_{op}"]
        ratio = worker / raw
        result[f"{op}_ratio"] = ratio
        verdict = "ok" if ratio >= TARGET else f"BELOW target {TARGET}"
        print(
            f"KV {op}: worker {worker:,.0f} ops/s ({1e6 / worker:.1f} µs)  "
            f"raw sqlite3 {raw:,.0f} ops/s ({1e6 / raw:.1f} µs)  "
            f"ratio {ratio:.2f} ({verdict})"
        )
    return result


if __name__ == "__main__":
    main()
