"""Route patterns: `[scheme://]host[/path]`, Cloudflare's syntax and matching rules.

Syntax (everything else is a `RoutePatternError` that says why):

* an optional scheme, `http://` or `https://` (any case); without one the pattern matches both;
* a host, optionally starting with `*` — the host *and* all its subdomains (`*example.com`) — or
  with `*.` — only the subdomains (`*.example.com`). `*` alone is the catch-all host
  (Cloudflare's `*/*`, used by "Cloudflare for SaaS"); who may create it is the control plane's
  business. The host is case-insensitive and stored in IDNA form (`bücher.example` →
  `xn--bcher-kva.example`). Ports are rejected: a route matches its host on every port the edge
  listens on;
* an optional path, case-sensitive, optionally ending with `*` (`/path*` matches `/path`,
  `/path2`, `/path/readme.txt`). No path means exactly `/`.
* `*` nowhere else (`example.com/*.jpg` is invalid); no query (`?`) and no fragment (`#`).

Matching takes the request's path *and query* (`/a?x=1`): a pattern without a trailing `*` only
matches the URL whose path and query are exactly its path, so `example.com/a` does not match
`/a?x=1`. Non-ASCII characters in a pattern's path are stored percent-encoded (UTF-8, upper-case
hex), which is how they arrive in a request's raw path.

One deliberate difference from a literal reading of "`*` matches any characters": the host
wildcard stops at a label boundary, so `*example.com` matches `example.com` and
`www.example.com` but not `myexample.com`. On Cloudflare a zone makes the difference moot; on a
shared Hearth it stops one account's pattern from covering another account's domain, and it lets
the routing table index wildcards by domain suffix.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal, NoReturn
from urllib.parse import quote

from ._hosts import canonical_hostname

__all__ = ["HostWildcard", "RoutePattern", "RoutePatternError", "parse_route_pattern"]

HostWildcard = Literal["", "*", "*."]

_WILDCARD_RULE = "'*' may only appear at the start of the host or the end of the path"
# Every printable ASCII character stays as written; only non-ASCII gets percent-encoded.
_PATH_SAFE = "".join(chr(c) for c in range(0x21, 0x7F))
_ESCAPE = re.compile(r"%[0-9a-fA-F]{2}")


class RoutePatternError(ValueError):
    """An invalid route pattern; the message names the pattern and the broken rule."""

    def __init__(self, pattern: str, reason: str) -> None:
        super().__init__(f"route pattern {pattern!r}: {reason}")
        self.pattern = pattern
        self.reason = reason


@dataclass(frozen=True, slots=True)
class RoutePattern:
    """A parsed route pattern. Two patterns are equal when they match the same URLs."""

    scheme: Literal["http", "https"] | None
    host: str  # canonical host without the wildcard; "" for the catch-all host "*"
    host_wildcard: HostWildcard
    path: str  # literal path, without the trailing '*'
    path_prefix: bool  # True when the pattern's path ended with '*'
    pattern: str = field(default="", compare=False)  # as written by the user

    def __str__(self) -> str:
        scheme = f"{self.scheme}://" if self.scheme else ""
        star = "*" if self.path_prefix else ""
        return f"{scheme}{self.host_wildcard}{self.host}{self.path}{star}"

    @property
    def specificity(self) -> tuple[bool, int, bool, int, bool, bool]:
        """Sort key: of two patterns that match one URL, the one with the larger key wins.

        In order: exact host beats any wildcard host; a wildcard over more labels beats one over
        fewer (`*.a.example.com` beats `*.example.com`); `*.x` beats `*x`; a longer literal path
        beats a shorter one; an exact path beats a prefix of the same length; a pattern naming
        the scheme beats one that does not. (Patterns with equal keys are duplicates; the
        routing table then prefers the smaller route id.)
        """
        labels = self.host.count(".") + 1 if self.host else 0
        return (
            self.host_wildcard == "",
            labels,
            self.host_wildcard == "*.",
            len(self.path),
            not self.path_prefix,
            self.scheme is not None,
        )

    def matches_host(self, host: str) -> bool:
        """Whether a canonical host (see `request_host`) is covered by this pattern's host."""
        if self.host_wildcard == "":
            return host == self.host
        if not self.host:
            return True  # the catch-all "*"
        if self.host_wildcard == "*" and host == self.host:
            return True
        return host.endswith(self.host) and host[-len(self.host) - 1 : -len(self.host)] == "."

    def matches(self, scheme: str, host: str, path_and_query: str) -> bool:
        """Whether this pattern matches a request (canonical host, raw path and query).

        The routing table does not call this (it indexes instead); it states the rule plainly
        and serves as the reference the table is tested against.
        """
        if self.scheme is not None and self.scheme != scheme:
            return False
        if not self.matches_host(host):
            return False
        if self.path_prefix:
            return path_and_query.startswith(self.path)
        return path_and_query == self.path


def parse_route_pattern(pattern: str) -> RoutePattern:
    """Parse and validate `pattern`; raise `RoutePatternError` saying which rule it breaks."""

    def fail(reason: str) -> NoReturn:
        raise RoutePatternError(pattern, reason)

    if not isinstance(pattern, str):
        raise TypeError(f"a route pattern is a str, not {type(pattern).__name__}")
    if not pattern:
        fail("the pattern is empty")
    if any(c.isspace() or c < " " or c == "\x7f" for c in pattern):
        fail("whitespace and control characters are not allowed")
    if "?" in pattern:
        fail("a query string is not allowed (end the path with '*' to match URLs with a query)")
    if "#" in pattern:
        fail("a fragment ('#') is not allowed")

    rest = pattern
    scheme: Literal["http", "https"] | None = None
    sep = rest.find("://")
    if sep >= 0 and "/" not in rest[:sep]:
        given = rest[:sep].lower()
        if given == "http":
            scheme = "http"
        elif given == "https":
            scheme = "https"
        else:
            fail(f"the scheme must be http:// or https://, not {rest[: sep + 3]!r}")
        rest = rest[sep + 3 :]

    slash = rest.find("/")
    host_part, path = (rest, "/") if slash < 0 else (rest[:slash], rest[slash:])
    host, wildcard = _parse_host(host_part, fail)

    if "*" in path[:-1]:
        fail(_WILDCARD_RULE)
    prefix = path.endswith("*")
    if prefix:
        path = path[:-1]
    return RoutePattern(scheme, host, wildcard, _encode_path(path), prefix, pattern)


def _parse_host(part: str, fail: Callable[[str], NoReturn]) -> tuple[str, HostWildcard]:
    if not part:
        fail("the host is missing")
    wildcard: HostWildcard
    if part.startswith("*."):
        wildcard, name = "*.", part[2:]
    elif part.startswith("*"):
        wildcard, name = "*", part[1:]
    else:
        wildcard, name = "", part
    if "*" in name:
        fail(_WILDCARD_RULE)
    if not name:
        if wildcard == "*":
            return "", wildcard  # the catch-all host
        fail("'*.' must be followed by a domain, e.g. '*.example.com'")
    if name.startswith("."):
        fail("the host has an empty label")
    if "@" in name:
        fail("userinfo ('user@') is not allowed in the host")
    if name.startswith("["):
        fail("IP-literal hosts are not supported in route patterns")
    if ":" in name:
        fail("a port is not allowed (a route matches its host on every port)")
    try:
        return canonical_hostname(name), wildcard
    except ValueError as exc:
        fail(str(exc))


def _encode_path(path: str) -> str:
    if not path.isascii():
        path = quote(path, safe=_PATH_SAFE)
    # Browsers send upper-case escapes; store the pattern the same way so `%c3` matches `%C3`.
    return _ESCAPE.sub(lambda m: m.group().upper(), path) if "%" in path else path
