"""The `store` fixture: every store and control-plane test runs on SQLite and on PostgreSQL.

PostgreSQL gets one throwaway database per test session (`hearth_test_<random>`, dropped at
the end), emptied before each test. `HEARTH_TEST_POSTGRES` points at another server.
"""

from __future__ import annotations

import asyncio
import os
import secrets
from collections.abc import AsyncIterator, Coroutine, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import asyncpg
import pytest
import sqlalchemy as sa

from hearth.store import Store, metadata, open_store

SERVER = os.environ.get("HEARTH_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432")


def _run(coro: Coroutine[Any, Any, Any]) -> Any:
    # Fixtures may be set up inside a running event loop: give asyncpg a loop of its own.
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coro).result()


async def _admin(sql: str) -> None:
    conn = await asyncpg.connect(f"{SERVER}/postgres")
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


@contextmanager
def throwaway_database(prefix: str) -> Iterator[str]:
    """The URL of a new PostgreSQL database `<prefix>_<random>`, dropped afterwards."""
    name = f"{prefix}_{secrets.token_hex(6)}"
    _run(_admin(f'CREATE DATABASE "{name}"'))
    try:
        yield f"{SERVER}/{name}"
    finally:
        _run(_admin(f'DROP DATABASE "{name}" WITH (FORCE)'))


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    with throwaway_database("hearth_test") as url:
        yield url


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest) -> str | None:
    """None (the default SQLite file in the data directory) or the session's PostgreSQL."""
    if request.param == "sqlite":
        return None
    return request.getfixturevalue("postgres_url")


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


@pytest.fixture
async def store(database_url: str | None, data_dir: Path) -> AsyncIterator[Store]:
    store = await open_store(database_url, data_dir)
    if store.dialect == "postgresql":
        async with store.write() as conn:
            names = ", ".join(t.name for t in metadata.sorted_tables)
            await conn.execute(sa.text(f"TRUNCATE {names} CASCADE"))
    yield store
    await store.close()


async def row_counts(store: Store) -> dict[str, int]:
    async with store.read() as conn:
        return {
            table.name: (
                await conn.execute(sa.select(sa.func.count()).select_from(table))
            ).scalar_one()
            for table in metadata.sorted_tables
        }


async def all_rows_text(store: Store) -> str:
    """Every value of every row, as text: to check what the database does *not* contain."""
    parts = []
    async with store.read() as conn:
        for table in metadata.sorted_tables:
            for row in await conn.execute(sa.select(table)):
                parts.extend(
                    bytes(v).decode("latin-1") if isinstance(v, bytes | memoryview) else repr(v)
                    for v in row
                )
    return "\n".join(parts)


def database_files_bytes(data_dir: Path) -> bytes:
    """The SQLite database as stored on disk, WAL included."""
    return b"".join(p.read_bytes() for p in sorted(data_dir.glob("hearth.db*")))
