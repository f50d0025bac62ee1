"""Outbound `fetch`: subrequests through one shared, pooled httpx client."""

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import httpx
from httpx._decoders import SUPPORTED_DECODERS

from ._headers import Headers
from ._request import Request
from ._response import Response
from ._stream import ReadableStream

__all__ = ["aclose_client", "fetch"]

# Hop-by-hop headers describe one connection, not the message: they are not passed on.
_HOP_BY_HOP = frozenset({b"connection", b"keep-alive", b"transfer-encoding", b"upgrade"})
# As in Workers, a subrequest's Host comes from its URL, even when the worker passes on the
# headers of the request it is serving.
_NOT_FORWARDED = _HOP_BY_HOP | {b"host"}

_client: httpx.AsyncClient | None = None
_client_loop: asyncio.AbstractEventLoop | None = None


def _get_client() -> httpx.AsyncClient:
    global _client, _client_loop
    loop = asyncio.get_running_loop()
    # Pooled connections belong to the loop that opened them; a new loop needs a new pool.
    if _client is None or _client_loop is not loop:
        _client = httpx.AsyncClient(
            follow_redirects=False,
            timeout=httpx.Timeout(None, connect=30.0),
            limits=httpx.Limits(max_connections=None, max_keepalive_connections=100),
        )
        _client_loop = loop
    return _client


async def aclose_client() -> None:
    """Close the shared client's pooled connections (call at shutdown)."""
    global _client, _client_loop
    client, _client, _client_loop = _client, None, None
    if client is not None:
        await client.aclose()


async def fetch(
    input: "str | Request", init: dict[str, Any] | None = None, **kwargs: Any
) -> Response:
    """Send a request (`fetch(url, method=..., headers=..., body=...)`) and return its Response.

    The response body streams from the network as it is read.
    """
    request = Request(input, init, **kwargs)
    content, stream = request._take_body()
    client = _get_client()
    outgoing = client.build_request(
        request.method,
        request.url,
        headers=[pair for pair in request.headers.raw if pair[0] not in _NOT_FORWARDED],
        content=content if stream is None else stream,
    )
    try:
        upstream = await client.send(
            outgoing, stream=True, follow_redirects=request.redirect == "follow"
        )
    except httpx.TransportError as exc:
        raise OSError(f"fetch to {request.url} failed: {exc}") from exc
    except httpx.TooManyRedirects as exc:
        raise TypeError(f"fetch to {request.url} failed: too many redirects.") from exc

    if request.redirect == "error" and upstream.is_redirect:
        await upstream.aclose()
        raise TypeError(f"fetch to {request.url} was redirected, and redirect is 'error'.")
    return await _response_from_httpx(upstream)


async def _response_from_httpx(upstream: httpx.Response) -> Response:
    headers = Headers._from_raw(
        (name, value) for name, value in upstream.headers.raw if name.lower() not in _HOP_BY_HOP
    )
    encoding = headers.get("content-encoding")
    if encoding and all(e.strip() in SUPPORTED_DECODERS for e in encoding.lower().split(",")):
        # httpx hands over the decoded bytes, so the encoding and length no longer hold.
        headers.delete("content-encoding")
        headers.delete("content-length")
    status = upstream.status_code
    has_body = upstream.request.method != "HEAD" and status not in (204, 205, 304)
    if not has_body:
        await upstream.aclose()
    response = Response(
        ReadableStream(_chunks(upstream)) if has_body else None,
        statusText=upstream.reason_phrase,
        headers=headers,
    )
    response._status = status  # whatever upstream said, even outside the constructor's range
    response._url = str(upstream.url)
    response._redirected = bool(upstream.history)
    return response


async def _chunks(upstream: httpx.Response) -> AsyncIterator[bytes]:
    try:
        async for chunk in upstream.aiter_bytes():
            yield chunk
    finally:
        await upstream.aclose()
