"""The storage interface both KV backends implement, and what they share.

Storage is deliberately dumb: it stores UTF-8 keys as bytes (so order and prefixes are byte
order, as on Cloudflare), values, absolute expirations and metadata JSON, and it hides expired
entries. Cloudflare's limits and error wordings live in the binding (`_limits`), so the REST API
can apply the same ones in front of the same store.

Values up to `CHUNK_SIZE` sit inline in the entry row (a point read is one row). Larger values
are "blobs": chunks in a side table, written as a stream arrives and read back chunk by chunk, so
a 25 MiB value is never held whole in memory on its way in or out. A replaced or deleted blob is
only *released*; the sweeper deletes it `BLOB_GRACE_SECONDS` later, so a stream that is being read
while its key is overwritten still finishes with the old value, as on Cloudflare.
"""

from __future__ import annotations

import asyncio
import base64
import json
import logging
import uuid
from abc import ABC, abstractmethod
from collections.abc import AsyncIterable, AsyncIterator, Callable
from dataclasses import dataclass
from typing import Any

Clock = Callable[[], float]
Value = bytes | bytearray | memoryview | AsyncIterable[bytes]
#: One value of a bulk write: key, value, absolute expiration, metadata JSON text.
Entry = tuple[str, bytes, int | None, str | None]

CHUNK_SIZE = 512 * 1024
BLOB_GRACE_SECONDS = 15 * 60.0
SWEEP_BATCH = 1000
#: Above every valid key: UTF-8 never contains the byte 0xFF, so this bounds "no prefix".
KEY_CEILING = b"\xff"

log = logging.getLogger("hearth.kv")


class NamespaceNotFound(LookupError):
    """No namespace with this id (in this account)."""


class NamespaceTitleTaken(ValueError):
    """Titles are unique per account (Cloudflare's rule)."""


@dataclass(frozen=True, slots=True)
class NamespaceInfo:
    id: str  # 32 lowercase hex digits, like Cloudflare's
    account_id: str
    title: str
    created_on: float  # epoch seconds


@dataclass(frozen=True, slots=True)
class NamespacePage:
    namespaces: list[NamespaceInfo]
    page: int
    per_page: int
    total_count: int


class StoredValue:
    """A whole value read back: bytes, metadata JSON text, absolute expiration."""

    __slots__ = ("value", "metadata", "expiration")

    def __init__(self, value: bytes, metadata: str | None, expiration: int | None) -> None:
        self.value = value
        self.metadata = metadata
        self.expiration = expiration


class StoredStream:
    """A value read back as chunks, for `get(key, "stream")`."""

    __slots__ = ("chunks", "size", "metadata", "expiration")

    def __init__(
        self,
        chunks: AsyncIterator[bytes],
        size: int,
        metadata: str | None,
        expiration: int | None,
    ) -> None:
        self.chunks = chunks
        self.size = size
        self.metadata = metadata
        self.expiration = expiration


@dataclass(frozen=True, slots=True)
class ListedKey:
    name: str
    expiration: int | None
    metadata: str | None  # JSON text

    def to_dict(self) -> dict[str, Any]:
        """Cloudflare's shape of a listed key: `expiration` and `metadata` absent, not null,
        when unset (the binding's `list()` and the REST API answer alike)."""
        entry: dict[str, Any] = {"name": self.name}
        if self.expiration is not None:
            entry["expiration"] = self.expiration
        if self.metadata is not None:
            entry["metadata"] = json.loads(self.metadata)
        return entry


@dataclass(frozen=True, slots=True)
class KeyPage:
    keys: list[ListedKey]
    cursor: str | None  # None when the listing is complete


class KVStore(ABC):
    """KV storage: namespaces per account and their entries. Both backends pass the same tests."""

    now: Clock
    _sweeper: asyncio.Task[None] | None = None

    # -- namespaces ------------------------------------------------------------------------

    @abstractmethod
    async def create_namespace(
        self, account_id: str, title: str, namespace_id: str | None = None
    ) -> NamespaceInfo:
        """A new namespace; `namespace_id` chooses its id (`hearth dev`'s local namespaces)."""

    @abstractmethod
    async def list_namespaces(
        self,
        account_id: str,
        *,
        page: int = 1,
        per_page: int = 20,
        order: str = "title",
        direction: str = "asc",
    ) -> NamespacePage: ...

    @abstractmethod
    async def get_namespace(self, account_id: str, namespace_id: str) -> NamespaceInfo | None: ...

    @abstractmethod
    async def rename_namespace(
        self, account_id: str, namespace_id: str, title: str
    ) -> NamespaceInfo: ...

    @abstractmethod
    async def delete_namespace(self, account_id: str, namespace_id: str) -> None:
        """Delete the namespace and every key in it."""

    # -- entries ---------------------------------------------------------------------------

    @abstractmethod
    async def get(self, namespace_id: str, key: str) -> StoredValue | None: ...

    async def get_value(self, namespace_id: str, key: str) -> bytes | None:
        """Just the value: a backend may read fewer columns for the most common call."""
        stored = await self.get(namespace_id, key)
        return None if stored is None else stored.value

    @abstractmethod
    async def get_many(
        self, namespace_id: str, keys: list[str]
    ) -> dict[str, StoredValue | None]: ...

    @abstractmethod
    async def get_stream(self, namespace_id: str, key: str) -> StoredStream | None: ...

    @abstractmethod
    async def put(
        self,
        namespace_id: str,
        key: str,
        value: Value,
        *,
        expiration: int | None = None,
        metadata: str | None = None,
    ) -> None:
        """Store a value (bytes, or an async iterable of bytes read once, chunk by chunk)."""

    @abstractmethod
    async def delete(self, namespace_id: str, key: str) -> None: ...

    async def put_many(self, namespace_id: str, entries: list[Entry]) -> None:
        """Store several values (the REST API's bulk write). Backends write the values that fit
        in a chunk in one transaction: all of them or, on a failure, none."""
        for key, value, expiration, metadata in entries:
            await self.put(namespace_id, key, value, expiration=expiration, metadata=metadata)

    async def delete_many(self, namespace_id: str, keys: list[str]) -> None:
        """Delete several keys (the REST API's bulk delete); backends do it in one transaction."""
        for key in keys:
            await self.delete(namespace_id, key)

    @abstractmethod
    async def list_keys(
        self,
        namespace_id: str,
        *,
        prefix: str = "",
        limit: int = 1000,
        cursor: str | None = None,
    ) -> KeyPage:
        """Keys in UTF-8 byte order, starting after the cursor's key (stable under inserts)."""

    @abstractmethod
    async def sweep(self) -> int:
        """Delete expired entries and collect released blobs; returns entries deleted."""

    @abstractmethod
    async def close(self) -> None: ...

    # -- background sweeping ---------------------------------------------------------------

    def start_sweeper(self, interval: float = 60.0) -> None:
        """Sweep expired keys every `interval` seconds until `stop_sweeper`/`close`."""
        if self._sweeper is None or self._sweeper.done():
            self._sweeper = asyncio.get_running_loop().create_task(self._sweep_forever(interval))

    async def stop_sweeper(self) -> None:
        task, self._sweeper = self._sweeper, None
        if task is not None:
            task.cancel()
            try:
                await task
            except asyncio.CancelledError:
                pass

    async def _sweep_forever(self, interval: float) -> None:
        while True:
            await asyncio.sleep(interval)
            try:
                await self.sweep()
            except Exception:  # a failed sweep is retried next time; it must not stop sweeping
                log.exception("KV sweep failed")

    async def __aenter__(self) -> KVStore:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()


# -- helpers both backends use --------------------------------------------------------------


def new_namespace_id() -> str:
    return uuid.uuid4().hex


def encode_key(key: str) -> bytes:
    # Strict: keys are checked to be valid UTF-8 first, so a stored key always decodes.
    return key.encode()


def decode_key(raw: bytes) -> str:
    return bytes(raw).decode()


def encode_cursor(last_key: bytes) -> str:
    """Opaque to callers: the last key returned; the next page starts strictly after it."""
    return base64.urlsafe_b64encode(last_key).decode().rstrip("=")


def decode_cursor(cursor: str) -> bytes:
    try:  # strict: a mangled cursor is refused, not silently read as another position
        return base64.b64decode(cursor + "=" * (-len(cursor) % 4), altchars=b"-_", validate=True)
    except (ValueError, TypeError):
        raise ValueError(f"invalid cursor {cursor!r}") from None


def key_range(prefix: str, cursor: str | None) -> tuple[bytes, bytes]:
    """[low, high) of a listing: the prefix as a byte range (a literal prefix, no wildcards),
    narrowed to keys after the cursor's key. `key + b"\\0"` is the smallest key after `key`."""
    low = encode_key(prefix)
    high = prefix_successor(low)
    if cursor:
        after = decode_cursor(cursor) + b"\x00"
        low = max(low, after)
    return low, high


def text_key_range(prefix: str, cursor: str | None) -> tuple[str, str | bytes]:
    """`key_range` for keys stored as SQLite TEXT: Python compares str by code point, which is
    UTF-8 byte order. With no upper bound the ceiling is a BLOB, which SQLite orders after
    every TEXT value."""
    low = prefix
    if cursor:
        low = max(low, decode_key(decode_cursor(cursor)) + "\x00")
    return low, text_successor(prefix)


def text_successor(prefix: str) -> str | bytes:
    """The smallest str above every str starting with `prefix` (the last code point, plus one,
    skipping surrogates, which no stored key contains), or the BLOB ceiling."""
    chars = list(prefix)
    while chars:
        code = ord(chars.pop())
        if code < 0x10FFFF:
            code = 0xE000 if 0xD7FF <= code < 0xE000 else code + 1
            return "".join(chars) + chr(code)
    return KEY_CEILING


def prefix_successor(prefix: bytes) -> bytes:
    """The smallest byte string above every string starting with `prefix`."""
    stripped = prefix.rstrip(b"\xff")
    if not stripped:
        return KEY_CEILING
    return stripped[:-1] + bytes([stripped[-1] + 1])


async def rechunk(source: Value, size: int = CHUNK_SIZE) -> AsyncIterator[bytes]:
    """Fixed-size chunks (the last one shorter) from bytes or an async iterable of bytes."""
    if isinstance(source, bytes | bytearray | memoryview):
        view = memoryview(source)
        for start in range(0, len(view), size):
            yield bytes(view[start : start + size])
        return
    # Pieces are joined once a chunk's worth has arrived (slicing a growing bytearray would
    # copy each byte several times); at most about two chunks are held at any moment.
    pieces: list[bytes | bytearray | memoryview] = []
    held = 0
    async for piece in source:
        if not isinstance(piece, bytes | bytearray | memoryview):
            raise TypeError(f"A KV value stream must yield bytes, not {type(piece).__name__}.")
        pieces.append(piece)
        held += len(piece)
        if held < size:
            continue
        data = b"".join(pieces)
        pieces.clear()
        if len(data) == size:  # the usual case when the source's chunks divide the size
            held = 0
            yield data
            continue
        view = memoryview(data)
        whole = len(data) - len(data) % size
        for start in range(0, whole, size):
            yield bytes(view[start : start + size])
        held = len(data) - whole
        if held:
            pieces.append(bytes(view[whole:]))
        del view, data
    if pieces:
        yield b"".join(pieces)


async def first_chunks(chunks: AsyncIterator[bytes]) -> list[bytes]:
    """The first two chunks, or one when the value fits in a chunk (then it is stored inline).
    A list, so the blob writer can pop them and not hold them for the whole upload."""
    head = [await anext(chunks, b"")]
    second = await anext(chunks, None)
    if second is not None:
        head.append(second)
    return head


def namespace_order(order: str, direction: str) -> str:
    """ORDER BY clause of a namespace listing, from a closed set (never interpolated input)."""
    column = {"title": "title", "id": "id"}.get(order)
    sense = {"asc": "ASC", "desc": "DESC"}.get(direction)
    if column is None or sense is None:
        raise ValueError(f"cannot order namespaces by {order!r} {direction!r}")
    return f"{column} {sense}, id {sense}"


def check_title(title: Any) -> str:
    if not isinstance(title, str) or not title.strip():
        raise ValueError("A namespace title must be a non-empty string.")
    return title
