"""Response: the Fetch standard's Response with Workers' deviations and Python keyword arguments."""

import json as _json
from collections.abc import Mapping
from http import HTTPStatus
from types import MethodType
from typing import TYPE_CHECKING, Any, TypedDict

from ._body import BODY_USED, TEXT_PLAIN, Body, extract_body
from ._headers import Headers
from ._url import normalize_url

if TYPE_CHECKING:
    from typing_extensions import Unpack

    from ._body import BodyInit
    from ._headers import HeadersInit

__all__ = ["Response"]

STATUS_RANGE = (
    "Responses may only be constructed with status codes in the range 200 to 599, inclusive."
)
NULL_BODY_STATUSES = frozenset({101, 204, 205, 304})
_ENCODED_TYPES: dict[str, bytes] = {}  # default content types, encoded once
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
# Workers (unlike browsers) default statusText to the reason phrase; a dict beats HTTPStatus().
_PHRASES = {status.value: status.phrase for status in HTTPStatus}
_COPIED_ON_CLONE = (
    "_status",
    "_status_text",
    "_default_type",
    "_web_socket",
    "_url",
    "_redirected",
    "_type",
)


def _status_text(text: Any) -> str:
    text = str(text)
    if "\r" in text or "\n" in text:
        raise TypeError(f"Invalid statusText: {text!r}")
    return text


class ResponseOptions(TypedDict, total=False):
    """The keyword arguments of `Response(...)` besides `status` and `headers`."""

    statusText: str  # noqa: N815 - the Fetch API's name
    status_text: str
    webSocket: Any  # noqa: N815
    web_socket: Any


def _options(
    init: dict[str, Any] | int | None,
    status: int | None,
    headers: "HeadersInit",
    options: Mapping[str, Any],
) -> tuple[int | None, "HeadersInit", str | None, Any]:
    """(status, headers, statusText, webSocket) from the JavaScript-style `init` (or a bare
    status, as in Cloudflare's SDK) and the keywords, which win over `init`."""
    unknown = options.keys() - ResponseOptions.__annotations__.keys()
    if unknown:
        raise TypeError(f"Response() got an unexpected keyword argument {min(unknown)!r}")
    if isinstance(init, int):
        init = {"status": init}
    elif init is None:
        init = {}
    if status is None:
        status = init.get("status")
    if headers is None:
        headers = init.get("headers")
    text = options.get("status_text")
    if text is None:
        text = options.get("statusText", init.get("statusText"))
    web_socket = options.get("web_socket")
    if web_socket is None:
        web_socket = options.get("webSocket", init.get("webSocket"))
    return status, headers, None if text is None else _status_text(text), web_socket


class _JsonAttribute:
    """`Response.json(data)` builds a JSON response; `await response.json()` reads a body."""

    def __get__(self, response: "Response | None", owner: type["Response"]) -> Any:
        if response is None:
            return owner.from_json
        return MethodType(Body.json, response)


class Response(Body):
    """An HTTP response: `Response(body=None, init=None, *, status=200, headers=None, ...)`.

    `init` is the JavaScript-style options dict (or, as in Cloudflare's SDK, the status);
    keyword arguments override it.
    """

    __slots__ = (
        "_status",
        "_status_text",
        "_headers",
        "_default_type",
        "_web_socket",
        "_url",
        "_redirected",
        "_type",
    )

    def __init__(
        self,
        body: "BodyInit" = None,
        init: dict[str, Any] | int | None = None,
        *,
        status: int | None = None,
        headers: "HeadersInit" = None,
        **options: "Unpack[ResponseOptions]",
    ) -> None:
        # The rare keywords come as **options: every named keyword-only parameter costs each
        # call a lookup of its default, and `Response(text)` is on every request's path.
        web_socket: Any = None
        text: str | None = None
        if init is not None or options:
            status, headers, text, web_socket = _options(init, status, headers, options)
        if type(body) is str:  # the common case, without the call
            self._content = body.encode()
            self._stream = None
            default_type: str | None = TEXT_PLAIN
        else:
            self._content, self._stream, default_type = extract_body(body)
        if status is None:
            status = 200
        else:  # 200, the default, needs none of these checks
            if type(status) is not int:
                status = int(status)
            if not 200 <= status <= 599 and not (status == 101 and web_socket is not None):
                raise ValueError(STATUS_RANGE)
            if status in NULL_BODY_STATUSES and (
                self._content is not None or self._stream is not None
            ):
                raise TypeError(f"Response with null body status ({status}) cannot have a body.")
        self._status = status
        self._status_text = text
        self._web_socket = web_socket
        self._url = ""
        self._redirected = False
        self._type = "default"
        self._used = False
        # Headers are only built when someone looks: a plain Response("Hello") never needs them.
        self._default_type = default_type
        if headers is None:
            self._headers: Headers | None = None
        else:
            self._headers = Headers(headers)
            if default_type is not None and "content-type" not in self._headers:
                self._headers.append("content-type", default_type)

    # -- constructors -------------------------------------------------------------------

    json = _JsonAttribute()

    @classmethod
    def from_json(
        cls,
        data: Any,
        init: dict[str, Any] | int | None = None,
        *,
        status: int | None = None,
        headers: "HeadersInit" = None,
        **options: "Unpack[ResponseOptions]",
    ) -> "Response":
        if headers is None and isinstance(init, dict):
            headers = init.get("headers")
        headers = Headers(headers)
        if "content-type" not in headers:
            headers.set("content-type", "application/json")
        return cls(_json.dumps(data), init, status=status, headers=headers, **options)

    @classmethod
    def redirect(cls, url: str, status: int = 302) -> "Response":
        status = int(status)
        if status not in REDIRECT_STATUSES:
            raise ValueError(f"Invalid redirect status {status}: use 301, 302, 303, 307 or 308.")
        response = cls(None, status=status, headers={"location": normalize_url(str(url))})
        response.headers._immutable = True
        return response

    @classmethod
    def error(cls) -> "Response":
        """A network error: status 0, type "error", immutable headers."""
        response = cls()
        response._status = 0
        response._status_text = ""
        response._type = "error"
        response.headers._immutable = True
        return response

    # -- properties ---------------------------------------------------------------------

    @property
    def status(self) -> int:
        return self._status

    @property
    def statusText(self) -> str:  # noqa: N802
        text = self._status_text
        if text is None:
            text = self._status_text = _PHRASES.get(self._status, "")
        return text

    status_text = statusText

    @property
    def ok(self) -> bool:
        return 200 <= self._status <= 299

    @property
    def headers(self) -> Headers:
        headers = self._headers
        if headers is None:
            headers = self._headers = Headers()
            if self._default_type is not None:
                headers._map["content-type"] = [self._default_type]
        return headers

    @property
    def redirected(self) -> bool:
        return self._redirected

    @property
    def url(self) -> str:
        return self._url

    @property
    def type(self) -> str:
        return self._type

    @property
    def webSocket(self) -> Any:  # noqa: N802
        return self._web_socket

    web_socket = webSocket

    @property
    def js_object(self) -> "Response":
        return self

    def _raw_headers(self) -> list[tuple[bytes, bytes]]:
        """Header lines as lower-case bytes, without building a Headers nobody asked for."""
        if self._headers is not None:
            return self._headers.raw
        default_type = self._default_type
        if default_type is not None:
            encoded = _ENCODED_TYPES.get(default_type)
            if encoded is None:
                encoded = _ENCODED_TYPES[default_type] = default_type.encode("latin-1")
            return [(b"content-type", encoded)]
        return []

    # -- copies -------------------------------------------------------------------------

    def clone(self) -> "Response":
        if self.body_used:
            raise TypeError(BODY_USED)
        response = Response.__new__(Response)
        for name in _COPIED_ON_CLONE:
            setattr(response, name, getattr(self, name))
        if self._headers is None:
            response._headers = None
        else:
            response._headers = Headers(self._headers)
            response._headers._immutable = self._headers._immutable
        response._content, response._stream = self._tee_body()
        response._used = False
        return response

    def replace_body(self, body: "BodyInit") -> "Response":
        """A new Response with this one's status and headers around another body."""
        return Response(
            body,
            status=self._status,
            statusText=self.statusText,
            headers=self.headers,
            web_socket=self._web_socket,
        )

    def __repr__(self) -> str:
        return f"Response(status={self._status}, url={self._url!r})"
