"""KV on SQLite: the embedded default, in its own file (`<data_dir>/kv.sqlite3`).

Calls the synchronous `sqlite3` module straight from the event loop (docs/ARCHITECTURE.md,
"Performance principles"): a point read costs a few µs, far less than any thread hop, and an
`await` in between would only add interleaving. One connection, WAL, `synchronous=NORMAL` (a
process crash loses nothing committed).
Each write is one short `BEGIN IMMEDIATE` transaction with no `await` inside it, so coroutines
sharing the connection never see each other's half-done work.
"""

from __future__ import annotations

import asyncio
import io
import sqlite3
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from pathlib import Path

from ._sql_sqlite import (
    _ADD_CHUNK,
    _CHUNK,
    _CLAIM,
    _DROP_BLOB,
    _GET,
    _GET_VALUE,
    _LIST,
    _MIGRATIONS,
    _NS,
    _UPSERT,
)
from ._store import (
    BLOB_GRACE_SECONDS,
    CHUNK_SIZE,
    SWEEP_BATCH,
    Clock,
    Entry,
    KeyPage,
    KVStore,
    ListedKey,
    NamespaceInfo,
    NamespaceNotFound,
    NamespacePage,
    NamespaceTitleTaken,
    StoredStream,
    StoredValue,
    Value,
    check_title,
    encode_cursor,
    encode_key,
    first_chunks,
    namespace_order,
    new_namespace_id,
    rechunk,
    text_key_range,
)


class SqliteKVStore(KVStore):
    def __init__(self, path: Path, *, now: Clock = time.time) -> None:
        self.path = Path(path)
        self.now = now
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # isolation_level=None: transactions are explicit (BEGIN IMMEDIATE … COMMIT).
        self._db = sqlite3.connect(self.path, isolation_level=None)
        self._db.execute("PRAGMA encoding = 'UTF-8'")  # the default; keys rely on it
        self._db.execute("PRAGMA journal_mode = WAL")
        self._db.execute("PRAGMA synchronous = NORMAL")
        self._db.execute("PRAGMA foreign_keys = ON")
        self._db.execute("PRAGMA busy_timeout = 5000")  # another process (a CLI) may write
        self._db.create_function("hearth_kv_now", 0, lambda: self.now())  # for the triggers
        self._seqs: dict[str, int] = {}  # namespace id → seq; ids are never reassigned
        self._migrate()

    def _migrate(self) -> None:
        (version,) = self._db.execute("PRAGMA user_version").fetchone()
        if version > len(_MIGRATIONS):
            raise RuntimeError(
                f"{self.path} has KV schema version {version}; this Hearth knows "
                f"{len(_MIGRATIONS)}: upgrade Hearth"
            )
        for number, script in enumerate(_MIGRATIONS[version:], start=version + 1):
            # The version bump is part of the migration's own transaction.
            self._db.executescript(f"BEGIN IMMEDIATE; {script}; PRAGMA user_version = {number};")
            self._db.execute("COMMIT")

    async def close(self) -> None:
        await self.stop_sweeper()
        self._db.close()

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        db = self._db
        db.execute("BEGIN IMMEDIATE")
        try:
            yield db
        except BaseException:
            db.execute("ROLLBACK")
            raise
        db.execute("COMMIT")

    def _seq(self, namespace_id: str) -> int | None:
        seq = self._seqs.get(namespace_id)
        if seq is None:
            row = self._db.execute(
                "SELECT seq FROM kv_namespaces WHERE id = ?", (namespace_id,)
            ).fetchone()
            if row is None:
                return None  # not cached: the namespace may be created later
            seq = self._seqs[namespace_id] = row[0]
        return seq

    # -- namespaces ------------------------------------------------------------------------

    async def create_namespace(
        self, account_id: str, title: str, namespace_id: str | None = None
    ) -> NamespaceInfo:
        info = NamespaceInfo(
            namespace_id or new_namespace_id(), account_id, check_title(title), self.now()
        )
        try:
            self._db.execute(
                "INSERT INTO kv_namespaces (id, account_id, title, created_on) VALUES (?,?,?,?)",
                (info.id, info.account_id, info.title, info.created_on),
            )
        except sqlite3.IntegrityError:
            raise NamespaceTitleTaken(title) from None
        return info

    async def list_namespaces(
        self,
        account_id: str,
        *,
        page: int = 1,
        per_page: int = 20,
        order: str = "title",
        direction: str = "asc",
    ) -> NamespacePage:
        rows = self._db.execute(
            f"{_NS} WHERE account_id = ? ORDER BY {namespace_order(order, direction)} "
            "LIMIT ? OFFSET ?",
            (account_id, per_page, (max(page, 1) - 1) * per_page),
        ).fetchall()
        (total,) = self._db.execute(
            "SELECT count(*) FROM kv_namespaces WHERE account_id = ?", (account_id,)
        ).fetchone()
        return NamespacePage([NamespaceInfo(*row) for row in rows], page, per_page, total)

    async def get_namespace(self, account_id: str, namespace_id: str) -> NamespaceInfo | None:
        row = self._db.execute(
            f"{_NS} WHERE id = ? AND account_id = ?", (namespace_id, account_id)
        ).fetchone()
        return None if row is None else NamespaceInfo(*row)

    async def rename_namespace(
        self, account_id: str, namespace_id: str, title: str
    ) -> NamespaceInfo:
        try:
            row = self._db.execute(
                "UPDATE kv_namespaces SET title = ? WHERE id = ? AND account_id = ? "
                "RETURNING id, account_id, title, created_on",
                (check_title(title), namespace_id, account_id),
            ).fetchone()
        except sqlite3.IntegrityError:
            raise NamespaceTitleTaken(title) from None
        if row is None:
            raise NamespaceNotFound(namespace_id)
        return NamespaceInfo(*row)

    async def delete_namespace(self, account_id: str, namespace_id: str) -> None:
        with self._transaction() as db:
            row = db.execute(
                "SELECT seq FROM kv_namespaces WHERE id = ? AND account_id = ?",
                (namespace_id, account_id),
            ).fetchone()
            if row is None:
                raise NamespaceNotFound(namespace_id)
            db.execute("DELETE FROM kv_entries WHERE ns = ?", row)  # triggers release blobs
            db.execute("DELETE FROM kv_namespaces WHERE seq = ?", row)
        self._seqs.pop(namespace_id, None)

    # -- reading ---------------------------------------------------------------------------

    def _live_row(self, namespace_id: str, key: str) -> tuple | None:
        seq = self._seqs.get(namespace_id) or self._seq(namespace_id)
        if seq is None:
            return None
        row = self._db.execute(_GET, (seq, key)).fetchone()
        if row is not None and row[2] is not None and row[2] <= self.now():
            self._expire(seq, key, row[2])  # lazy deletion: no need to wait for the sweeper
            return None
        return row

    async def get_value(self, namespace_id: str, key: str) -> bytes | None:
        # The request path's most common call: two columns, no objects beyond the value.
        seq = self._seqs.get(namespace_id) or self._seq(namespace_id)
        if seq is None:
            return None
        row = self._db.execute(_GET_VALUE, (seq, key)).fetchone()
        if row is None:
            return None
        value, expiration = row
        if expiration is not None and expiration <= self.now():
            self._expire(seq, key, expiration)
            return None
        if value is None:  # a blob
            stored = await self.get(namespace_id, key)
            return None if stored is None else stored.value
        return value

    async def get(self, namespace_id: str, key: str) -> StoredValue | None:
        row = self._live_row(namespace_id, key)
        if row is None:
            return None
        value, blob_id, expiration, metadata, _ = row
        if blob_id is not None:
            value = self._read_blob(blob_id)
        return StoredValue(value, metadata, expiration)

    async def get_many(self, namespace_id: str, keys: list[str]) -> dict[str, StoredValue | None]:
        # Point reads are a few µs each here: a loop beats building an IN (…) statement.
        return {key: await self.get(namespace_id, key) for key in keys}

    async def get_stream(self, namespace_id: str, key: str) -> StoredStream | None:
        row = self._live_row(namespace_id, key)
        if row is None:
            return None
        value, blob_id, expiration, metadata, size = row
        chunks = _single(value) if blob_id is None else self._stream_blob(blob_id, size)
        return StoredStream(chunks, size, metadata, expiration)

    def _read_blob(self, blob_id: int) -> bytes:
        # Written chunk by chunk into one buffer: the value is held once, plus one chunk.
        buffer = io.BytesIO()
        for (data,) in self._db.execute(
            "SELECT data FROM kv_blob_chunks WHERE blob_id = ? ORDER BY seq", (blob_id,)
        ):
            buffer.write(data)
        return buffer.getvalue()

    async def _stream_blob(self, blob_id: int, size: int) -> AsyncIterator[bytes]:
        seq = sent = 0
        while sent < size:
            row = self._db.execute(_CHUNK, (blob_id, seq)).fetchone()
            if row is None:
                raise LookupError("KV value was collected while it was being read")
            sent += len(row[0])
            seq += 1
            yield row[0]

    def _expire(self, seq: int, key: str, expiration: int) -> None:
        # One autocommitted statement; the trigger releases a blob. The expiration guards
        # against deleting a value that was just written again.
        self._db.execute(
            "DELETE FROM kv_entries WHERE ns = ? AND key = ? AND expiration = ?",
            (seq, key, expiration),
        )

    async def list_keys(
        self,
        namespace_id: str,
        *,
        prefix: str = "",
        limit: int = 1000,
        cursor: str | None = None,
    ) -> KeyPage:
        low, high = text_key_range(prefix, cursor)
        seq = self._seq(namespace_id)
        if seq is None:
            return KeyPage([], None)
        rows = self._db.execute(_LIST, (seq, low, high, self.now(), limit + 1)).fetchall()
        more = len(rows) > limit
        if more:
            del rows[limit:]
        keys = [ListedKey(key, exp, meta) for key, exp, meta in rows]
        return KeyPage(keys, encode_cursor(encode_key(rows[-1][0])) if more else None)

    # -- writing ---------------------------------------------------------------------------

    async def put(
        self,
        namespace_id: str,
        key: str,
        value: Value,
        *,
        expiration: int | None = None,
        metadata: str | None = None,
    ) -> None:
        seq = self._seqs.get(namespace_id) or self._seq(namespace_id)
        if seq is None:
            raise NamespaceNotFound(namespace_id)
        blob_id = None
        if isinstance(value, bytes) and len(value) <= CHUNK_SIZE:  # the common case: inline
            size = len(value)
        else:
            chunks = rechunk(value)
            value = None  # type: ignore[assignment]  # this frame must not pin the caller's value
            head = await first_chunks(chunks)
            if len(head) == 1:
                value = head.pop()
                size = len(value)
            else:
                blob_id, size = await self._write_blob(head, chunks)
        params = (seq, key, value, blob_id, size, expiration, metadata)
        try:
            if blob_id is None:
                # The request path: one autocommitted statement (a replaced blob is released
                # by the trigger), about as cheap as a write to SQLite gets.
                self._db.execute(_UPSERT, params)
                return
            with self._transaction() as db:
                if db.execute(_CLAIM, (blob_id,)).rowcount != 1:
                    raise RuntimeError("KV upload took so long that its chunks were collected")
                db.execute(_UPSERT, params)
        except sqlite3.IntegrityError:  # the namespace was deleted (by another process)
            self._seqs.pop(namespace_id, None)
            if blob_id is not None:
                self._drop_blob(blob_id)
            raise NamespaceNotFound(namespace_id) from None

    async def _write_blob(self, head: list[bytes], rest: AsyncIterator[bytes]) -> tuple[int, int]:
        """Write chunks as they arrive, each committed alone: the connection is shared, and no
        transaction may stay open across an `await` of the source. The blob counts as released
        (since its upload began) until an entry claims it, so a crashed upload gets swept."""
        db = self._db
        blob_id = db.execute(
            "INSERT INTO kv_blobs (released_at) VALUES (?)", (self.now(),)
        ).lastrowid
        assert blob_id is not None  # an INSERT always has one
        size = seq = 0
        try:
            while head:  # popped, so written chunks are freed as the upload goes on
                chunk = head.pop(0)
                db.execute(_ADD_CHUNK, (blob_id, seq, chunk))
                size, seq = size + len(chunk), seq + 1
            async for chunk in rest:
                db.execute(_ADD_CHUNK, (blob_id, seq, chunk))
                size, seq = size + len(chunk), seq + 1
                del chunk  # not held while the next one is being assembled
        except BaseException:
            self._drop_blob(blob_id)
            raise
        return blob_id, size

    def _drop_blob(self, blob_id: int) -> None:
        with self._transaction() as db:
            for sql in _DROP_BLOB:
                db.execute(sql, (blob_id,))

    async def delete(self, namespace_id: str, key: str) -> None:
        seq = self._seq(namespace_id)
        if seq is None:
            return
        self._db.execute("DELETE FROM kv_entries WHERE ns = ? AND key = ?", (seq, key))

    async def put_many(self, namespace_id: str, entries: list[Entry]) -> None:
        # Small values are written before large ones: a key given twice must end with its last
        # value, so only its last entry is written.
        entries = list({entry[0]: entry for entry in entries}.values())
        seq = self._seqs.get(namespace_id) or self._seq(namespace_id)
        if seq is None:
            raise NamespaceNotFound(namespace_id)
        # Values too large to sit inline become blobs, each written as `put` writes it.
        small = [e for e in entries if len(e[1]) <= CHUNK_SIZE]
        rows = [(seq, key, value, None, len(value), exp, meta) for key, value, exp, meta in small]
        try:
            with self._transaction() as db:
                db.executemany(_UPSERT, rows)
        except sqlite3.IntegrityError:  # the namespace was deleted (by another process)
            self._seqs.pop(namespace_id, None)
            raise NamespaceNotFound(namespace_id) from None
        await super().put_many(namespace_id, [e for e in entries if len(e[1]) > CHUNK_SIZE])

    async def delete_many(self, namespace_id: str, keys: list[str]) -> None:
        seq = self._seq(namespace_id)
        if seq is None:
            return
        with self._transaction() as db:
            db.executemany(
                "DELETE FROM kv_entries WHERE ns = ? AND key = ?", [(seq, key) for key in keys]
            )

    # -- sweeping --------------------------------------------------------------------------

    async def sweep(self) -> int:
        """Expired entries in batches (yielding to the loop between them), then old blobs."""
        deleted = 0
        while True:
            count = self._db.execute(
                "DELETE FROM kv_entries WHERE (ns, key) IN (SELECT ns, key FROM kv_entries "
                "WHERE expiration <= ? LIMIT ?)",
                (self.now(), SWEEP_BATCH),
            ).rowcount
            deleted += count
            if count < SWEEP_BATCH:
                break
            await asyncio.sleep(0)
        while blobs := self._db.execute(
            "SELECT blob_id FROM kv_blobs WHERE released_at <= ? LIMIT 16",
            (self.now() - BLOB_GRACE_SECONDS,),
        ).fetchall():
            for (blob_id,) in blobs:
                self._drop_blob(blob_id)
            await asyncio.sleep(0)
        return deleted

    async def blob_count(self) -> int:
        """Blobs still stored (held or awaiting collection): for tests and the dashboard."""
        return self._db.execute("SELECT count(*) FROM kv_blobs").fetchone()[0]


async def _single(value: bytes) -> AsyncIterator[bytes]:
    if value:
        yield value
