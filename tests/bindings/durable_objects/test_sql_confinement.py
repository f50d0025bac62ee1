"""What `sql.exec` refuses so that one object's SQL stays inside its own database: other files
(ATTACH, VACUUM INTO), pragmas beyond Cloudflare's list, and every way into Hearth's `_cf_`
tables. And scripts ending in a comment."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from hearth.bindings.durable_objects import ObjectStorage


@pytest.fixture
def storage(tmp_path: Path):
    storage = ObjectStorage(tmp_path / "object.sqlite")
    yield storage
    storage.close()


async def test_sql_cannot_open_another_objects_database(tmp_path: Path, storage: ObjectStorage):
    """An object cannot ATTACH another database file (another account's object, the control
    database): the user sees SQLITE_AUTH."""
    victim = ObjectStorage(tmp_path / "victim.sqlite")
    await victim.put("password", "hunter2")
    victim.close()
    with pytest.raises(sqlite3.DatabaseError, match="ATTACH and DETACH are not allowed"):
        storage.sql.exec(f"ATTACH DATABASE '{tmp_path / 'victim.sqlite'}' AS v")
    with pytest.raises(sqlite3.DatabaseError, match="ATTACH and DETACH are not allowed"):
        storage.sql.exec("DETACH DATABASE main")


def test_only_cloudflares_pragmas_are_allowed(storage: ObjectStorage):
    """Schema pragmas work; ones that reveal the file's path or change how it is stored do
    not, in either the PRAGMA or the table-valued form."""
    sql = storage.sql
    sql.exec("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)")
    assert [r["name"] for r in sql.exec("PRAGMA table_info(notes)")] == ["id", "body"]
    assert [r["name"] for r in sql.exec("SELECT name FROM pragma_table_info('notes')")] == [
        "id",
        "body",
    ]
    sql.exec("PRAGMA foreign_keys = ON")
    for query in (
        "PRAGMA database_list",
        "SELECT file FROM pragma_database_list",
        "PRAGMA journal_mode = DELETE",
        "PRAGMA synchronous = OFF",
        "PRAGMA page_size = 512",
    ):
        with pytest.raises(sqlite3.DatabaseError, match="PRAGMA .* is not allowed"):
            sql.exec(query)
    assert storage.connection.execute("PRAGMA journal_mode").fetchone() == ("wal",)


@pytest.mark.parametrize(
    "query",
    [
        "ALTER TABLE _cf_KV RENAME TO mine",
        "ALTER TABLE _CF_kv ADD COLUMN extra TEXT",
        "CREATE TRIGGER spy AFTER INSERT ON _cf_KV BEGIN SELECT 1; END",
        "CREATE TEMP TRIGGER spy AFTER INSERT ON main._cf_KV BEGIN SELECT 1; END",
        "CREATE VIEW everything AS SELECT * FROM _cf_KV",
        "CREATE TEMP VIEW everything AS SELECT * FROM _Cf_Kv",
        "CREATE INDEX by_value ON _cf_KV(value)",
        "PRAGMA table_info(_cf_KV)",
    ],
)
async def test_hearths_tables_cannot_be_altered_or_watched(storage: ObjectStorage, query: str):
    """Renaming, altering, watching (triggers) or wrapping (views) `_cf_KV` is refused whatever
    the case of its name, and the KV API keeps working."""
    await storage.put("k", "v")
    with pytest.raises(sqlite3.DatabaseError, match="SQLITE_AUTH"):
        storage.sql.exec(query)
    storage.flush()
    assert await storage.get("k") == "v"
    await storage.put("k2", "v2")
    assert await storage.list() == {"k": "v", "k2": "v2"}


def test_users_own_triggers_views_and_fts_still_work(storage: ObjectStorage):
    sql = storage.sql
    sql.exec("CREATE TABLE a (x INTEGER); CREATE TABLE log (x INTEGER)")
    sql.exec("CREATE TRIGGER t AFTER INSERT ON a BEGIN INSERT INTO log VALUES (new.x); END")
    sql.exec("CREATE VIEW doubled AS SELECT x * 2 AS y FROM a")
    sql.exec("ALTER TABLE a ADD COLUMN note TEXT; INSERT INTO a (x) VALUES (21)")
    assert sql.exec("SELECT y FROM doubled").one() == {"y": 42}
    assert sql.exec("SELECT x FROM log").one() == {"x": 21}
    sql.exec("CREATE VIRTUAL TABLE docs USING fts5(body); INSERT INTO docs VALUES ('hello')")
    assert sql.exec("SELECT body FROM docs WHERE docs MATCH 'hello'").one() == {"body": "hello"}


def test_a_script_may_end_with_a_comment(storage: ObjectStorage):
    """A trailing comment is not a statement: the bindings and the cursor belong to the last
    real statement."""
    sql = storage.sql
    sql.exec("CREATE TABLE t (v INTEGER)")
    assert sql.exec("INSERT INTO t VALUES (?); -- add one", 5).rowsWritten == 1
    assert sql.exec("SELECT count(*) AS n FROM t; /* done */").one() == {"n": 1}
    assert sql.exec("SELECT v FROM t WHERE v > ?; -- a\n-- b\n", 0).one() == {"v": 5}
    assert sql.exec("SELECT v FROM t WHERE v > ? -- filter", 0).one() == {"v": 5}
