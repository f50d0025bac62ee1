"""Request: the Fetch standard's Request as Workers have it, with Python keyword arguments."""

from typing import TYPE_CHECKING, Any

from ._body import BODY_USED, Body, extract_body
from ._headers import HTTP_TOKEN, Headers
from ._url import URL, normalize_url

if TYPE_CHECKING:
    from ._body import BodyInit
    from ._headers import HeadersInit

__all__ = ["Request"]

_UNSET: Any = object()  # tells "not given" apart from an explicit None body
_NORMALISED_METHODS = {m: m for m in ("DELETE", "GET", "HEAD", "OPTIONS", "POST", "PUT")}
_FORBIDDEN_METHODS = frozenset({"CONNECT", "TRACE", "TRACK"})
_REDIRECT_MODES = frozenset({"follow", "manual", "error"})
_NO_BODY_METHODS = frozenset({"GET", "HEAD"})


def _method(method: Any) -> str:
    if not isinstance(method, str):
        raise TypeError(f"Invalid HTTP method: {method!r}")
    upper = method.upper()
    normalised = _NORMALISED_METHODS.get(upper)
    if normalised is not None:
        return normalised
    if upper in _FORBIDDEN_METHODS:
        raise TypeError(f"'{method}' HTTP method is unsupported.")
    if HTTP_TOKEN.fullmatch(method) is None:
        raise TypeError(f"Invalid HTTP method: {method!r}")
    return str(method)


class Request(Body):
    """An HTTP request: `Request(url_or_request, init=None, *, method=, headers=, body=, ...)`.

    `init` is the JavaScript-style options dict; keyword arguments override it.
    """

    __slots__ = ("_url", "_method", "_headers", "_redirect", "_cf")
    _url: str
    _method: str
    _headers: Headers
    _redirect: str
    _cf: dict[str, Any] | None

    def __init__(
        self,
        input: "str | URL | Request",
        init: dict[str, Any] | None = None,
        *,
        method: str | None = None,
        headers: "HeadersInit" = None,
        body: "BodyInit" = _UNSET,
        redirect: str | None = None,
        cf: dict[str, Any] | None = _UNSET,
    ) -> None:
        options = dict(init) if init else {}
        if method is not None:
            options["method"] = method
        if headers is not None:
            options["headers"] = headers
        if body is not _UNSET:
            options["body"] = body
        if redirect is not None:
            options["redirect"] = redirect
        if cf is not _UNSET:
            options["cf"] = cf

        source = input if isinstance(input, Request) else None
        if source is not None:
            self._url = source.url
        else:
            self._url = normalize_url(input if type(input) is str else str(input))
        self._method = (
            _method(options["method"])
            if "method" in options
            else (source._method if source is not None else "GET")
        )
        mode = options.get("redirect", source._redirect if source is not None else "follow")
        if mode not in _REDIRECT_MODES:
            raise TypeError(f"Invalid redirect mode {mode!r}: use 'follow', 'manual' or 'error'.")
        self._redirect = mode
        self._cf = options.get("cf", source._cf if source is not None else None)
        if "headers" in options:
            self._headers = Headers(options["headers"])
        else:
            self._headers = Headers(source.headers if source is not None else None)

        self._used = False
        content_type = None
        moved_from = None
        if options.get("body") is not None:
            self._content, self._stream, content_type = extract_body(options["body"])
        elif "body" not in options and source is not None and source._has_body():
            self._content, self._stream = source._content, source._stream
            moved_from = source
        else:
            self._content = self._stream = None
        if self._method in _NO_BODY_METHODS and (
            self._content is not None or self._stream is not None
        ):
            raise TypeError("Request with a GET or HEAD method cannot have a body.")
        if moved_from is not None:
            moved_from._take_body()  # the body moves: the source request is used up
        if content_type is not None and "content-type" not in self._headers:
            self._headers.append("content-type", content_type)

    @property
    def url(self) -> str:
        return self._url

    @property
    def method(self) -> str:
        return self._method

    @property
    def headers(self) -> Headers:
        return self._headers

    @property
    def redirect(self) -> str:
        return self._redirect

    @property
    def cf(self) -> dict[str, Any] | None:
        return self._cf

    @property
    def js_object(self) -> "Request":
        # Cloudflare code hands `request.js_object` to helpers such as asgi.fetch.
        return self

    def clone(self) -> "Request":
        if self.body_used:
            raise TypeError(BODY_USED)
        request = Request.__new__(Request)
        request._url = self.url
        request._method = self._method
        request._headers = Headers(self.headers)
        request._redirect = self._redirect
        request._cf = self._cf
        request._content, request._stream = self._tee_body()
        request._used = False
        return request

    def __repr__(self) -> str:
        return f"Request(method={self._method!r}, url={self.url!r})"
