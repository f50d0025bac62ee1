"""`ctx.storage`'s KV-style API on a real SQLite file: Cloudflare's list options, limits and
messages, structured-clone values, transactions, and write batching (writes with no `await`
between them commit together; `flush`, the output gate, makes them durable)."""

from __future__ import annotations

import asyncio
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest

from hearth.bindings.durable_objects import ObjectStorage, RangeError
from hearth.bindings.services import DataCloneError


@pytest.fixture
def storage(tmp_path: Path):
    opened = ObjectStorage(tmp_path / "object.sqlite")
    yield opened
    opened.close()


@pytest.fixture
async def letters(storage: ObjectStorage) -> ObjectStorage:
    await storage.put({key: key.upper() for key in ["a", "b", "c", "d", "ab", "ac", "é", "z"]})
    return storage


async def test_list_is_in_utf8_order(letters: ObjectStorage):
    assert list(await letters.list()) == ["a", "ab", "ac", "b", "c", "d", "z", "é"]


@pytest.mark.parametrize(
    ("options", "keys"),
    [
        ({"start": "b"}, ["b", "c", "d", "z", "é"]),  # start is inclusive
        ({"startAfter": "b"}, ["c", "d", "z", "é"]),  # startAfter is exclusive
        ({"start_after": "b"}, ["c", "d", "z", "é"]),
        ({"end": "c"}, ["a", "ab", "ac", "b"]),  # end is exclusive
        ({"start": "ab", "end": "c"}, ["ab", "ac", "b"]),
        ({"prefix": "a"}, ["a", "ab", "ac"]),
        ({"prefix": "a", "start": "ab"}, ["ab", "ac"]),
        ({"reverse": True}, ["é", "z", "d", "c", "b", "ac", "ab", "a"]),
        ({"reverse": True, "limit": 2}, ["é", "z"]),
        ({"limit": 3}, ["a", "ab", "ac"]),
        ({"prefix": "a", "reverse": True, "limit": 2}, ["ac", "ab"]),
        ({"start": "b", "end": "d", "reverse": True}, ["c", "b"]),
        ({"prefix": "nothing"}, []),
    ],
)
async def test_list_options(letters: ObjectStorage, options: dict, keys: list[str]):
    assert list(await letters.list(**options)) == keys
    assert list(await letters.list(options)) == keys  # the JavaScript style: one dict


async def test_list_returns_values_and_refuses_bad_options(letters: ObjectStorage):
    assert await letters.list(prefix="a", limit=2) == {"a": "A", "ab": "AB"}
    with pytest.raises(TypeError, match="List limit must be positive."):
        await letters.list(limit=0)
    with pytest.raises(TypeError, match="both start and startAfter"):
        await letters.list(start="a", startAfter="b")


async def test_get_put_delete_one_and_many(storage: ObjectStorage):
    assert await storage.get("missing") is None
    await storage.put("k", 1)
    await storage.put({"x": "X", "y": "Y"})
    assert await storage.get("k") == 1
    assert await storage.get(["y", "nope", "x"]) == {"x": "X", "y": "Y"}  # sorted, missing left out
    assert await storage.delete("k") is True
    assert await storage.delete("k") is False
    assert await storage.delete(["x", "y", "nope"]) == 2
    assert await storage.list() == {}


async def test_values_are_structured_clones(storage: ObjectStorage):
    when = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
    value = {"n": 1.5, "list": [1, "two", None], "set": {1, 2}, "bytes": b"\x00\xff", "at": when}
    await storage.put("v", value)
    stored = await storage.get("v")
    assert stored == value and stored is not value
    value["list"].append("later")  # the stored value is a copy, not the caller's object
    assert await storage.get("v") != value
    with pytest.raises(DataCloneError, match='Could not serialize object of type "PosixPath"'):
        await storage.put("bad", Path("/"))
    with pytest.raises(TypeError, match="cannot be sent over RPC"):
        await storage.put("bad", (1, 2))
    with pytest.raises(TypeError, match=r"put\(\) called with undefined value."):
        await storage.put("bad", None)
    assert await storage.get("bad") is None  # a refused value stores nothing


async def test_limits_with_cloudflares_messages(storage: ObjectStorage):
    big_key = "x" * 2049
    with pytest.raises(RangeError, match=r"^Keys cannot be larger than 2048 bytes.$"):
        await storage.put(big_key, 1)
    with pytest.raises(RangeError, match=f'^Key "{big_key}" is larger than the limit of 2048'):
        await storage.put({"a": 1, big_key: 2})
    with pytest.raises(RangeError, match=r"^Keys cannot be larger than 2048 bytes.$"):
        await storage.get("é" * 1025)  # 2050 bytes in UTF-8
    await storage.put("k" * 2048, 1)  # exactly at the limit
    with pytest.raises(RangeError, match=r"^Maximum number of pairs is 128.$"):
        await storage.put({str(i): i for i in range(129)})
    with pytest.raises(RangeError, match=r"^Maximum number of keys is 128.$"):
        await storage.get([str(i) for i in range(129)])
    with pytest.raises(RangeError, match=r"^Maximum number of keys is 128.$"):
        await storage.delete([str(i) for i in range(129)])
    await storage.put("max", b"\x00" * 128 * 1024)  # 128 KiB is storable
    with pytest.raises(RangeError, match=r"^Values cannot be larger than 131072 bytes.$"):
        await storage.put("big", b"\x00" * (128 * 1024 + 64))
    with pytest.raises(RangeError, match='^Value for key "big" is above the limit of 131072'):
        await storage.put({"small": 1, "big": b"\x00" * (128 * 1024 + 64)})
    assert await storage.get(["small", "big"]) == {}  # a refused batch stores nothing
    with pytest.raises(TypeError, match="put.. needs a string key or a dict of pairs, not int"):
        await storage.put(7, 1)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="keys must be strings, not int"):
        await storage.get(["a", 7])


async def test_writes_without_an_await_between_them_commit_together(tmp_path: Path):
    """The batch is one SQLite transaction, committed when the code yields to the event loop:
    another connection (a crash, say) sees both writes or neither."""
    storage = ObjectStorage(tmp_path / "o.sqlite")
    other = sqlite3.connect(tmp_path / "o.sqlite")
    await storage.put("a", 1)
    await storage.put("b", 2)
    assert other.execute("SELECT count(*) FROM _cf_KV").fetchone() == (0,)  # not yet
    await asyncio.sleep(0)  # a real await: the batch commits
    assert other.execute("SELECT count(*) FROM _cf_KV").fetchone() == (2,)
    await storage.put("c", 3)
    storage.flush()  # what the manager does before an event's result leaves (output gate)
    assert other.execute("SELECT count(*) FROM _cf_KV").fetchone() == (3,)
    storage.close()


async def test_transaction_commits_or_rolls_back(storage: ObjectStorage):
    async def move(txn):
        await txn.put("from", 0)
        await txn.put("to", 10)
        return "moved"

    assert await storage.transaction(move) == "moved"
    assert await storage.get(["from", "to"]) == {"from": 0, "to": 10}

    async def rolled_back(txn):
        await txn.put("to", 999)
        assert await txn.get("to") == 999  # seen inside the transaction
        txn.rollback()

    await storage.transaction(rolled_back)
    assert await storage.get("to") == 10

    async def failing(txn):
        await txn.delete("to")
        raise ValueError("no")

    with pytest.raises(ValueError, match="no"):
        await storage.transaction(failing)
    assert await storage.get("to") == 10

    async def delete_all(txn):
        await txn.deleteAll()

    with pytest.raises(RuntimeError, match=r"Cannot call deleteAll\(\) within a transaction"):
        await storage.transaction(delete_all)


async def test_transaction_sync_and_delete_all(storage: ObjectStorage):
    def create():
        storage.sql.exec("CREATE TABLE t (x)")
        storage.sql.exec("INSERT INTO t VALUES (1)")
        raise RuntimeError("undo")

    with pytest.raises(RuntimeError):
        storage.transactionSync(create)
    assert storage.sql.exec("SELECT count(*) AS n FROM sqlite_schema WHERE name = 't'").one() == {
        "n": 0
    }
    await storage.put("k", 1)
    storage.sql.exec("CREATE TABLE kept (x)")
    await storage.deleteAll()
    assert await storage.list() == {}
    assert storage.sql.exec("SELECT name FROM sqlite_schema WHERE type = 'table'").toArray() == [
        {"name": "_cf_KV"}
    ]


async def test_values_survive_reopening_the_file(tmp_path: Path):
    storage = ObjectStorage(tmp_path / "o.sqlite")
    await storage.put("k", {"deep": [1, 2]})
    storage.flush()
    storage.connection.close()  # as after a crash: no close() bookkeeping
    again = ObjectStorage(tmp_path / "o.sqlite")
    assert await again.get("k") == {"deep": [1, 2]}
    again.close()
