"""Opening the store: SQLite by default or PostgreSQL, migrated on open, key file outside."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.ext.asyncio import create_async_engine

from hearth.store import KEY_FILE_ENV, Store, metadata, open_store
from hearth.store._engine import _MIGRATIONS

from .backends import throwaway_database


def _migrations() -> ScriptDirectory:
    config = Config()
    config.set_main_option("script_location", str(_MIGRATIONS))
    return ScriptDirectory.from_config(config)


async def test_sqlite_is_the_default_in_the_data_directory_with_wal_and_foreign_keys(
    tmp_path: Path,
) -> None:
    store = await open_store(None, tmp_path / "data")
    try:
        assert (tmp_path / "data" / "hearth.db").exists()
        async with store.read() as conn:
            assert (await conn.exec_driver_sql("PRAGMA journal_mode")).scalar() == "wal"
            assert (await conn.exec_driver_sql("PRAGMA foreign_keys")).scalar() == 1
    finally:
        await store.close()


async def test_the_migrations_create_exactly_the_tables_of_the_metadata(store: Store) -> None:
    def diff(conn: sa.Connection) -> list:
        return compare_metadata(MigrationContext.configure(conn), metadata)

    async with store.read() as conn:
        assert await conn.run_sync(diff) == []
        rows = await conn.execute(sa.text("SELECT version_num FROM alembic_version"))
        versions = {row.version_num for row in rows}
    assert versions == set(_migrations().get_heads())


async def test_opening_twice_migrates_once_and_keeps_data(
    database_url: str | None, data_dir: Path, store: Store
) -> None:
    digest = await store.put_bundle({"entry.py": b"x = 1"}, "entry.py")
    again = await open_store(database_url, data_dir)
    try:
        assert (await again.get_bundle(digest)).files == {"entry.py": b"x = 1"}
    finally:
        await again.close()


async def test_the_secret_key_file_is_created_once_with_mode_0600(
    store: Store, data_dir: Path, database_url: str | None
) -> None:
    key_file = data_dir / "secret.key"
    assert key_file.stat().st_mode & 0o777 == 0o600
    content = key_file.read_bytes()
    again = await open_store(database_url, data_dir)
    await again.close()
    assert key_file.read_bytes() == content


async def test_the_key_file_can_live_elsewhere(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    elsewhere = tmp_path / "keys" / "hearth.key"
    elsewhere.parent.mkdir()
    monkeypatch.setenv(KEY_FILE_ENV, str(elsewhere))
    store = await open_store(None, tmp_path / "data")
    await store.close()
    assert elsewhere.exists() and not (tmp_path / "data" / "secret.key").exists()


async def test_a_key_file_of_the_wrong_size_is_refused(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    (data / "secret.key").write_bytes(b"too short")
    with pytest.raises(ValueError, match="32-byte key"):
        await open_store(None, data)


async def test_unknown_database_schemes_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="unsupported database"):
        await open_store("mysql://localhost/hearth", tmp_path)


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str | None]:
    """A database no migration has touched yet (None: SQLite in the data directory)."""
    if request.param == "sqlite":
        yield None
    else:
        with throwaway_database("hearth_migration") as url:
            yield url


async def test_upgrading_makes_the_first_start_token_an_operator_and_keeps_accounts_enabled(
    empty_database: str | None, data_dir: Path
) -> None:
    data_dir.mkdir(parents=True)
    url = empty_database or f"sqlite:///{data_dir / 'hearth.db'}"
    engine = create_async_engine(
        url.replace("postgresql://", "postgresql+asyncpg://", 1).replace(
            "sqlite://", "sqlite+aiosqlite://", 1
        )
    )

    def before_accounts(conn: sa.Connection) -> None:
        config = Config()
        config.set_main_option("script_location", str(_MIGRATIONS))
        config.attributes["connection"] = conn
        command.upgrade(config, "0003_cron_triggers")
        created = datetime.now(UTC)
        conn.execute(
            sa.text(
                "INSERT INTO accounts (id, name, subdomain, created_at) VALUES ('a', 'main', 'main', :t)"
            ),
            {"t": created},
        )
        for name in ("bootstrap", "ci"):
            conn.execute(
                sa.text(
                    "INSERT INTO tokens (id, account_id, name, scope, token_hash, created_at) "
                    "VALUES (:name, 'a', :name, 'admin', :name, :t)"
                ),
                {"name": name, "t": created},
            )

    async with engine.begin() as conn:
        await conn.run_sync(before_accounts)
    await engine.dispose()

    store = await open_store(empty_database, data_dir)
    try:
        async with store.read() as conn:
            scopes = dict((await conn.execute(sa.text("SELECT name, scope FROM tokens"))).all())
            disabled = (await conn.execute(sa.text("SELECT disabled_at FROM accounts"))).scalar()
    finally:
        await store.close()
    assert scopes == {"bootstrap": "operator", "ci": "admin"}
    assert disabled is None
