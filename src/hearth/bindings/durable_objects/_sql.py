"""`ctx.storage.sql`: SQL on the object's own SQLite database, synchronously, as on Cloudflare.

Statements run inside the storage's write batch (see `_storage`), so SQL writes and KV-style
writes made without an `await` between them commit together. Hearth's own tables (`_cf_…`) and
transaction statements are refused by an SQLite authorizer, with Cloudflare's messages.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ._storage import ObjectStorage

#: Cloudflare's words for BEGIN/SAVEPOINT in `sql.exec`.
TRANSACTION_MESSAGE = (
    "To execute a transaction, please use the state.storage.transaction() or "
    "state.storage.transactionSync() APIs instead of the SQL BEGIN TRANSACTION or SAVEPOINT "
    "statements. The JavaScript API is safer because it will automatically roll back on "
    "exceptions, and because it interacts correctly with Durable Objects' automatic atomic "
    "write coalescing."
)
_TABLE_ACTIONS = {
    sqlite3.SQLITE_READ,
    sqlite3.SQLITE_INSERT,
    sqlite3.SQLITE_UPDATE,
    sqlite3.SQLITE_DELETE,
    sqlite3.SQLITE_CREATE_TABLE,
    sqlite3.SQLITE_DROP_TABLE,
    sqlite3.SQLITE_ALTER_TABLE,
    sqlite3.SQLITE_CREATE_INDEX,
    sqlite3.SQLITE_DROP_INDEX,
}


class SqlStorage:
    """`ctx.storage.sql`: `exec(query, *bindings)` and `databaseSize`."""

    def __init__(self, storage: ObjectStorage) -> None:
        self._storage = storage
        self._conn = storage.connection
        self._user = False  # the authorizer judges user SQL only, not Hearth's own
        self._refused: str | None = None
        self._conn.set_authorizer(self._authorize)

    def exec(self, query: str, *bindings: Any) -> SqlCursor:
        """Run `query` (several `;`-separated statements allowed; the bindings and the cursor
        belong to the last one)."""
        if not isinstance(query, str):
            raise TypeError(f"sql.exec() needs a query string, not {type(query).__name__}")
        statements = _split(query)
        if not statements:
            raise ValueError("sql.exec() was given no SQL statement")
        conn = self._conn
        self._storage._begin_write()
        before = conn.total_changes
        self._user, self._refused = True, None
        try:
            for statement in statements[:-1]:
                conn.execute(statement)
            cursor = conn.execute(statements[-1], bindings)
            rows = cursor.fetchall()
        except sqlite3.DatabaseError:
            if self._refused is not None:
                raise sqlite3.DatabaseError(self._refused) from None
            raise
        finally:
            self._user = False
        columns = [d[0] for d in cursor.description] if cursor.description else []
        written = conn.total_changes - before
        return SqlCursor(columns, rows, len(rows) + written, written)

    @property
    def databaseSize(self) -> int:  # noqa: N802 - Cloudflare's name
        """The database file's size in bytes (pages × page size)."""
        pages = self._conn.execute("PRAGMA page_count").fetchone()[0]
        size = self._conn.execute("PRAGMA page_size").fetchone()[0]
        return int(pages * size)

    database_size = databaseSize

    def _authorize(self, action: int, arg1: Any, arg2: Any, db: Any, source: Any) -> int:
        if not self._user:
            return sqlite3.SQLITE_OK
        if action in (sqlite3.SQLITE_TRANSACTION, sqlite3.SQLITE_SAVEPOINT):
            self._refused = TRANSACTION_MESSAGE
            return sqlite3.SQLITE_DENY
        if action in _TABLE_ACTIONS and isinstance(arg1, str) and arg1.startswith("_cf_"):
            column = f".{arg2}" if action == sqlite3.SQLITE_READ and arg2 else ""
            self._refused = f"access to {arg1}{column} is prohibited: SQLITE_AUTH"
            return sqlite3.SQLITE_DENY
        return sqlite3.SQLITE_OK


class SqlCursor:
    """What `sql.exec` returns: iterate it for row dicts, or `toArray()`, `one()`, `raw()`.

    Rows are read when the statement runs (the statement has finished when `exec` returns, as
    its writes must join the current write batch). `rowsRead` counts the rows returned plus the
    rows written (each written row was read); SQLite does not report rows scanned.
    """

    def __init__(
        self, columns: list[str], rows: list[tuple[Any, ...]], read: int, written: int
    ) -> None:
        self.columnNames = columns
        self.rowsRead = read
        self.rowsWritten = written
        self._rows = rows
        self._next = 0

    @property
    def column_names(self) -> list[str]:
        return self.columnNames

    @property
    def rows_read(self) -> int:
        return self.rowsRead

    @property
    def rows_written(self) -> int:
        return self.rowsWritten

    def __iter__(self) -> Iterator[dict[str, Any]]:
        return self

    def __next__(self) -> dict[str, Any]:
        row = self._take()
        if row is None:
            raise StopIteration
        return dict(zip(self.columnNames, row, strict=True))

    def next(self) -> dict[str, Any]:
        """JavaScript's iterator protocol: `{"done": bool, "value": row}`."""
        row = self._take()
        if row is None:
            return {"done": True}
        return {"done": False, "value": dict(zip(self.columnNames, row, strict=True))}

    def toArray(self) -> list[dict[str, Any]]:  # noqa: N802 - Cloudflare's name
        return list(self)

    to_array = toArray

    def one(self) -> dict[str, Any]:
        rows = self.toArray()
        if not rows:
            raise ValueError("Expected exactly one result from SQL query, but got no results.")
        if len(rows) > 1:
            raise ValueError(
                "Expected exactly one result from SQL query, but got multiple results."
            )
        return rows[0]

    def raw(self) -> Iterator[list[Any]]:
        """The remaining rows as lists of values, in column order."""
        while (row := self._take()) is not None:
            yield list(row)

    def _take(self) -> tuple[Any, ...] | None:
        if self._next >= len(self._rows):
            return None
        row = self._rows[self._next]
        self._next += 1
        return row


def _split(query: str) -> list[str]:
    """The complete statements of a script (semicolons inside strings do not split)."""
    statements: list[str] = []
    pending = ""
    for piece in query.split(";"):
        pending += piece + ";"
        if sqlite3.complete_statement(pending):
            if pending.strip(" \t\r\n;"):
                statements.append(pending.strip())
            pending = ""
    if pending.strip(" \t\r\n;"):
        statements.append(pending.rstrip(";").strip())  # a last statement without ';'
    return statements
