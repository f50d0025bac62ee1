"""`ctx.storage`: one object's own SQLite database, with Cloudflare's KV-style API on top.

Operations are synchronous SQLite calls behind `async` methods that never suspend, so while
one runs no other event reaches the object (the input gate, for free in asyncio). Writes join
a batch — an open SQLite transaction — committed when the object's code next yields to the
event loop (`loop.call_soon`), or at the latest before its event's result is released
(`flush`, the output gate). So writes with no `await` between them commit atomically, and an
acknowledged write is on disk (WAL, `synchronous=FULL`) and survives a SIGKILL.
"""

from __future__ import annotations

import asyncio
import contextvars
import sqlite3
from collections.abc import Awaitable, Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from ._sql import SqlStorage
from ._values import decode, encode

MAX_KEYS = 128
MAX_KEY_BYTES = 2048
MAX_VALUE_BYTES = 128 * 1024
_VALUE_SLACK = 32  # the encoding's own bytes, as Miniflare allows for V8's header

AlarmControl = Any  # `_alarms.ObjectAlarm`: get/set/delete of this object's one alarm

#: The storage.transaction() the running code is inside (tasks it starts inherit it).
_inside: contextvars.ContextVar[Transaction | None] = contextvars.ContextVar(
    "hearth_do_transaction", default=None
)


class RangeError(ValueError):
    """A storage limit (JavaScript's RangeError, with Cloudflare's messages)."""


class ObjectStorage:
    """`DurableObjectStorage` of one object (`self.ctx.storage`)."""

    def __init__(self, path: Path, alarm: AlarmControl | None = None) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        # Autocommit mode: Hearth opens and commits the write batches itself.
        self.connection = conn = sqlite3.connect(path, isolation_level=None)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=FULL")  # a committed batch is on disk
        conn.execute(
            "CREATE TABLE IF NOT EXISTS _cf_KV (key TEXT PRIMARY KEY, value BLOB NOT NULL) "
            "WITHOUT ROWID"
        )
        self.path = path
        self.sql = SqlStorage(conn, self._start_sql_write)
        self._alarm = alarm
        self._depth = 0  # open transaction() calls: the batch commits after the outermost
        # The outermost open transaction(): until it ends, it is the only code that may touch
        # the storage (its writes must not mix with other events', see `_turn`).
        self._owner: Transaction | None = None
        self._owner_done: asyncio.Future[None] | None = None
        self._epoch = 0  # bumped by discard(): a transaction's savepoint is gone with it
        self._flush_scheduled = False
        self._closed = False

    # -- the write batch ---------------------------------------------------------------------

    def _begin_write(self) -> None:
        if not self.connection.in_transaction:
            self.connection.execute("BEGIN")
        if not self._flush_scheduled:
            try:
                loop = asyncio.get_running_loop()
            except RuntimeError:
                return  # no loop (a script, a test): the next flush() commits
            self._flush_scheduled = True
            loop.call_soon(self._scheduled_flush)

    def _scheduled_flush(self) -> None:
        self._flush_scheduled = False
        if self._depth == 0 and not self._closed:
            self.flush()

    def flush(self) -> None:
        """Commit the pending writes (durably) now, unless a transaction() is still open."""
        if self._depth == 0 and self.connection.in_transaction:
            self.connection.execute("COMMIT")

    async def sync(self) -> None:
        if self._owner is not None:
            await self._turn()
        self.flush()

    def discard(self) -> None:
        """Drop the uncommitted writes, open transaction() savepoints included."""
        self._epoch += 1
        self._depth = 0
        if self.connection.in_transaction:
            self.connection.execute("ROLLBACK")

    async def _turn(self) -> None:
        """Wait while another event's transaction() is open (callers check `_owner` first:
        most operations find none open, and then pay for no coroutine)."""
        while self._owner is not None and _inside.get() is not self._owner:
            assert self._owner_done is not None
            await asyncio.shield(self._owner_done)

    def _start_sql_write(self, what: str) -> None:
        self._check_turn(what)
        self._begin_write()

    def _check_turn(self, what: str) -> None:
        """The synchronous APIs cannot wait for another event's transaction() to end."""
        if self._owner is not None and _inside.get() is not self._owner:
            raise RuntimeError(
                f"Cannot call {what} while another event's storage.transaction() is open; "
                "await that event, or use transactionSync()"
            )

    def close(self) -> None:
        if not self._closed:
            self.flush()
            self._closed = True
            self.connection.close()

    # -- KV-style API ------------------------------------------------------------------------

    async def get(self, keys: str | list[str], options: Any = None, **_: Any) -> Any:
        """One key's value (None when absent), or a dict of the keys found, sorted."""
        if self._owner is not None:
            await self._turn()
        if isinstance(keys, str):
            _check_key(keys)
            row = self.connection.execute(
                "SELECT value FROM _cf_KV WHERE key = ?", (keys,)
            ).fetchone()
            return None if row is None else decode(row[0])
        keys = _key_list(keys)
        found: dict[str, Any] = {}
        if keys:
            marks = ",".join("?" * len(keys))
            rows = self.connection.execute(
                f"SELECT key, value FROM _cf_KV WHERE key IN ({marks}) ORDER BY key", keys
            )
            found = {key: decode(value) for key, value in rows}
        return found

    async def put(
        self, key: str | dict[str, Any], value: Any = None, options: Any = None, **_: Any
    ) -> None:
        if isinstance(key, str):
            _check_key(key)
            pairs = [(key, _encoded(value))]
        elif isinstance(key, dict):
            if len(key) > MAX_KEYS:
                raise RangeError(f"Maximum number of pairs is {MAX_KEYS}.")
            pairs = []
            for name, item in key.items():
                _check_key(name, many=True)
                pairs.append((name, _encoded(item, name)))
        else:
            raise TypeError(
                f"put() needs a string key or a dict of pairs, not {type(key).__name__}"
            )
        if self._owner is not None:
            await self._turn()
        self._begin_write()
        self.connection.executemany(
            "INSERT INTO _cf_KV (key, value) VALUES (?, ?) "
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            pairs,
        )

    async def delete(self, keys: str | list[str], options: Any = None, **_: Any) -> bool | int:
        """True if the one key existed, or how many of the keys did."""
        if self._owner is not None:
            await self._turn()
        if isinstance(keys, str):
            _check_key(keys)
            self._begin_write()
            cursor = self.connection.execute("DELETE FROM _cf_KV WHERE key = ?", (keys,))
            return cursor.rowcount > 0
        keys = _key_list(keys)
        if not keys:
            return 0
        self._begin_write()
        marks = ",".join("?" * len(keys))
        cursor = self.connection.execute(f"DELETE FROM _cf_KV WHERE key IN ({marks})", keys)
        return cursor.rowcount

    async def list(
        self,
        options: dict[str, Any] | None = None,
        *,
        start: str | None = None,
        startAfter: str | None = None,  # noqa: N803 - Cloudflare's name
        start_after: str | None = None,
        end: str | None = None,
        prefix: str | None = None,
        reverse: bool = False,
        limit: int | None = None,
        **ignored: Any,  # allowConcurrency, noCache: no meaning here
    ) -> dict[str, Any]:
        """Pairs in UTF-8 key order: `start` inclusive, `startAfter` exclusive, `end`
        exclusive, only keys beginning with `prefix`, at most `limit`, `reverse` to descend."""
        if options:  # the JavaScript style: list({"prefix": "a"})
            start = options.get("start", start)
            startAfter = options.get("startAfter", options.get("start_after", startAfter))
            end = options.get("end", end)
            prefix = options.get("prefix", prefix)
            reverse = options.get("reverse", reverse)
            limit = options.get("limit", limit)
        after = startAfter if startAfter is not None else start_after
        if start is not None and after is not None:
            raise TypeError("list() cannot be called with both start and startAfter values.")
        if limit is not None and (not isinstance(limit, int) or limit <= 0):
            raise TypeError("List limit must be positive.")
        where, params = [], []
        for clause, bound in (("key >= ?", start), ("key > ?", after), ("key < ?", end)):
            if bound is not None:
                where.append(clause)
                params.append(_checked_bound(bound))
        if prefix:
            # A range, not substr(): SQLite's text functions stop at a NUL character.
            where.append("key >= ?")
            params.append(prefix)
            following = _prefix_end(prefix)
            if following is not None:
                where.append("key < ?")
                params.append(following)
        if self._owner is not None:
            await self._turn()
        query = "SELECT key, value FROM _cf_KV"
        if where:
            query += " WHERE " + " AND ".join(where)
        query += " ORDER BY key DESC" if reverse else " ORDER BY key"
        if limit is not None:
            query += f" LIMIT {int(limit)}"
        return {key: decode(value) for key, value in self.connection.execute(query, params)}

    async def deleteAll(self, options: Any = None) -> None:  # noqa: N802 - Cloudflare's name
        """Every key and every SQL table (the alarm stays, as on Cloudflare)."""
        if self._owner is not None:
            await self._turn()
        if self._depth:
            raise RuntimeError("Cannot call deleteAll() within a transaction")
        self._begin_write()
        conn = self.connection
        # All or nothing: a failing DROP must not leave the keys deleted and half the tables.
        conn.execute("SAVEPOINT hearth_delete_all")
        try:
            conn.execute("DELETE FROM _cf_KV")
            # Virtual tables first: dropping one drops its shadow tables (FTS5's docs_data…).
            tables = conn.execute(
                "SELECT name FROM sqlite_schema WHERE type = 'table' "
                "AND name NOT LIKE '\\_cf\\_%' ESCAPE '\\' "
                "AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' "
                "ORDER BY sql NOT LIKE 'CREATE VIRTUAL TABLE%', name"
            ).fetchall()
            for (table,) in tables:
                quoted = table.replace('"', '""')
                conn.execute(f'DROP TABLE IF EXISTS "{quoted}"')
        except BaseException:
            conn.execute("ROLLBACK TO hearth_delete_all")
            conn.execute("RELEASE hearth_delete_all")
            raise
        conn.execute("RELEASE hearth_delete_all")

    delete_all = deleteAll

    # -- transactions ------------------------------------------------------------------------

    async def transaction(self, closure: Callable[[Transaction], Awaitable[Any]]) -> Any:
        """Run `closure(txn)`: its writes commit together, or none do when it raises or calls
        `txn.rollback()`. Until it ends, other events' storage operations wait (their writes
        would otherwise join, or be rolled back with, this transaction)."""
        if self._owner is not None:
            await self._turn()
        outermost = self._owner is None
        if outermost:
            self.flush()  # other events' writes commit now, not with this transaction
        txn = self._open()
        token = None
        if outermost:
            self._owner = txn
            self._owner_done = asyncio.get_running_loop().create_future()
            token = _inside.set(txn)
        try:
            result = await closure(txn)
        except BaseException:
            txn._close(rollback=True)
            raise
        else:
            txn._close(rollback=False)
        finally:
            if outermost:
                assert token is not None and self._owner_done is not None
                _inside.reset(token)
                self._owner = None
                self._owner_done.set_result(None)
        return result

    def transactionSync(self, closure: Callable[[], Any]) -> Any:  # noqa: N802
        """Cloudflare's SQLite-only variant: a synchronous closure, all or nothing."""
        self._check_turn("transactionSync()")
        txn = self._open()
        try:
            result = closure()
        except BaseException:
            txn._close(rollback=True)
            raise
        txn._close(rollback=False)
        return result

    transaction_sync = transactionSync

    def _open(self) -> Transaction:
        self._begin_write()
        self._depth += 1
        name = f"hearth_txn_{self._depth}"
        self.connection.execute(f"SAVEPOINT {name}")
        return Transaction(self, name)

    # -- alarms (kept by the scheduler, see _alarms) ------------------------------------------

    async def getAlarm(self, options: Any = None) -> int | None:  # noqa: N802
        return self._alarm_control().get()

    async def setAlarm(self, when: int | float | datetime, options: Any = None) -> None:  # noqa: N802
        if isinstance(when, datetime):
            ms = int(when.timestamp() * 1000)
        elif isinstance(when, int | float) and not isinstance(when, bool):
            ms = int(when)
        else:
            raise TypeError(
                "setAlarm() needs a time in milliseconds since the epoch or a datetime, "
                f"not {type(when).__name__}"
            )
        self._alarm_control().set(ms)

    async def deleteAlarm(self, options: Any = None) -> None:  # noqa: N802
        self._alarm_control().delete()

    get_alarm, set_alarm, delete_alarm = getAlarm, setAlarm, deleteAlarm

    def _alarm_control(self) -> AlarmControl:
        if self._alarm is None:
            raise RuntimeError("alarms are not available for this object")
        return self._alarm


class Transaction:
    """The `txn` of `storage.transaction()`: the storage's operations, plus `rollback()`."""

    def __init__(self, storage: ObjectStorage, savepoint: str) -> None:
        self._storage = storage
        self._savepoint = savepoint
        self._epoch = storage._epoch
        self._rolled_back = False
        self._done = False

    def _check(self, op: str) -> ObjectStorage:
        if self._rolled_back:
            raise RuntimeError(f"Cannot {op} on rolled back transaction")
        if self._done:
            raise RuntimeError(
                f"Cannot call {op} on transaction that has already committed: did you move "
                "`txn` outside of the closure?"
            )
        return self._storage

    async def get(self, keys: Any, options: Any = None) -> Any:
        return await self._check("get()").get(keys)

    async def put(self, key: Any, value: Any = None, options: Any = None) -> None:
        await self._check("put()").put(key, value)

    async def delete(self, keys: Any, options: Any = None) -> bool | int:
        return await self._check("delete()").delete(keys)

    async def list(self, options: dict[str, Any] | None = None, **kwargs: Any) -> dict[str, Any]:
        return await self._check("list()").list(options, **kwargs)

    async def deleteAll(self, options: Any = None) -> None:  # noqa: N802
        raise RuntimeError("Cannot call deleteAll() within a transaction")

    def rollback(self) -> None:
        if self._rolled_back:
            return
        self._check("rollback()")
        self._storage.connection.execute(f"ROLLBACK TO {self._savepoint}")
        self._rolled_back = True

    def _close(self, rollback: bool) -> None:
        storage = self._storage
        self._done = True
        if self._epoch != storage._epoch or storage._closed:
            return  # discarded (ctx.abort(), a reset): the savepoint and its writes are gone
        try:
            if rollback and not self._rolled_back:
                storage.connection.execute(f"ROLLBACK TO {self._savepoint}")
            storage.connection.execute(f"RELEASE {self._savepoint}")
        finally:
            storage._depth -= 1
        if storage._depth == 0:
            storage._begin_write()  # commit at the next yield, like any other write


def _check_key(key: Any, many: bool = False) -> None:
    if not isinstance(key, str):
        raise TypeError(f"Durable Object storage keys must be strings, not {type(key).__name__}")
    if len(key) * 4 > MAX_KEY_BYTES and len(key.encode()) > MAX_KEY_BYTES:
        if many:
            raise RangeError(f'Key "{key}" is larger than the limit of {MAX_KEY_BYTES} bytes.')
        raise RangeError(f"Keys cannot be larger than {MAX_KEY_BYTES} bytes.")


def _key_list(keys: Any) -> list[str]:
    if not isinstance(keys, list | tuple):
        raise TypeError(f"keys must be a string or a list of strings, not {type(keys).__name__}")
    if len(keys) > MAX_KEYS:
        raise RangeError(f"Maximum number of keys is {MAX_KEYS}.")
    for key in keys:
        _check_key(key, many=True)
    return list(keys)


def _prefix_end(prefix: str) -> str | None:
    """The least string above every string starting with `prefix` (None: there is none)."""
    while prefix:
        last = ord(prefix[-1])
        if last < 0x10FFFF:
            following = last + 1
            if 0xD800 <= following <= 0xDFFF:  # surrogates cannot be stored: skip them
                following = 0xE000
            return prefix[:-1] + chr(following)
        prefix = prefix[:-1]
    return None


def _checked_bound(bound: Any) -> str:
    if not isinstance(bound, str):
        raise TypeError(f"list() bounds must be strings, not {type(bound).__name__}")
    return bound


def _encoded(value: Any, key: str | None = None) -> bytes:
    if value is None:  # Python's None is JavaScript's undefined on Cloudflare
        raise TypeError("put() called with undefined value.")
    data = encode(value)
    if len(data) > MAX_VALUE_BYTES + _VALUE_SLACK:
        if key is not None:
            raise RangeError(
                f'Value for key "{key}" is above the limit of {MAX_VALUE_BYTES} bytes.'
            )
        raise RangeError(f"Values cannot be larger than {MAX_VALUE_BYTES} bytes.")
    return data
