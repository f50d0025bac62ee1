"""Bodies: what a body may be made from, and the `Body` mixin that Request and Response share.

A body is one of three things: nothing, bytes already in memory, or a stream. Bytes stay
bytes until someone asks for `.body`, so the common small response never builds a stream.
"""

import builtins
import json
from collections.abc import AsyncIterable
from typing import TYPE_CHECKING, Any, TypeAlias

from ._formdata import Blob, FormData, parse_form
from ._stream import ReadableStream
from ._url import URLSearchParams

if TYPE_CHECKING:
    from ._headers import Headers

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

__all__ = ["Body", "extract_body"]

BODY_USED = (
    "Body has already been used. It can only be used once. "
    "Use tee() first if you need to read it twice."
)
TEXT_PLAIN = "text/plain;charset=UTF-8"
URLENCODED = "application/x-www-form-urlencoded;charset=UTF-8"


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
        content_type = self.headers.get("content-type") or ""
        content, stream = self._take_body()
        if stream is None:
            stream = ReadableStream.from_bytes(content or b"")
        return await parse_form(content_type, stream)

    form_data = formData

    async def blob(self) -> "Blob":
        content_type = self.headers.get("content-type") or ""
        return Blob(await self.bytes(), type=content_type)
