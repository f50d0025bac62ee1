"""KV fixtures: every test runs on both backends, with a clock the test moves.

`store` is a `SqliteKVStore` in the test's tmp_path, or a `PostgresKVStore` in a throwaway
database made for this test session (`hearth_kv_test_<random>`, dropped at the end, emptied
before each test). `HEARTH_TEST_POSTGRES` points at another server.
"""

from __future__ import annotations

import asyncio
import os
import secrets
from collections.abc import AsyncIterator, Coroutine, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import asyncpg
import pytest

from hearth.bindings.kv import (
    KVNamespace,
    KVStore,
    NamespaceInfo,
    PostgresKVStore,
    SqliteKVStore,
)

SERVER = os.environ.get("HEARTH_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432")
START = 1_800_000_000.0  # 2027-01-15: any fixed "now" will do


class FakeClock:
    """The store's `now`: stands still until the test advances it."""

    def __init__(self, start: float = START) -> None:
        self.time = start

    def __call__(self) -> float:
        return self.time

    def advance(self, seconds: float) -> None:
        self.time += seconds


def _run(coro: Coroutine[Any, Any, Any]) -> Any:
    # Session fixtures may be set up inside a running loop: give asyncpg a loop of its own.
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coro).result()


async def _admin(sql: str) -> None:
    conn = await asyncpg.connect(f"{SERVER}/postgres")
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


@pytest.fixture(scope="session")
def kv_postgres_url() -> Iterator[str]:
    name = f"hearth_kv_test_{secrets.token_hex(6)}"
    _run(_admin(f'CREATE DATABASE "{name}"'))
    try:
        yield f"{SERVER}/{name}"
    finally:
        _run(_admin(f'DROP DATABASE "{name}" WITH (FORCE)'))


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture(params=["sqlite", "postgresql"])
async def store(
    request: pytest.FixtureRequest, tmp_path: Path, clock: FakeClock
) -> AsyncIterator[KVStore]:
    if request.param == "sqlite":
        kv_store: KVStore = SqliteKVStore(tmp_path / "data" / "kv.sqlite3", now=clock)
    else:
        kv_store = await PostgresKVStore.connect(
            request.getfixturevalue("kv_postgres_url"), now=clock
        )
        await kv_store._pool.execute("TRUNCATE kv_entries, kv_blob_chunks, kv_blobs, kv_namespaces")
    yield kv_store
    await kv_store.close()


@pytest.fixture
async def namespace(store: KVStore) -> NamespaceInfo:
    return await store.create_namespace("account-1", "test")


@pytest.fixture
def kv(store: KVStore, namespace: NamespaceInfo) -> KVNamespace:
    """What a worker's `env.KV` is."""
    return KVNamespace(store, namespace.id, name="KV")
