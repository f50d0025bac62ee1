"""ASGI adapters: a Request from an http scope, a Response sent as ASGI messages.

This is the platform's per-request hot path, so a Request from ASGI does no work up front:
its URL, Headers and body stream are each built the first time they are asked for.
"""

from collections.abc import AsyncIterator, Awaitable, Callable, MutableMapping
from typing import Any
from urllib.parse import quote

from ._headers import Headers
from ._request import Request
from ._response import NULL_BODY_STATUSES, Response
from ._stream import ReadableStream
from ._url import normalize_url

__all__ = ["header_dict", "request_from_asgi", "response_messages", "send_response"]

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]

_DEFAULT_PORTS = {"http": 80, "https": 443}
_PATH_SAFE = "/:@!$&'()*+,;=~"
_new_object = object.__new__  # a builtin call: cheaper than looking up __new__ on the class


class _ASGIRequest(Request):
    """A Request whose URL, headers and body are read from the ASGI scope on first use."""

    __slots__ = ("_scope", "_receive")
    _scope: Scope
    _receive: Receive | None
    _url: str | None  # type: ignore[assignment]  # built on first use
    _headers: Headers | None  # type: ignore[assignment]

    @property
    def url(self) -> str:
        url = self._url
        if url is None:
            url = self._url = _url_from_scope(self._scope)
        return url

    @property
    def headers(self) -> Headers:
        headers = self._headers
        if headers is None:
            headers = self._headers = Headers._from_raw(self._scope["headers"])
        return headers

    def _resolve(self) -> None:
        receive = self._receive
        if receive is not None:
            self._receive = None
            if _has_body(self._method, self._scope["headers"]):
                self._stream = ReadableStream(_receive_chunks(receive))


def request_from_asgi(
    scope: Scope, receive: Receive, *, cf: dict[str, Any] | None = None
) -> Request:
    """The Request for an ASGI http scope; its body streams from `receive`."""
    request = _new_object(_ASGIRequest)
    request._scope = scope
    request._receive = receive
    request._url = None
    request._method = scope["method"]
    request._headers = None
    request._redirect = "follow"
    request._cf = cf
    request._content = None
    request._stream = None
    request._used = False
    return request


def request_target(request: Request) -> str:
    """`/path?query` of a request, as a log line shows it. A request a server handed over
    answers from its ASGI scope: its URL (the Host header, WHATWG normalisation) is built only
    when the worker itself asks for it."""
    if type(request) is _ASGIRequest and request._url is None:
        scope = request._scope
        raw_path = scope.get("raw_path")
        path = raw_path.decode("latin-1") if raw_path else quote(scope["path"], safe=_PATH_SAFE)
        query = scope.get("query_string")
        return f"{path}?{query.decode('latin-1')}" if query else path
    url = request.url
    return "/" + url.split("/", 3)[3] if url.count("/") >= 3 else "/"


def header_dict(request: Request) -> dict[str, str]:
    """The request's headers as a plain dict (a trace event's `request.headers`), repeated
    names joined with ", ". A request a server handed over answers from its ASGI scope, in
    arrival order, without building its `Headers` (a tail serialises every request)."""
    if type(request) is _ASGIRequest and request._headers is None:
        found: dict[str, str] = {}
        for key, raw in request._scope["headers"]:
            name = key.decode("latin-1").lower()
            value = raw.decode("latin-1")
            before = found.get(name)
            found[name] = value if before is None else f"{before}, {value}"
        return found
    return {name: ", ".join(values) for name, values in request.headers._map.items()}


def _has_body(method: str, raw_headers: Any) -> bool:
    length = None
    for name, value in raw_headers:
        if name == b"content-length":
            length = value
        elif name == b"transfer-encoding":
            return True
    if length is None:
        # HTTP/1.1 without either header has no body; HTTP/2 may still send one.
        return method != "GET" and method != "HEAD"
    return length.strip() != b"0"


async def _receive_chunks(receive: Receive) -> AsyncIterator[bytes]:
    more_body = True
    while more_body:
        message = await receive()
        if message["type"] == "http.disconnect":
            raise ConnectionError("The client disconnected before sending the whole body.")
        more_body = message.get("more_body", False)
        chunk = message.get("body", b"")
        if chunk:
            yield chunk


def _url_from_scope(scope: Scope) -> str:
    scheme = scope.get("scheme", "http")
    host = None
    for name, value in scope["headers"]:
        if name == b"host":
            host = value.decode("latin-1")
            break
    if host is None:
        server = scope.get("server")
        if server is None:
            host = "localhost"
        else:
            host, port = server
            if ":" in host:
                host = f"[{host}]"
            if port is not None and port != _DEFAULT_PORTS.get(scheme):
                host = f"{host}:{port}"
    raw_path = scope.get("raw_path")
    path = raw_path.decode("latin-1") if raw_path else quote(scope["path"], safe=_PATH_SAFE)
    root_path = scope.get("root_path")
    if root_path:
        root_path = quote(root_path, safe=_PATH_SAFE)
        if not path.startswith(root_path):
            path = root_path + path  # servers disagree on whether path includes root_path
    query = scope.get("query_string")
    url = (
        f"{scheme}://{host}{path}?{query.decode('latin-1')}"
        if query
        else f"{scheme}://{host}{path}"
    )
    try:
        return normalize_url(url)
    except TypeError:
        return url  # a Host header no URL parser accepts: keep what the client sent


def response_messages(response: Response, *, head: bool = False) -> tuple[Message, Message] | None:
    """The http.response.start and http.response.body messages of a response whose body is
    bytes in memory (the common case), or None for a streamed body (see `send_response`).

    A plain function, not a coroutine: the per-request path sends the two messages itself."""
    if response._stream is not None or response._used or response._type == "error":
        return None
    response._used = True
    body = response._content
    if body is None:
        body = b""
    status = response._status
    headers: Any
    if status in NULL_BODY_STATUSES:
        headers = response._raw_headers()
    elif response._headers is None:  # nobody made a Headers: content-type and length is all
        key = (response._default_type, len(body))
        headers = _PLAIN_HEADERS.get(key)
        if headers is None:
            headers = _plain_headers(key)
    else:
        headers = response._headers.raw
        if "content-length" not in response._headers:
            headers.append((b"content-length", b"%d" % len(body)))
    return (
        {"type": "http.response.start", "status": status, "headers": headers},
        {"type": "http.response.body", "body": b"" if head else body},
    )


#: (default content type, body length) → the header lines of a response without Headers;
#: shared tuples (ASGI servers copy header lists, they never change them), so that a hello
#: response does not format its length and build its list every time.
_PLAIN_HEADERS: dict[tuple[str | None, int], tuple[tuple[bytes, bytes], ...]] = {}
_PLAIN_HEADERS_SIZE = 1024


def _plain_headers(key: tuple[str | None, int]) -> tuple[tuple[bytes, bytes], ...]:
    default_type, length = key
    pairs = [] if default_type is None else [(b"content-type", default_type.encode("latin-1"))]
    pairs.append((b"content-length", b"%d" % length))
    if len(_PLAIN_HEADERS) >= _PLAIN_HEADERS_SIZE:
        _PLAIN_HEADERS.clear()
    headers = _PLAIN_HEADERS[key] = tuple(pairs)
    return headers


async def send_response(response: Response, send: Send, *, head: bool = False) -> None:
    """Send `response` as ASGI http.response.start / http.response.body messages."""
    if response._type == "error":
        raise TypeError("Response.error() cannot be sent to a client.")
    messages = response_messages(response, head=head)
    if messages is not None:
        await send(messages[0])
        await send(messages[1])
        return
    _, stream = response._take_body()  # a streamed body (a used one raises here)
    assert stream is not None  # response_messages answered every other kind
    headers = response._raw_headers()
    await send({"type": "http.response.start", "status": response._status, "headers": headers})
    try:
        if not head:
            async for chunk in stream:
                if chunk:
                    await send({"type": "http.response.body", "body": chunk, "more_body": True})
    finally:
        await stream.aclose()  # releases an upstream connection when we stop early
    await send({"type": "http.response.body", "body": b""})
