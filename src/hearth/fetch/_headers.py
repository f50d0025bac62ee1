"""Headers: the Fetch standard's header list, with Python aliases.

Names are stored lower-cased with their values kept apart (a list per name), so that
`Set-Cookie` survives untouched while every other name is combined with ", " on read.
"""

import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any

__all__ = ["HTTP_TOKEN", "Headers", "HeadersInit"]

# RFC 9110 `token`: what a header name and a request method are made of.
HTTP_TOKEN = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")
# Fetch trims "HTTP whitespace" (not all of str.strip's whitespace) from values.
_HTTP_WHITESPACE = " \t\r\n"
_SET_COOKIE = "set-cookie"


def _name(name: str) -> str:
    if type(name) is not str or HTTP_TOKEN.fullmatch(name) is None:
        raise TypeError(f"Invalid header name: {name!r}")
    return name.lower()


def _value(value: Any) -> str:
    if type(value) is not str:
        value = str(value)
    value = value.strip(_HTTP_WHITESPACE)
    if "\r" in value or "\n" in value or "\0" in value:
        raise TypeError(f"Invalid header value: {value!r}")
    return value


def _encode(value: str) -> bytes:
    # workerd sends values outside Latin-1 as UTF-8 rather than refusing them.
    try:
        return value.encode("latin-1")
    except UnicodeEncodeError:
        return value.encode("utf-8")


class Headers:
    """Case-insensitive HTTP headers (`get` joins repeated values, `getSetCookie` does not)."""

    __slots__ = ("_map", "_immutable")

    def __init__(self, init: "HeadersInit" = None) -> None:
        self._map: dict[str, list[str]] = {}
        self._immutable = False
        if init is None:
            return
        if isinstance(init, Headers):
            self._map = {name: list(values) for name, values in init._map.items()}
            return
        pairs = init.items() if hasattr(init, "items") else init
        for pair in pairs:
            if isinstance(pair, str | bytes) or len(pair) != 2:
                raise TypeError("Each header must be a (name, value) pair.")
            self.append(pair[0], pair[1])

    @classmethod
    def _from_raw(cls, raw: Iterable[tuple[bytes, bytes]]) -> "Headers":
        """Decode an ASGI/HTTP header list, trusting the server that already parsed it."""
        headers = cls.__new__(cls)
        mapping: dict[str, list[str]] = {}
        for key, value in raw:
            name = key.decode("latin-1").lower()
            values = mapping.get(name)
            if values is None:
                mapping[name] = [value.decode("latin-1")]
            else:
                values.append(value.decode("latin-1"))
        headers._map = mapping
        headers._immutable = False
        return headers

    def _check_mutable(self) -> None:
        if self._immutable:
            raise TypeError("Can't modify immutable headers.")

    # -- the Fetch API ------------------------------------------------------------------

    def get(self, name: str, default: str | None = None) -> str | None:
        values = self._map.get(name.lower() if type(name) is str else name)
        if values is None:
            _name(name)
            return default
        return values[0] if len(values) == 1 else ", ".join(values)

    def set(self, name: str, value: Any) -> None:
        self._check_mutable()
        self._map[_name(name)] = [_value(value)]

    def append(self, name: str, value: Any) -> None:
        self._check_mutable()
        key = _name(name)
        value = _value(value)
        values = self._map.get(key)
        if values is None:
            self._map[key] = [value]
        else:
            values.append(value)

    def has(self, name: str) -> bool:
        return _name(name) in self._map

    def delete(self, name: str) -> None:
        self._check_mutable()
        self._map.pop(_name(name), None)

    def getSetCookie(self) -> list[str]:  # noqa: N802 - the Fetch API's name
        return list(self._map.get(_SET_COOKIE, ()))

    def entries(self) -> list[tuple[str, str]]:
        """Fetch's "sort and combine": by name, repeated values joined, cookies kept apart.

        Like http.client.HTTPMessage, this and keys()/values()/items() return lists.
        """
        entries = []
        mapping = self._map
        for name in sorted(mapping):
            values = mapping[name]
            if name == _SET_COOKIE:
                entries += [(name, value) for value in values]
            else:
                entries.append((name, values[0] if len(values) == 1 else ", ".join(values)))
        return entries

    def keys(self) -> list[str]:
        return [name for name, _ in self.entries()]

    def values(self) -> list[str]:
        return [value for _, value in self.entries()]

    def forEach(self, callback: Callable[[str, str, "Headers"], Any]) -> None:  # noqa: N802
        for name, value in self.entries():
            callback(value, name, self)

    # -- Python aliases (http.client.HTTPMessage / dict flavour) -------------------------

    def get_all(self, name: str) -> list[str]:
        return list(self._map.get(_name(name), ()))

    items = entries

    def __getitem__(self, name: str) -> str | None:
        # Like HTTPMessage, a missing header reads as None rather than raising KeyError.
        return self.get(name)

    def __setitem__(self, name: str, value: Any) -> None:
        self.set(name, value)

    def __delitem__(self, name: str) -> None:
        self.delete(name)

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and name.lower() in self._map

    def __iter__(self) -> Iterator[str]:
        return iter(self.keys())

    def __len__(self) -> int:
        cookies = self._map.get(_SET_COOKIE)
        return len(self._map) + (len(cookies) - 1 if cookies else 0)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Headers):
            return self._map == other._map
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]  # mutable

    def __repr__(self) -> str:
        return f"Headers({self.items()!r})"

    # -- wire format ---------------------------------------------------------------------

    @property
    def raw(self) -> list[tuple[bytes, bytes]]:
        """Every header line as lower-case `(name, value)` bytes, ready for ASGI or httpx."""
        return [
            (name.encode("latin-1"), _encode(value))
            for name, values in self._map.items()
            for value in values
        ]


HeadersInit = Headers | Mapping[str, Any] | Iterable[tuple[str, Any]] | None
