"""Bodies: `ReadableStream`, and the `Body` mixin that Request and Response share.

A body is one of three things: nothing, bytes already in memory, or a stream. Bytes stay
bytes until someone asks for `.body`, so the common small response never builds a stream.
"""

import asyncio
import builtins
import io
import json
from collections import deque
from collections.abc import AsyncIterable, AsyncIterator
from typing import TYPE_CHECKING, Any, TypeAlias

if TYPE_CHECKING:
    from ._formdata import Blob, FormData
    from ._headers import Headers
    from ._url import URLSearchParams

    BodyInit: TypeAlias = (
        str
        | bytes
        | bytearray
        | memoryview
        | FormData
        | URLSearchParams
        | Blob
        | "ReadableStream"
        | AsyncIterable[bytes]
        | None
    )

__all__ = ["Body", "ReadableStream", "extract_body"]

BODY_USED = (
    "Body has already been used. It can only be used once. "
    "Use tee() first if you need to read it twice."
)
TEXT_PLAIN = "text/plain;charset=UTF-8"
URLENCODED = "application/x-www-form-urlencoded;charset=UTF-8"


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
    def from_bytes(cls, data: bytes) -> "ReadableStream":
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

    def __aiter__(self) -> "ReadableStream":
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

    def tee(self) -> tuple["ReadableStream", "ReadableStream"]:
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

    def __aiter__(self) -> "_TeeBranch":
        return self

    async def __anext__(self) -> bytes:
        return await self._tee.pull(self._queue)


def extract_body(body: "BodyInit") -> tuple[bytes | None, "ReadableStream | None", str | None]:
    """Fetch's "extract a body": `(content, stream, default content-type)` for a body init."""
    if type(body) is str:
        return body.encode(), None, TEXT_PLAIN
    if type(body) is bytes:
        return body, None, None
    if body is None:
        return None, None, None
    if isinstance(body, bytearray | memoryview):
        return bytes(body), None, None
    if isinstance(body, ReadableStream):
        return None, body, None
    from ._formdata import Blob, FormData  # they build on this module: imported late
    from ._url import URLSearchParams

    if isinstance(body, FormData):
        content, content_type = body._encode()
        return content, None, content_type
    if isinstance(body, URLSearchParams):
        return str(body).encode(), None, URLENCODED
    if isinstance(body, Blob):
        return body._content, None, body.type or None
    if hasattr(body, "__aiter__"):
        return None, ReadableStream(body), None
    raise TypeError(f"Unsupported body type: {type(body).__name__}")


class Body:
    """Reading methods shared by Request and Response: a body can be read only once."""

    __slots__ = ("_content", "_stream", "_used")

    # Subclasses provide these.
    _content: bytes | None
    _stream: ReadableStream | None
    _used: bool

    @property
    def headers(self) -> "Headers":  # Request's and Response's own
        raise NotImplementedError

    def _resolve(self) -> None:
        """Hook for subclasses whose body is only built when first needed."""

    @property
    def body(self) -> ReadableStream | None:
        self._resolve()
        if self._stream is None and self._content is not None:
            self._stream = ReadableStream.from_bytes(self._content)
            self._content = None
        return self._stream

    @property
    def body_used(self) -> bool:
        self._resolve()
        return self._used or (self._stream is not None and self._stream._disturbed)

    bodyUsed = body_used  # noqa: N815

    def _has_body(self) -> bool:
        self._resolve()
        return self._content is not None or self._stream is not None

    def _take_body(self) -> tuple[bytes | None, ReadableStream | None]:
        """Hand the body over to a new owner (a Request built from this one, a send)."""
        self._resolve()
        stream = self._stream
        if self._used or (stream is not None and stream._disturbed):
            raise TypeError(BODY_USED)
        self._used = True
        return self._content, stream

    def _tee_body(self) -> tuple[bytes | None, ReadableStream | None]:
        """The body for a clone; this one keeps an independent branch."""
        if self.body_used:
            raise TypeError(BODY_USED)
        if self._stream is None:
            return self._content, None  # bytes are immutable: both can share them
        self._stream, other = self._stream.tee()
        return None, other

    async def bytes(self) -> bytes:
        content, stream = self._take_body()
        if stream is not None:
            return await stream.read_all()
        return content if content is not None else b""

    async def arrayBuffer(self) -> builtins.bytes:  # noqa: N802
        return await self.bytes()

    buffer = arrayBuffer

    async def text(self) -> str:
        # The Encoding standard's "UTF-8 decode": replacement characters, a BOM dropped.
        return (await self.bytes()).decode("utf-8-sig", "replace")

    async def json(self, **kwargs: Any) -> Any:
        return json.loads(await self.text(), **kwargs)

    async def formData(self) -> "FormData":  # noqa: N802
        from ._formdata import parse_form

        content_type = self.headers.get("content-type") or ""
        content, stream = self._take_body()
        if stream is None:
            stream = ReadableStream.from_bytes(content or b"")
        return await parse_form(content_type, stream)

    form_data = formData

    async def blob(self) -> "Blob":
        from ._formdata import Blob

        content_type = self.headers.get("content-type") or ""
        return Blob(await self.bytes(), type=content_type)
