"""The KV REST API of `hearth serve`: reading a value over HTTP, and a 10,000-pair bulk write.

- GET value: `GET /api/v1/kv/namespaces/{id}/values/{key}` (token check, namespace look-up in
  the account, a 100-byte value streamed back) under wrk, against two anchors measured side by
  side in the same run: the bare ASGI hello-world on the same server settings, and the API's
  own floor, `GET /api/v1/services` (the same token check, then one control-plane read).
- Bulk write: `PUT …/bulk` with 10,000 pairs of 100-byte values (JSON parsing, every pair
  checked, one transaction), against the floor SQLite allows: the same rows written by raw
  `sqlite3` `executemany` in one transaction on a file with the same pragmas.

    python -m bench bench_kv_api
"""

from __future__ import annotations

import secrets
import sqlite3
import statistics
import tempfile
import time
from pathlib import Path

import httpx

from ._load import PYTHON, serve_command, serving, wrk

TOKEN = "bench_" + secrets.token_urlsafe(32)
BARE = [PYTHON, "bench/bare_asgi.py", "{port}"]
PAIRS = 10_000
ROUNDS = 5


def _raw_bulk(rows: list[tuple[str, bytes]]) -> float:
    """Seconds for raw sqlite3 to write the rows in one transaction (fresh file each time)."""
    with tempfile.TemporaryDirectory() as tmp:
        db = sqlite3.connect(Path(tmp) / "raw.sqlite3", isolation_level=None)
        db.execute("PRAGMA journal_mode = WAL")
        db.execute("PRAGMA synchronous = NORMAL")
        db.execute("CREATE TABLE raw_kv (key TEXT PRIMARY KEY, value BLOB) WITHOUT ROWID")
        started = time.perf_counter()
        db.execute("BEGIN IMMEDIATE")
        db.executemany(
            "INSERT INTO raw_kv VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = "
            "excluded.value",
            rows,
        )
        db.execute("COMMIT")
        elapsed = time.perf_counter() - started
        db.close()
    return elapsed


def main(seconds: float = 3) -> dict[str, float]:
    command = serve_command()
    pairs = [{"key": f"user:{i:06}:profile", "value": "v" * 100} for i in range(PAIRS)]
    rows = [(p["key"], p["value"].encode()) for p in pairs]
    with serving(command, env={"HEARTH_BOOTSTRAP_TOKEN": TOKEN}) as port:
        admin = f"http://127.0.0.1:{port + 1}/api/v1/kv/namespaces"
        with httpx.Client(headers={"authorization": f"Bearer {TOKEN}"}, timeout=120) as api:
            created = api.post(admin, json={"title": "bench"})
            created.raise_for_status()
            namespace = f"{admin}/{created.json()['id']}"
            api_times, raw_times = [], []
            for _ in range(ROUNDS):
                raw_times.append(_raw_bulk(rows))
                started = time.perf_counter()
                api.put(f"{namespace}/bulk", json=pairs).raise_for_status()
                api_times.append(time.perf_counter() - started)
        value_url = f"{namespace}/values/user:000042:profile"
        with serving(BARE) as bare_port:
            bare_url = f"http://127.0.0.1:{bare_port}/"
            wrk(bare_url, seconds=1)
            wrk(value_url, seconds=1, token=TOKEN)
            services_url = f"http://127.0.0.1:{port + 1}/api/v1/services"
            ratios, bare, served, floor = [], [], [], []
            for _ in range(ROUNDS):
                bare.append(wrk(bare_url, seconds=seconds))
                floor.append(wrk(services_url, seconds=seconds, token=TOKEN))
                served.append(wrk(value_url, seconds=seconds, token=TOKEN))
                ratios.append(served[-1] / bare[-1])
    api_bulk, raw_bulk = statistics.median(api_times), statistics.median(raw_times)
    figures = {
        "get_value_rps": statistics.median(served),
        "bare_rps": statistics.median(bare),
        "get_ratio": statistics.median(ratios),
        "services_rps": statistics.median(floor),
        "get_vs_services": statistics.median(served) / statistics.median(floor),
        "bulk_api_pairs_per_s": PAIRS / api_bulk,
        "bulk_raw_pairs_per_s": PAIRS / raw_bulk,
        "bulk_ratio": raw_bulk / api_bulk,
    }
    print(
        f"KV API GET value: {figures['get_value_rps']:,.0f} req/s, bare ASGI "
        f"{figures['bare_rps']:,.0f} req/s -> ratio {figures['get_ratio']:.2f} "
        f"(rounds: {', '.join(f'{r:.2f}' for r in ratios)}); GET /services (same token check) "
        f"{figures['services_rps']:,.0f} req/s -> ratio {figures['get_vs_services']:.2f}"
    )
    print(
        f"KV API bulk write of {PAIRS:,} pairs: {api_bulk * 1000:.0f} ms "
        f"({figures['bulk_api_pairs_per_s']:,.0f} pairs/s), raw sqlite3 {raw_bulk * 1000:.0f} ms "
        f"({figures['bulk_raw_pairs_per_s']:,.0f} pairs/s) -> ratio {figures['bulk_ratio']:.2f}"
    )
    return figures


if __name__ == "__main__":
    main()
