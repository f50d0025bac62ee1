"""`ctx.storage` on a real SQLite file: `deleteAll()` with virtual tables and all-or-nothing,
`list(prefix=…)` with any characters, and a transaction that other events must wait for."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

import pytest

from hearth.bindings.durable_objects import ObjectStorage


@pytest.fixture
def storage(tmp_path: Path):
    opened = ObjectStorage(tmp_path / "object.sqlite")
    yield opened
    opened.close()


async def test_delete_all_drops_fts5_tables(storage: ObjectStorage):
    """An FTS5 table (with its shadow tables) and tables with awkward names are dropped."""
    await storage.put("k", "v")
    storage.sql.exec("CREATE VIRTUAL TABLE docs USING fts5(body)")
    storage.sql.exec("INSERT INTO docs VALUES ('hello')")
    storage.sql.exec('CREATE TABLE "say ""hi""" (t TEXT)')
    await storage.deleteAll()
    assert await storage.list() == {}
    assert storage.sql.exec("SELECT name FROM sqlite_schema").toArray() == [{"name": "_cf_KV"}]


async def test_delete_all_is_all_or_nothing(storage: ObjectStorage):
    """When a table cannot be dropped, deleteAll() fails and nothing is deleted."""
    await storage.put("k", "v")
    storage.sql.exec("CREATE TABLE a_parent (id INTEGER PRIMARY KEY)")
    storage.sql.exec("CREATE TABLE b_child (p INTEGER REFERENCES a_parent(id))")
    storage.sql.exec("INSERT INTO a_parent VALUES (1); INSERT INTO b_child VALUES (1)")
    storage.flush()
    # Dropping a_parent (first, by name) now fails: b_child's row refers to it.
    storage.connection.execute("PRAGMA foreign_keys = ON")
    with pytest.raises(sqlite3.IntegrityError):
        await storage.deleteAll()
    storage.flush()
    assert await storage.get("k") == "v"
    assert storage.sql.exec("SELECT count(*) AS n FROM b_child").one() == {"n": 1}


async def test_list_prefix_with_nul_and_astral_characters(storage: ObjectStorage):
    keys = ["a", "a\x00b", "a\x00c", "ab", "b", "😀x", "😀y", "\U0010ffff\U0010ffffz", "é1"]
    await storage.put({key: key for key in keys})
    assert list(await storage.list(prefix="a\x00")) == ["a\x00b", "a\x00c"]
    assert list(await storage.list(prefix="a")) == ["a", "a\x00b", "a\x00c", "ab"]
    assert list(await storage.list(prefix="😀", reverse=True)) == ["😀y", "😀x"]
    assert list(await storage.list(prefix="\U0010ffff")) == ["\U0010ffff\U0010ffffz"]


async def test_other_code_waits_for_an_open_transaction(storage: ObjectStorage):
    """While a transaction awaits I/O, code outside it waits to use the storage (its writes
    neither join nor are rolled back with the transaction); the synchronous APIs, which
    cannot wait, refuse with a clear error."""
    inside = asyncio.Event()

    async def body(txn):
        await txn.put("in", 1)
        inside.set()
        await asyncio.sleep(0.05)
        raise ValueError("roll back")

    txn = asyncio.ensure_future(storage.transaction(body))
    await inside.wait()
    with pytest.raises(RuntimeError, match="another event's storage.transaction"):
        storage.sql.exec("SELECT 1")
    with pytest.raises(RuntimeError, match="another event's storage.transaction"):
        storage.transactionSync(lambda: None)
    await storage.put("out", 2)  # waits for the transaction to end
    assert txn.done()
    with pytest.raises(ValueError, match="roll back"):
        await txn
    assert await storage.get(["in", "out"]) == {"out": 2}
