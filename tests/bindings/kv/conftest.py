"""KV fixtures: every test runs on both backends, with a clock the test moves.

`store` is a `SqliteKVStore` in the test's tmp_path, or a `PostgresKVStore` in a throwaway
database made for this test session (`hearth_kv_test_<random>`, dropped at the end, emptied
before each test). `HEARTH_TEST_POSTGRES` points at another server.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from hearth.bindings.kv import (
    KVNamespace,
    KVStore,
    NamespaceInfo,
    PostgresKVStore,
    SqliteKVStore,
)
from tests.store.backends import throwaway_database

START = 1_800_000_000.0  # 2027-01-15: any fixed "now" will do


class FakeClock:
    """The store's `now`: stands still until the test advances it."""

    def __init__(self, start: float = START) -> None:
        self.time = start

    def __call__(self) -> float:
        return self.time

    def advance(self, seconds: float) -> None:
        self.time += seconds


@pytest.fixture(scope="session")
def kv_postgres_url() -> Iterator[str]:
    with throwaway_database("hearth_kv_test") as url:
        yield url


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
