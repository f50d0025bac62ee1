"""KV on PostgreSQL: for clusters, in whatever database the server uses.

The module owns its tables and creates them idempotently (`CREATE … IF NOT EXISTS` under an
advisory lock, so nodes starting together don't race). Keys are `bytea`: comparison is memcmp,
so ordering and prefix ranges are UTF-8 byte order whatever the database's collation. Time
comes from the store's clock, never the server's `now()`, so tests can move it.
"""

from __future__ import annotations

import asyncio
import io
import time
from collections.abc import AsyncIterator

import asyncpg

from ._sql_postgres import (
    _DELETE,
    _EXPIRE,
    _GET,
    _LIST,
    _LOCK_KEYS,
    _NS_COLUMNS,
    _PUT_BLOB,
    _PUT_INLINE,
    _SCHEMA,
    _SCHEMA_LOCK,
    _SWEEP_BLOBS,
    _SWEEP_EXPIRED,
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
    decode_key,
    encode_cursor,
    encode_key,
    first_chunks,
    key_range,
    namespace_order,
    new_namespace_id,
    rechunk,
)


class PostgresKVStore(KVStore):
    """Open with `await PostgresKVStore.connect(dsn)` (creates the tables if needed)."""

    def __init__(self, pool: asyncpg.Pool, *, now: Clock = time.time) -> None:
        self._pool = pool
        self.now = now

    @classmethod
    async def connect(
        cls, dsn: str, *, now: Clock = time.time, min_size: int = 1, max_size: int = 10
    ) -> PostgresKVStore:
        pool = await asyncpg.create_pool(dsn, min_size=min_size, max_size=max_size)
        try:
            async with pool.acquire() as conn, conn.transaction():
                await conn.execute("SELECT pg_advisory_xact_lock($1)", _SCHEMA_LOCK)
                await conn.execute(_SCHEMA)
        except BaseException:
            await pool.close()
            raise
        return cls(pool, now=now)

    async def close(self) -> None:
        await self.stop_sweeper()
        await self._pool.close()

    # -- namespaces ------------------------------------------------------------------------

    async def create_namespace(
        self, account_id: str, title: str, namespace_id: str | None = None
    ) -> NamespaceInfo:
        info = NamespaceInfo(
            namespace_id or new_namespace_id(), account_id, check_title(title), self.now()
        )
        try:
            await self._pool.execute(
                f"INSERT INTO kv_namespaces ({_NS_COLUMNS}) VALUES ($1, $2, $3, $4)",
                info.id,
                info.account_id,
                info.title,
                info.created_on,
            )
        except asyncpg.UniqueViolationError:
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
        clause = namespace_order(order, direction)
        rows = await self._pool.fetch(
            f"SELECT {_NS_COLUMNS}, count(*) OVER () AS total FROM kv_namespaces "
            f"WHERE account_id = $1 ORDER BY {clause} LIMIT $2 OFFSET $3",
            account_id,
            per_page,
            (max(page, 1) - 1) * per_page,
        )
        if rows:
            total = rows[0]["total"]
        else:  # past the last page: the window count is not there to read
            total = await self._pool.fetchval(
                "SELECT count(*) FROM kv_namespaces WHERE account_id = $1", account_id
            )
        return NamespacePage([NamespaceInfo(*row[:4]) for row in rows], page, per_page, total)

    async def get_namespace(self, account_id: str, namespace_id: str) -> NamespaceInfo | None:
        row = await self._pool.fetchrow(
            f"SELECT {_NS_COLUMNS} FROM kv_namespaces WHERE id = $1 AND account_id = $2",
            namespace_id,
            account_id,
        )
        return None if row is None else NamespaceInfo(*row)

    async def rename_namespace(
        self, account_id: str, namespace_id: str, title: str
    ) -> NamespaceInfo:
        try:
            row = await self._pool.fetchrow(
                "UPDATE kv_namespaces SET title = $1 WHERE id = $2 AND account_id = $3 "
                f"RETURNING {_NS_COLUMNS}",
                check_title(title),
                namespace_id,
                account_id,
            )
        except asyncpg.UniqueViolationError:
            raise NamespaceTitleTaken(title) from None
        if row is None:
            raise NamespaceNotFound(namespace_id)
        return NamespaceInfo(*row)

    async def delete_namespace(self, account_id: str, namespace_id: str) -> None:
        async with self._pool.acquire() as conn, conn.transaction():
            found = await conn.fetchval(
                "SELECT 1 FROM kv_namespaces WHERE id = $1 AND account_id = $2 FOR UPDATE",
                namespace_id,
                account_id,
            )
            if found is None:
                raise NamespaceNotFound(namespace_id)
            await conn.execute(
                "UPDATE kv_blobs SET released_at = $1 WHERE blob_id IN (SELECT blob_id FROM "
                "kv_entries WHERE namespace_id = $2 AND blob_id IS NOT NULL)",
                self.now(),
                namespace_id,
            )
            await conn.execute("DELETE FROM kv_entries WHERE namespace_id = $1", namespace_id)
            await conn.execute("DELETE FROM kv_namespaces WHERE id = $1", namespace_id)

    # -- reading ---------------------------------------------------------------------------

    async def _row(self, namespace_id: str, raw: bytes) -> asyncpg.Record | None:
        row = await self._pool.fetchrow(_GET, namespace_id, raw)
        if row is None:
            return None
        expiration = row[2]
        if expiration is not None and expiration <= self.now():
            await self._pool.execute(_EXPIRE, namespace_id, raw, expiration, self.now())
            return None
        return row

    async def get(self, namespace_id: str, key: str) -> StoredValue | None:
        row = await self._row(namespace_id, encode_key(key))
        if row is None:
            return None
        value, blob_id, expiration, metadata, _ = row
        if blob_id is not None:
            value = await self._read_blob(blob_id)
        return StoredValue(value, metadata, expiration)

    async def get_many(self, namespace_id: str, keys: list[str]) -> dict[str, StoredValue | None]:
        found = {
            decode_key(row[0]): row
            for row in await self._pool.fetch(
                "SELECT key, value, blob_id, expiration, metadata FROM kv_entries "
                "WHERE namespace_id = $1 AND key = ANY($2::bytea[]) "
                "AND (expiration IS NULL OR expiration > $3)",
                namespace_id,
                [encode_key(key) for key in keys],
                self.now(),
            )
        }
        result: dict[str, StoredValue | None] = {}
        for key in keys:
            row = found.get(key)
            if row is None:
                result[key] = None
                continue
            _, value, blob_id, expiration, metadata = row
            if blob_id is not None:
                value = await self._read_blob(blob_id)
            result[key] = StoredValue(value, metadata, expiration)
        return result

    async def get_stream(self, namespace_id: str, key: str) -> StoredStream | None:
        row = await self._row(namespace_id, encode_key(key))
        if row is None:
            return None
        value, blob_id, expiration, metadata, size = row
        chunks = _single(value) if blob_id is None else self._stream_blob(blob_id, size)
        return StoredStream(chunks, size, metadata, expiration)

    async def _read_blob(self, blob_id: int) -> bytes:
        buffer = io.BytesIO()  # held once plus one chunk, as in the SQLite store
        async with self._pool.acquire() as conn, conn.transaction():
            async for (data,) in conn.cursor(
                "SELECT data FROM kv_blob_chunks WHERE blob_id = $1 ORDER BY seq", blob_id
            ):
                buffer.write(data)
        return buffer.getvalue()

    async def _stream_blob(self, blob_id: int, size: int) -> AsyncIterator[bytes]:
        seq = sent = 0
        while sent < size:
            data = await self._pool.fetchval(
                "SELECT data FROM kv_blob_chunks WHERE blob_id = $1 AND seq = $2", blob_id, seq
            )
            if data is None:
                raise LookupError("KV value was collected while it was being read")
            sent += len(data)
            seq += 1
            yield data

    async def list_keys(
        self,
        namespace_id: str,
        *,
        prefix: str = "",
        limit: int = 1000,
        cursor: str | None = None,
    ) -> KeyPage:
        low, high = key_range(prefix, cursor)
        rows = await self._pool.fetch(_LIST, namespace_id, low, high, self.now(), limit + 1)
        more = len(rows) > limit
        if more:
            rows = rows[:limit]
        keys = [ListedKey(decode_key(key), exp, meta) for key, exp, meta in rows]
        return KeyPage(keys, encode_cursor(rows[-1][0]) if more else None)

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
        raw = encode_key(key)
        if not (isinstance(value, bytes) and len(value) <= CHUNK_SIZE):
            chunks = rechunk(value)
            value = b""  # the caller's reference is enough; this frame must not pin it
            head = await first_chunks(chunks)
            if len(head) == 2:
                await self._put_blob(namespace_id, raw, head, chunks, expiration, metadata)
                return
            value = head.pop()
        try:
            async with self._pool.acquire() as conn, conn.transaction():
                await conn.execute(_LOCK_KEYS, namespace_id, [raw])
                await conn.execute(
                    _PUT_INLINE,
                    namespace_id,
                    raw,
                    value,
                    len(value),
                    expiration,
                    metadata,
                    self.now(),
                )
        except asyncpg.ForeignKeyViolationError:
            raise NamespaceNotFound(namespace_id) from None

    async def _put_blob(
        self,
        namespace_id: str,
        raw: bytes,
        head: list[bytes],
        rest: AsyncIterator[bytes],
        expiration: int | None,
        metadata: str | None,
    ) -> None:
        # Chunks go in as they arrive, outside any transaction, under a blob that counts as
        # released (since its upload began) until the entry takes it: a crashed upload is swept.
        pool = self._pool
        blob_id = await pool.fetchval(
            "INSERT INTO kv_blobs (released_at) VALUES ($1) RETURNING blob_id", self.now()
        )
        size = seq = 0
        add = "INSERT INTO kv_blob_chunks (blob_id, seq, data) VALUES ($1, $2, $3)"
        try:
            while head:  # popped, so written chunks are freed as the upload goes on
                chunk = head.pop(0)
                await pool.execute(add, blob_id, seq, chunk)
                size, seq = size + len(chunk), seq + 1
            async for chunk in rest:
                await pool.execute(add, blob_id, seq, chunk)
                size, seq = size + len(chunk), seq + 1
                del chunk  # not held while the next one is being assembled
            async with pool.acquire() as conn, conn.transaction():
                await conn.execute(_LOCK_KEYS, namespace_id, [raw])
                old = await conn.fetchval(
                    "SELECT blob_id FROM kv_entries WHERE namespace_id = $1 AND key = $2 "
                    "FOR UPDATE",
                    namespace_id,
                    raw,
                )
                claimed = await conn.execute(
                    "UPDATE kv_blobs SET released_at = NULL WHERE blob_id = $1", blob_id
                )
                if claimed != "UPDATE 1":
                    raise RuntimeError("KV upload took so long that its chunks were collected")
                await conn.execute(
                    _PUT_BLOB, namespace_id, raw, blob_id, size, expiration, metadata
                )
                if old is not None:
                    await conn.execute(
                        "UPDATE kv_blobs SET released_at = $1 WHERE blob_id = $2", self.now(), old
                    )
        except BaseException as error:
            async with pool.acquire() as conn, conn.transaction():
                await conn.execute("DELETE FROM kv_blob_chunks WHERE blob_id = $1", blob_id)
                await conn.execute("DELETE FROM kv_blobs WHERE blob_id = $1", blob_id)
            if isinstance(error, asyncpg.ForeignKeyViolationError):
                raise NamespaceNotFound(namespace_id) from None
            raise

    async def delete(self, namespace_id: str, key: str) -> None:
        await self._pool.execute(_DELETE, namespace_id, encode_key(key), self.now())

    async def put_many(self, namespace_id: str, entries: list[Entry]) -> None:
        # Small values are written before large ones: a key given twice must end with its last
        # value, so only its last entry is written.
        entries = list({entry[0]: entry for entry in entries}.values())
        now = self.now()
        rows = [
            (namespace_id, encode_key(key), value, len(value), exp, meta, now)
            for key, value, exp, meta in entries
            if len(value) <= CHUNK_SIZE
        ]
        try:
            async with self._pool.acquire() as conn, conn.transaction():
                await conn.execute(_LOCK_KEYS, namespace_id, [row[1] for row in rows])
                await conn.executemany(_PUT_INLINE, rows)
        except asyncpg.ForeignKeyViolationError:
            raise NamespaceNotFound(namespace_id) from None
        # Values too large to sit inline become blobs, each written as `put` writes it.
        await super().put_many(namespace_id, [e for e in entries if len(e[1]) > CHUNK_SIZE])

    async def delete_many(self, namespace_id: str, keys: list[str]) -> None:
        now = self.now()
        async with self._pool.acquire() as conn, conn.transaction():
            await conn.executemany(_DELETE, [(namespace_id, encode_key(key), now) for key in keys])

    # -- sweeping --------------------------------------------------------------------------

    async def sweep(self) -> int:
        deleted = 0
        while True:
            count = await self._pool.fetchval(_SWEEP_EXPIRED, self.now(), SWEEP_BATCH, self.now())
            deleted += count
            if count < SWEEP_BATCH:
                break
        while await self._pool.fetchval(_SWEEP_BLOBS, self.now() - BLOB_GRACE_SECONDS):
            await asyncio.sleep(0)
        return deleted

    async def blob_count(self) -> int:
        return await self._pool.fetchval("SELECT count(*) FROM kv_blobs")


async def _single(value: bytes) -> AsyncIterator[bytes]:
    if value:
        yield value
