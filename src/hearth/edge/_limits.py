"""HTTP/1.1 under limits that uvicorn does not set for httptools: the size of a request's head
and the time a client may take to send it.

* Past `max_header_bytes` of request line and headers (Cloudflare: 128 KB) the request is
  answered 431 and the connection closed, before the rest is read or kept in memory (a header
  that never ends included).
* A request whose head is not complete `header_timeout` seconds after it began (or after the
  connection opened) is answered 408 and closed, so clients that send their headers a byte at a
  time cannot hold connections open. A sweep every half timeout (at most a second) looks at
  every connection; a request pays nothing for it, and is cut off within the timeout plus one
  sweep interval.
"""

from __future__ import annotations

import asyncio
import weakref
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

__all__ = ["HEADER_TIMEOUT", "MAX_HEADER_BYTES", "limited_protocol"]

MAX_HEADER_BYTES = 128 * 1024
HEADER_TIMEOUT = 10.0  # seconds
LINGER = 2.0  # seconds a refused client may go on sending before the connection is closed


def limited_protocol(max_header_bytes: int, header_timeout: float) -> type[HttpToolsProtocol]:
    """uvicorn's httptools protocol with these limits (pass as `http=` to `uvicorn.Config`)."""
    from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

    received = HttpToolsProtocol.data_received  # called directly: super() costs ~500 instructions

    class LimitedProtocol(HttpToolsProtocol):
        # Slots, not instance attributes: more keys in uvicorn's instance dict take it
        # past CPython's shared-key size, and every `self.…` in uvicorn's code slows down
        # (~1.9k instructions a request, measured with callgrind).
        __slots__ = ("_head_bytes", "_watched")

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._head_bytes = 0
            self._watched: tuple[Any, float] | None = None  # (scope of a head in progress, since)

        def connection_made(self, transport: Any) -> None:
            super().connection_made(transport)
            _open.add(self)
            _sweeper(self.loop, header_timeout)

        def connection_lost(self, exc: Exception | None) -> None:
            _open.discard(self)  # the sweep must not answer on a closed transport
            super().connection_lost(exc)

        # Counted per chunk received, not per header: httptools keeps a header's bytes until
        # the header ends, so only the bytes fed in bound what it holds, and a chunk costs one
        # call where a header callback would cost one per header (~1k instructions a request).
        # The exact end of a head is looked for only when a chunk could take it past the limit.
        def data_received(self, data: bytes) -> None:
            if self._head_bytes + len(data) > max_header_bytes and self._ends_past_limit(data):
                self._refuse_too_large()
                return
            received(self, data)
            scope = self.scope
            if scope is None or "method" not in scope:  # the chunk left a head incomplete
                self._head_bytes += len(data)
                if self._head_bytes > max_header_bytes and not self.transport.is_closing():
                    self._refuse_too_large()
            elif self._head_bytes:
                self._head_bytes = 0

        def _ends_past_limit(self, data: bytes) -> bool:
            """Does the head that `data` continues, or begins between requests, end past the
            limit? Inside a body the next head's start is unknown: it is counted once begun."""
            scope = self.scope
            if scope is not None and "method" in scope and self.cycle.more_body:
                return False
            end = data.find(b"\r\n\r\n")
            if end < 0 and (
                data[:1] == b"\n" or data[:2] == b"\r\n"
            ):  # the blank line split between chunks
                end = 0
            return end < 0 or self._head_bytes + end > max_header_bytes

        def _refuse_too_large(self) -> None:
            self._refuse(
                431,
                "Request Header Fields Too Large",
                f"request headers over {max_header_bytes // 1024} KB",
            )

        def _refuse(self, status: int, reason: str, message: str) -> None:
            _open.discard(self)
            transport = self.transport
            transport.write(_answer(status, reason, message))
            if self.cycle is not None and not self.cycle.response_complete:
                transport.close()  # a pipelined response is still being written: just close
                return
            # A lingering close, as nginx does: stop sending, read and drop what the client is
            # still sending for a moment, so that it reads the answer instead of a reset.
            self.data_received = _drop  # type: ignore[method-assign]
            transport.write_eof()
            self.loop.call_later(LINGER, transport.close)

        def head_overdue(self, now: float) -> bool:
            """Seen by the sweep: is a request head (or the first) still coming, since when?
            A scope without `method` is a head uvicorn has begun and not finished."""
            scope = self.scope
            if scope is not None and "method" in scope:
                self._watched = None  # serving, or idle between requests (keep-alive's job)
                return False
            if self._watched is None or self._watched[0] is not scope:
                self._watched = (scope, now)
                return False
            return now - self._watched[1] > header_timeout

        def refuse_slow_head(self) -> None:
            self._refuse(
                408, "Request Timeout", f"request headers not sent in {header_timeout:g} s"
            )

    return LimitedProtocol


def _drop(data: bytes) -> None:
    pass


def _answer(status: int, reason: str, message: str) -> bytes:
    body = message.encode()
    return (
        f"HTTP/1.1 {status} {reason}\r\ncontent-type: text/plain; charset=utf-8\r\n"
        f"content-length: {len(body)}\r\nconnection: close\r\n\r\n"
    ).encode() + body


_open: weakref.WeakSet[Any] = weakref.WeakSet()  # the connections of every limited server
_sweeps: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Task[None]] = (
    weakref.WeakKeyDictionary()
)


def _sweeper(loop: asyncio.AbstractEventLoop, header_timeout: float) -> None:
    """One task per loop that closes connections whose request head is overdue."""
    task = _sweeps.get(loop)
    if task is None or task.done():
        _sweeps[loop] = loop.create_task(_sweep(loop, min(1.0, header_timeout / 2)))


async def _sweep(loop: asyncio.AbstractEventLoop, interval: float) -> None:
    while True:
        await asyncio.sleep(interval)
        now = loop.time()
        for protocol in [p for p in _open if p.head_overdue(now)]:
            protocol.refuse_slow_head()
