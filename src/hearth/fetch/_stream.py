"""`ReadableStream`: a body that arrives in chunks, read once (or teed into two)."""

from __future__ import annotations

import asyncio
import io
from collections import deque
from collections.abc import AsyncIterable, AsyncIterator
from typing import Any


def _as_bytes(chunk: Any) -> bytes:
    if isinstance(chunk, bytes):
        return chunk
    if isinstance(chunk, bytearray | memoryview):
        return bytes(chunk)
    if isinstance(chunk, str):
        return chunk.encode()
    raise TypeError(f"A body stream must yield bytes, not {type(chunk).__name__}.")


class ReadableStream:
    """A one-shot async iterator of `bytes` chunks: what `request.body` and `response.body` are."""

    __slots__ = ("_first", "_source", "_disturbed", "_locked")

    def __init__(self, source: AsyncIterable[Any] | None = None) -> None:
        self._first: bytes | None = None
        self._source: AsyncIterator[Any] | None = None if source is None else aiter(source)
        self._disturbed = False
        self._locked = False

    @classmethod
    def from_bytes(cls, data: bytes) -> ReadableStream:
        stream = cls()
        stream._first = data or None  # an empty body is a stream with no chunks
        return stream

    @property
    def disturbed(self) -> bool:
        """True once a chunk has been asked for."""
        return self._disturbed

    @property
    def locked(self) -> bool:
        """True once the stream has been tee'd; its branches are read instead."""
        return self._locked

    def __aiter__(self) -> ReadableStream:
        return self

    async def __anext__(self) -> bytes:
        if self._locked:
            raise TypeError("This ReadableStream is locked: it has been tee'd.")
        return await self._next()

    async def _next(self) -> bytes:
        self._disturbed = True
        first = self._first
        if first is not None:
            self._first = None
            return first
        if self._source is None:
            raise StopAsyncIteration
        chunk = await self._source.__anext__()
        return chunk if type(chunk) is bytes else _as_bytes(chunk)

    async def read_all(self) -> bytes:
        """Every remaining chunk, concatenated."""
        first = await anext(self, None)
        if first is None:
            return b""
        if self._source is None:
            return first  # a single in-memory chunk: no copy at all
        # BytesIO.getvalue() hands over its buffer without a copy, so the body is held
        # once (plus one chunk) instead of twice as with a list then b"".join.
        buffer = io.BytesIO()
        buffer.write(first)
        async for chunk in self:
            buffer.write(chunk)
        return buffer.getvalue()

    def tee(self) -> tuple[ReadableStream, ReadableStream]:
        """Two streams that each yield every remaining chunk; this one becomes locked."""
        if self._locked:
            raise TypeError("This ReadableStream is locked: it has been tee'd.")
        self._locked = True
        tee = _Tee(self)
        return ReadableStream(_TeeBranch(tee)), ReadableStream(_TeeBranch(tee))

    async def aclose(self) -> None:
        """Stop reading, releasing what the source holds (e.g. an upstream connection)."""
        self._first = None
        source, self._source = self._source, None
        close = getattr(source, "aclose", None)
        if close is not None:
            await close()

    def __repr__(self) -> str:
        return f"<ReadableStream disturbed={self._disturbed} locked={self._locked}>"


class _Tee:
    """The shared upstream of tee'd branches: a chunk read for one is queued for the others."""

    __slots__ = ("_stream", "_queues", "_lock", "_error")

    def __init__(self, stream: ReadableStream) -> None:
        self._stream = stream
        self._queues: list[deque[bytes]] = []
        # Branches read concurrently must not pull from the upstream at the same time.
        self._lock = asyncio.Lock()
        self._error: Exception | None = None

    async def pull(self, queue: deque[bytes]) -> bytes:
        if queue:
            return queue.popleft()
        async with self._lock:
            if queue:  # filled by another branch while we waited
                return queue.popleft()
            if self._error is not None:
                # A failed upstream is finished; without this the other branch would
                # see a silently truncated body.
                raise self._error
            try:
                chunk = await self._stream._next()
            except StopAsyncIteration:
                raise
            except Exception as exc:
                self._error = exc
                raise
            for other in self._queues:
                if other is not queue:
                    other.append(chunk)
            return chunk


class _TeeBranch:
    __slots__ = ("_tee", "_queue")

    def __init__(self, tee: _Tee) -> None:
        self._tee = tee
        self._queue: deque[bytes] = deque()
        tee._queues.append(self._queue)

    def __aiter__(self) -> _TeeBranch:
        return self

    async def __anext__(self) -> bytes:
        return await self._tee.pull(self._queue)
