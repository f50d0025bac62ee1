"""`ctx.storage.sql`: SQL on the object's own SQLite database, synchronously, as on Cloudflare.

Statements run inside the storage's write batch (see `_storage`), so SQL writes and KV-style
writes made without an `await` between them commit together. Hearth's own tables (`_cf_…`) and
transaction statements are refused by an SQLite authorizer, with Cloudflare's messages.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from typing import Any

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
    sqlite3.SQLITE_CREATE_TEMP_INDEX,
    sqlite3.SQLITE_DROP_TEMP_INDEX,
    sqlite3.SQLITE_CREATE_TRIGGER,
    sqlite3.SQLITE_CREATE_TEMP_TRIGGER,
    sqlite3.SQLITE_DROP_TRIGGER,
    sqlite3.SQLITE_DROP_TEMP_TRIGGER,
    sqlite3.SQLITE_CREATE_VIEW,
    sqlite3.SQLITE_CREATE_TEMP_VIEW,
    sqlite3.SQLITE_DROP_VIEW,
    sqlite3.SQLITE_DROP_TEMP_VIEW,
    sqlite3.SQLITE_PRAGMA,
    sqlite3.SQLITE_ANALYZE,
    sqlite3.SQLITE_REINDEX,
}
#: Actions whose second argument names a table (the first names the trigger, index, database).
_TABLE_IN_ARG2 = {
    sqlite3.SQLITE_ALTER_TABLE,
    sqlite3.SQLITE_CREATE_INDEX,
    sqlite3.SQLITE_DROP_INDEX,
    sqlite3.SQLITE_CREATE_TEMP_INDEX,
    sqlite3.SQLITE_DROP_TEMP_INDEX,
    sqlite3.SQLITE_CREATE_TRIGGER,
    sqlite3.SQLITE_CREATE_TEMP_TRIGGER,
    sqlite3.SQLITE_DROP_TRIGGER,
    sqlite3.SQLITE_DROP_TEMP_TRIGGER,
    sqlite3.SQLITE_PRAGMA,
}
_VIEWS = {sqlite3.SQLITE_CREATE_VIEW, sqlite3.SQLITE_CREATE_TEMP_VIEW}
#: The pragmas Cloudflare allows in `sql.exec` (schema introspection and per-connection
#: behaviour). Others could reveal the file's path or change how Hearth's writes are stored.
ALLOWED_PRAGMAS = frozenset(
    {
        "case_sensitive_like",
        "defer_foreign_keys",
        "foreign_key_check",
        "foreign_key_list",
        "foreign_keys",
        "ignore_check_constraints",
        "index_info",
        "index_list",
        "index_xinfo",
        "legacy_alter_table",
        "optimize",
        "quick_check",
        "recursive_triggers",
        "reverse_unordered_selects",
        "table_info",
        "table_list",
        "table_xinfo",
    }
)
#: Pragmas allowed only to read (FTS5 reads data_version and page_size on its own).
READ_ONLY_PRAGMAS = frozenset({"data_version", "freelist_count", "page_count", "page_size"})


class SqlStorage:
    """`ctx.storage.sql`: `exec(query, *bindings)` and `databaseSize`."""

    def __init__(self, conn: sqlite3.Connection, start_write: Callable[[str], None]) -> None:
        """`start_write(api)`: the object storage's turn check and open write batch."""
        self._conn = conn
        self._start_write = start_write
        self._user = False  # the authorizer judges user SQL only, not Hearth's own
        self._refused: str | None = None
        self._statement = ""
        # ATTACH (and VACUUM INTO, which attaches) would open any file the node can read,
        # such as other accounts' objects: refused by the authorizer, and impossible anyway.
        self._conn.setlimit(sqlite3.SQLITE_LIMIT_ATTACHED, 0)
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
        self._start_write("sql.exec()")
        before = conn.total_changes
        self._user, self._refused = True, None
        try:
            for statement in statements[:-1]:
                self._statement = statement
                conn.execute(statement)
            self._statement = statements[-1]
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
        if action in (sqlite3.SQLITE_ATTACH, sqlite3.SQLITE_DETACH):
            self._refused = "ATTACH and DETACH are not allowed in sql.exec(): SQLITE_AUTH"
            return sqlite3.SQLITE_DENY
        if action == sqlite3.SQLITE_PRAGMA and not _allowed_pragma(str(arg1).lower(), arg2):
            self._refused = f"PRAGMA {arg1} is not allowed in sql.exec(): SQLITE_AUTH"
            return sqlite3.SQLITE_DENY
        if action in _TABLE_ACTIONS:
            # Names are case-insensitive in SQLite: `_CF_KV` is Hearth's table too.
            table = arg2 if action in _TABLE_IN_ARG2 else arg1
            for name in (arg1, table):
                if isinstance(name, str) and name.lower().startswith("_cf_"):
                    column = f".{arg2}" if action == sqlite3.SQLITE_READ and arg2 else ""
                    self._refused = f"access to {name}{column} is prohibited: SQLITE_AUTH"
                    return sqlite3.SQLITE_DENY
            # SQLite does not report the tables a view reads when the view is created.
            if action in _VIEWS and "_cf_" in self._statement.lower():
                self._refused = f"view {arg1} may not read Hearth's _cf_ tables: SQLITE_AUTH"
                return sqlite3.SQLITE_DENY
        return sqlite3.SQLITE_OK


def _allowed_pragma(name: str, value: Any) -> bool:
    return name in ALLOWED_PRAGMAS or (name in READ_ONLY_PRAGMAS and value is None)


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
            if not _blank(pending):
                statements.append(pending.strip())
            pending = ""
    if not _blank(pending):
        statements.append(pending.rstrip(";").strip())  # a last statement without ';'
    return statements


def _blank(statement: str) -> bool:
    """Whether `statement` holds only whitespace, comments and `;` (such a piece must not take
    the bindings and the cursor from the real last statement)."""
    rest = statement.strip(" \t\r\n;")
    while rest:
        if rest.startswith("--"):
            newline = rest.find("\n")
            rest = "" if newline < 0 else rest[newline + 1 :]
        elif rest.startswith("/*"):
            close = rest.find("*/")
            rest = "" if close < 0 else rest[close + 2 :]
        else:
            return False
        rest = rest.strip(" \t\r\n;")
    return True
