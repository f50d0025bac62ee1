"""`ctx.storage.sql.exec` on a real SQLite file: the cursor (iteration, `toArray`, `one`, `raw`,
`columnNames`, `rowsRead`, `rowsWritten`), `databaseSize`, and what is refused."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from hearth.bindings.durable_objects import ObjectStorage


@pytest.fixture
def sql(tmp_path: Path):
    storage = ObjectStorage(tmp_path / "object.sqlite")
    storage.sql.exec(
        "CREATE TABLE messages (id INTEGER PRIMARY KEY, author TEXT, body TEXT);"
        "INSERT INTO messages (author, body) VALUES ('ada', 'hi'), ('bob', 'yo'), ('ada', ';')"
    )
    yield storage.sql
    storage.close()


def test_rows_are_dicts_in_column_order(sql):
    cursor = sql.exec("SELECT id, author FROM messages WHERE author = ? ORDER BY id", "ada")
    assert cursor.columnNames == ["id", "author"]
    assert [row for row in cursor] == [{"id": 1, "author": "ada"}, {"id": 3, "author": "ada"}]
    assert cursor.rowsRead == 2 and cursor.rowsWritten == 0


def test_to_array_one_raw_and_next(sql):
    assert sql.exec("SELECT body FROM messages ORDER BY id").toArray() == [
        {"body": "hi"},
        {"body": "yo"},
        {"body": ";"},
    ]
    assert sql.exec("SELECT count(*) AS n FROM messages").one() == {"n": 3}
    assert list(sql.exec("SELECT id, body FROM messages ORDER BY id").raw()) == [
        [1, "hi"],
        [2, "yo"],
        [3, ";"],
    ]
    cursor = sql.exec("SELECT id FROM messages WHERE id = 2")
    assert cursor.next() == {"done": False, "value": {"id": 2}}
    assert cursor.next() == {"done": True}
    with pytest.raises(ValueError, match="but got no results."):
        sql.exec("SELECT * FROM messages WHERE id = 99").one()
    with pytest.raises(ValueError, match="but got multiple results."):
        sql.exec("SELECT * FROM messages").one()


def test_rows_written_and_several_statements(sql):
    cursor = sql.exec("UPDATE messages SET body = upper(body) WHERE author = 'ada'")
    assert cursor.rowsWritten == 2 and cursor.rowsRead >= 2
    # Several statements: the bindings and the cursor are the last one's.
    cursor = sql.exec(
        "DELETE FROM messages WHERE id = 2; SELECT body FROM messages WHERE id = ?", 1
    )
    assert cursor.toArray() == [{"body": "HI"}]
    assert cursor.rowsWritten == 1


def test_blobs_and_database_size(sql):
    sql.exec("CREATE TABLE files (name TEXT, data BLOB)")
    sql.exec("INSERT INTO files VALUES (?, ?)", "a", b"\x00\x01")
    assert sql.exec("SELECT data FROM files").one()["data"] == b"\x00\x01"
    assert sql.databaseSize > 0 and sql.databaseSize % 4096 == 0


def test_hearths_tables_and_transactions_are_refused(sql):
    with pytest.raises(sqlite3.DatabaseError, match="access to _cf_KV.key is prohibited"):
        sql.exec("SELECT key FROM _cf_KV")
    with pytest.raises(sqlite3.DatabaseError, match="please use the state.storage.transaction"):
        sql.exec("BEGIN TRANSACTION")
    with pytest.raises(sqlite3.DatabaseError, match="please use the state.storage.transaction"):
        sql.exec("SAVEPOINT mine")
    with pytest.raises(sqlite3.OperationalError, match="no such table: nowhere"):
        sql.exec("SELECT * FROM nowhere")
    assert sql.exec("SELECT count(*) AS n FROM messages").one() == {"n": 3}  # still usable
