"""Opening the control database: engine, connection settings, migrations."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from sqlalchemy import event
from sqlalchemy.engine import URL, Connection, make_url
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine

from ._bundles import Bundle, insert_bundle, load_bundle
from ._secrets import SecretBox, load_key

__all__ = ["Store", "open_store"]

_MIGRATIONS = Path(__file__).parent / "migrations"
# Any constant will do: it only has to be the same on every node sharing the database.
_MIGRATION_LOCK = 0x4E4152544548  # "HEARTH"


class Store:
    """The control database plus the key that encrypts its secrets.

    `read()` and `write()` open one transaction each. On SQLite a write transaction starts
    with `BEGIN IMMEDIATE`, so two writers queue on the lock instead of one failing half-way
    when it upgrades a read lock.
    """

    __slots__ = ("engine", "secrets")

    def __init__(self, engine: AsyncEngine, secrets: SecretBox) -> None:
        self.engine = engine
        self.secrets = secrets

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @asynccontextmanager
    async def read(self) -> AsyncIterator[AsyncConnection]:
        async with self.engine.connect() as conn, conn.begin():
            yield conn

    @asynccontextmanager
    async def write(self) -> AsyncIterator[AsyncConnection]:
        async with self.engine.connect() as conn:
            await conn.execution_options(hearth_write=True)
            async with conn.begin():
                yield conn

    async def put_bundle(self, files: dict[str, bytes], main_module: str) -> str:
        async with self.write() as conn:
            return await insert_bundle(conn, files, main_module)

    async def get_bundle(self, digest: str) -> Bundle:
        async with self.read() as conn:
            return await load_bundle(conn, digest)

    async def close(self) -> None:
        await self.engine.dispose()


async def open_store(database_url: str | None, data_dir: Path) -> Store:
    """Open (and migrate) the database: `<data_dir>/hearth.db` by default, or `database_url`
    (`postgresql://…`, `sqlite:///…`). The secret key lives in `data_dir` either way."""
    data_dir.mkdir(parents=True, exist_ok=True)
    url = _async_url(database_url, data_dir)
    if url.get_backend_name() == "sqlite":
        engine = create_async_engine(url)
        _configure_sqlite(engine)
    else:
        engine = create_async_engine(url, pool_pre_ping=True)
    try:
        async with engine.connect() as conn:
            await conn.execution_options(hearth_write=True)
            async with conn.begin():
                await conn.run_sync(_migrate)
    except BaseException:
        await engine.dispose()
        raise
    return Store(engine, SecretBox(load_key(data_dir)))


def _async_url(database_url: str | None, data_dir: Path) -> URL:
    if not database_url:
        return URL.create("sqlite+aiosqlite", database=str(data_dir / "hearth.db"))
    url = make_url(database_url)
    backend = url.get_backend_name()
    if backend in ("postgresql", "postgres"):
        return url.set(drivername="postgresql+asyncpg")
    if backend == "sqlite":
        return url.set(drivername="sqlite+aiosqlite")
    raise ValueError(f"unsupported database {database_url!r}: use postgresql:// or sqlite://")


def _configure_sqlite(engine: AsyncEngine) -> None:
    @event.listens_for(engine.sync_engine, "connect")
    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy, not the driver, decide when transactions begin (see on_begin).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        for pragma in (
            "journal_mode=WAL",
            "foreign_keys=ON",
            "synchronous=NORMAL",
            "busy_timeout=10000",
        ):
            cursor.execute(f"PRAGMA {pragma}")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def on_begin(conn: Connection) -> None:
        write = conn.get_execution_options().get("hearth_write", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


def _migrate(conn: Connection) -> None:
    if conn.dialect.name == "postgresql":
        # Nodes starting together take turns; the lock ends with the transaction.
        conn.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": _MIGRATION_LOCK})
    config = Config()
    config.set_main_option("script_location", str(_MIGRATIONS))
    config.attributes["connection"] = conn
    command.upgrade(config, "head")
