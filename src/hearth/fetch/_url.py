"""WHATWG URLs: a thin `URL` over ada, `URLSearchParams`, and the normaliser Request uses."""

import re
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

import ada_url

__all__ = ["URL", "URLSearchParams", "normalize_url"]

# ada is exact but costs ~5 µs per call through cffi. URLs that are already in WHATWG
# normal form (lower-case http(s) scheme and host, no default port, no dot segments, no
# characters that would be percent-encoded) are common and are returned as they are.
_ALREADY_NORMAL = re.compile(
    r"https?://"
    r"(?P<host>[a-z0-9-]+(?:\.[a-z0-9-]+)*)(?::(?P<port>[1-9][0-9]{0,4}))?"
    r"(?P<path>/[A-Za-z0-9\-._~!$&'()*+,;=:@%/]*)?"
    r"(?:\?[A-Za-z0-9\-._~!$&()*+,;=:@%/?]*)?"
    r"(?:#[A-Za-z0-9\-._~!$&'()*+,;=:@%/?]*)?"
)
_DEFAULT_PORTS = {"80", "443"}
# An IPv4 address already in its canonical form (`hearth dev` is reached at 127.0.0.1):
# four decimal parts 0-255 without leading zeros. Anything else ending in a digit
# ("127.1", "0x7f.0.0.1", "010.0.0.1") is a number to parse, so ada decides.
_OCTET = r"(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])"
_CANONICAL_IPV4 = re.compile(rf"{_OCTET}\.{_OCTET}\.{_OCTET}\.{_OCTET}")


def _is_normal(match: re.Match[str]) -> bool:
    host = match["host"]
    if "xn--" in host:
        return False  # punycode to validate
    if host[host.rfind(".") + 1].isdigit() and _CANONICAL_IPV4.fullmatch(host) is None:
        return False  # an IPv4 address to canonicalise
    if match["port"] is not None and (
        match["port"] in _DEFAULT_PORTS or int(match["port"]) > 65535
    ):
        return False
    path = match["path"]
    # "%2e" is a dot to ada, so any "%2" takes the exact path too.
    return path is None or ("/." not in path and "%2" not in path)


# normalize_url is a pure function and a server sees the same few URLs again and again:
# remembered (bounded; short URLs only), a repeated one costs a dict lookup, not a parse.
_NORMALISED: dict[str, str] = {}
_NORMALISED_SIZE = 2048
_NORMALISED_MAX_LENGTH = 1024


def normalize_url(url: str) -> str:
    """The serialised WHATWG form of an absolute `url`; `TypeError` when it is not valid."""
    if type(url) is not str:
        return _normalize(url)
    normal = _NORMALISED.get(url)
    if normal is None:
        normal = _normalize(url)
        if len(url) <= _NORMALISED_MAX_LENGTH:
            if len(_NORMALISED) >= _NORMALISED_SIZE:
                _NORMALISED.clear()
            _NORMALISED[url] = normal
    return normal


def _normalize(url: str) -> str:
    if type(url) is str:
        match = _ALREADY_NORMAL.fullmatch(url)
        if match is not None and _is_normal(match):
            if match["path"] is None:  # "https://a.com?q" serialises as "https://a.com/?q"
                cut = match.end("port") if match["port"] else match.end("host")
                return f"{url[:cut]}/{url[cut:]}"
            return url
    return URL(url).href


class URLSearchParams:
    """WHATWG URLSearchParams: ada's own, under the JavaScript names a worker calls, kept in
    step with the URL it came from (`url.searchParams.set(…)` changes `url.search`)."""

    __slots__ = ("_ada", "_url")

    def __init__(
        self,
        init: "str | URLSearchParams | Mapping[str, Any] | Iterable[tuple[str, Any]] | None" = None,
    ) -> None:
        self._url: URL | None = None
        if init is None or isinstance(init, str | URLSearchParams):
            self._ada = ada_url.URLSearchParams(str(init or "").removeprefix("?"))
        else:
            self._ada = ada_url.URLSearchParams("")
            for name, value in init.items() if hasattr(init, "items") else init:
                self._ada.append(str(name), str(value))

    def _update(self) -> None:
        if self._url is not None:
            self._url._ada.search = str(self)

    def append(self, name: str, value: Any) -> None:
        self._ada.append(name, str(value))
        self._update()

    def delete(self, name: str, value: Any = None) -> None:
        if value is None:
            self._ada.delete(name)
        else:
            self._ada.delete(name, str(value))
        self._update()

    def get(self, name: str) -> str | None:
        return self._ada.get(name) if self._ada.has(name) else None  # ada answers "" for none

    def getAll(self, name: str) -> list[str]:  # noqa: N802 - the WHATWG name
        return list(self._ada.get_all(name))

    get_all = getAll

    def has(self, name: str, value: Any = None) -> bool:
        return self._ada.has(name) if value is None else self._ada.has(name, str(value))

    def set(self, name: str, value: Any) -> None:
        self._ada.set(name, str(value))
        self._update()

    def sort(self) -> None:
        self._ada.sort()
        self._update()

    def entries(self) -> Iterator[tuple[str, str]]:
        return iter(list(self._ada.items()))

    def keys(self) -> Iterator[str]:
        return (n for n, _ in self.entries())

    def values(self) -> Iterator[str]:
        return (v for _, v in self.entries())

    items = entries
    __iter__ = entries

    @property
    def size(self) -> int:
        return self._ada.size

    def __len__(self) -> int:
        return self._ada.size

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and self._ada.has(name)

    def toString(self) -> str:  # noqa: N802
        return str(self._ada)

    __str__ = toString

    def __repr__(self) -> str:
        return f"URLSearchParams({list(self._ada.items())!r})"


def _component(name: str, doc: str) -> property:
    def get(self: "URL") -> str:
        return getattr(self._ada, name)

    def set_(self: "URL", value: str) -> None:
        setattr(self._ada, name, value)
        self._params = None  # the query may have changed under a cached searchParams

    return property(get, set_, doc=doc)


class URL:
    """A WHATWG URL (`URL(url, base=None)`); raises `TypeError` when it cannot be parsed."""

    __slots__ = ("_ada", "_params")

    def __init__(self, url: "str | URL", base: "str | URL | None" = None) -> None:
        try:
            if base is None:
                self._ada = ada_url.URL(str(url))
            else:
                self._ada = ada_url.URL(str(url), str(base))
        except ValueError:
            shown = url if base is None else f"{url} (base {base})"
            raise TypeError(f"Invalid URL: {shown!r}") from None
        self._params: URLSearchParams | None = None

    @staticmethod
    def canParse(url: str, base: str | None = None) -> bool:  # noqa: N802
        return ada_url.check_url(url) if base is None else ada_url.URL.can_parse(url, base)

    href = _component("href", "The whole serialised URL.")
    protocol = _component("protocol", 'The scheme with its colon, e.g. "https:".')
    username = _component("username", "The username, or an empty string.")
    password = _component("password", "The password, or an empty string.")
    host = _component("host", 'Hostname and port, e.g. "example.com:8080".')
    hostname = _component("hostname", "The host without its port.")
    port = _component("port", "The port, or an empty string for the scheme's default.")
    pathname = _component("pathname", 'The path, e.g. "/a/b".')
    search = _component("search", 'The query with its "?", or an empty string.')
    hash = _component("hash", 'The fragment with its "#", or an empty string.')

    @property
    def origin(self) -> str:
        return self._ada.origin

    @property
    def searchParams(self) -> URLSearchParams:  # noqa: N802
        params = self._params
        if params is None:
            params = self._params = URLSearchParams(self._ada.search)
            params._url = self
        return params

    search_params = searchParams

    def toString(self) -> str:  # noqa: N802
        return self._ada.href

    toJSON = toString  # noqa: N815
    __str__ = toString

    def __repr__(self) -> str:
        return f"URL({self._ada.href!r})"

    def __eq__(self, other: object) -> bool:
        if isinstance(other, URL):
            return self.href == other.href
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self.href)
