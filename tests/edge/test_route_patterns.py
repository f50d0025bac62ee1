"""Route patterns, by example.

Each case is a set of routes, a URL, and the route that serves it. Most come straight from
Cloudflare's routes documentation (routes.mdx, "Matching behavior" and "Validity") and its
known-issues page; the rest pin down what Hearth decided where the docs are silent.

A route written as `hole("…")` has no worker: it carves a hole in less specific routes.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from hearth.edge._routing import RoutingTable
from hearth.patterns import RoutePattern, RoutePatternError, parse_route_pattern, request_host


class hole(str):  # lower-case: reads as a marker in the tables below
    """A route pattern bound to no worker."""


def resolve(routes: list[str], url: str) -> str | None:
    """The pattern (its text is its route id) that serves `url`, checked against the rule."""
    table = RoutingTable()
    for pattern in routes:
        table.add_route(pattern, pattern, None if isinstance(pattern, hole) else pattern)
    scheme, host, path_and_query = split(url)
    match = table.lookup(scheme, host, path_and_query)
    winner = None if match is None else match.route_id
    assert winner == brute_force(routes, scheme, host, path_and_query)
    if match is not None:
        assert match.via == "route"
        assert match.target == (None if isinstance(winner, hole) else winner)
    return winner


def brute_force(routes: list[str], scheme: str, host: str, path_and_query: str) -> str | None:
    """The rule stated plainly: of the matching patterns, the most specific one."""
    name = request_host(host)
    matching = [r for r in routes if parse_route_pattern(r).matches(scheme, name, path_and_query)]
    return max(matching, key=lambda r: parse_route_pattern(r).specificity, default=None)


def split(url: str) -> tuple[str, str, str]:
    parts = urlsplit(url)
    path_and_query = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return parts.scheme, parts.netloc, path_and_query


CASES = [
    # -- Cloudflare docs, "Matching behavior" -------------------------------------------------
    (["https://*.example.com/images/*"], "https://www.example.com/images/cat.png", 0),
    (["https://*.example.com/images/*"], "http://www.example.com/images/cat.png", None),
    (["https://*.example.com/images/*"], "https://example.com/images/cat.png", None),
    (["https://*.example.com/images/*"], "https://www.example.com/img/cat.png", None),
    (["*example.com/*"], "https://example.com/", 0),
    (["*example.com/*"], "http://deep.sub.example.com/any/path?q=1", 0),
    (["www.example.com/*", "*.example.com/*"], "https://www.example.com/", 0),
    (["www.example.com/*", "*.example.com/*"], "https://api.example.com/", 1),
    (["example.com/hello/*", "example.com/*"], "https://example.com/hello/world", 0),
    (["example.com/hello/*", "example.com/*"], "https://example.com/goodbye", 1),
    # Query strings: only a trailing '*' matches them.
    (["*example.com/images/cat.png"], "https://example.com/images/cat.png", 0),
    (["*example.com/images/cat.png"], "https://example.com/images/cat.png?foo=bar", None),
    (["*example.com/images/*"], "https://example.com/images/cat.png?foo=bar", 0),
    # Paths are case-sensitive: two distinct routes.
    (["example.com/Images/*", "example.com/images/*"], "https://example.com/Images/a.png", 0),
    (["example.com/Images/*", "example.com/images/*"], "https://example.com/images/a.png", 1),
    (["example.com/images/*"], "https://example.com/IMAGES/a.png", None),
    # A route without a worker negates less specific ones.
    (
        [hole("*example.com/images/cat.png"), "*example.com/images/*"],
        "https://example.com/images/cat.png",
        0,
    ),
    (
        [hole("*example.com/images/cat.png"), "*example.com/images/*"],
        "https://example.com/images/cat.png?foo=bar",
        1,
    ),
    (
        [hole("*example.com/images/cat.png"), "*example.com/images/*"],
        "https://www.example.com/images/dog.png",
        1,
    ),
    # -- Cloudflare docs, "Validity" -----------------------------------------------------------
    # No path means exactly "/", on both schemes.
    (["example.com"], "http://example.com/", 0),
    (["example.com"], "https://example.com/", 0),
    (["example.com"], "https://example.com/index.html", None),
    (["example.com"], "https://example.com/?page=2", None),
    (["https://*.example.com/"], "https://www.example.com/", 0),
    (["https://*.example.com/"], "http://www.example.com/", None),
    (["*.example.com/"], "https://www.example.com/", 0),
    (["*.example.com/"], "http://www.example.com/", 0),
    (["*example.com/"], "https://example.com/", 0),
    (["*example.com/"], "https://www.example.com/", 0),
    (["*.example.com/"], "https://example.com/", None),
    (["https://example.com/path*"], "https://example.com/path", 0),
    (["https://example.com/path*"], "https://example.com/path2", 0),
    (["https://example.com/path*"], "https://example.com/path/readme.txt", 0),
    (["https://example.com/path*"], "https://example.com/pat", None),
    # -- Cloudflare known issues page ----------------------------------------------------------
    # The host decides before the path: an exact host beats a wildcard host with a better path.
    (["*.example.com/a", "a.example.com/*"], "https://a.example.com/a", 1),
    # Cloudflare lists "/images/hello -> example.com/images*" as a bug; Hearth does what the rule
    # says: the longer literal path wins.
    (["example.com/images/*", "example.com/images*"], "https://example.com/images", 1),
    (["example.com/images/*", "example.com/images*"], "https://example.com/images123", 1),
    (["example.com/images/*", "example.com/images*"], "https://example.com/images/hello", 0),
    # -- Specificity where the docs are silent -------------------------------------------------
    (["*.example.com/*", "*.a.example.com/*"], "https://x.a.example.com/", 1),
    (["*.example.com/*", "*.a.example.com/*"], "https://x.b.example.com/", 0),
    (["*a.example.com/*", "*.example.com/*"], "https://a.example.com/", 0),
    (["*example.com/*", "*.example.com/*"], "https://www.example.com/", 1),
    (["*example.com/*", "*.example.com/*"], "https://example.com/", 0),
    (["example.com/a", "example.com/a*"], "https://example.com/a", 0),
    (["example.com/a", "example.com/a*"], "https://example.com/a?x=1", 1),
    (["example.com/*", "https://example.com/*"], "https://example.com/", 1),
    (["example.com/*", "https://example.com/*"], "http://example.com/", 0),
    (["*/*", "example.com/*"], "https://other.test/x", 0),
    (["*/*", "example.com/*"], "https://example.com/x", 1),
    ([hole("www.example.com/*"), "*example.com/*"], "https://www.example.com/", 0),
    ([hole("www.example.com/*"), "*example.com/*"], "https://example.com/", 1),
    # The host wildcard stops at a label: another domain ending in the same letters is not covered.
    (["*example.com/*"], "https://myexample.com/", None),
    # -- Host spelling: case, IDNA, port, trailing dot -----------------------------------------
    (["Example.COM/*"], "https://EXAMPLE.com/", 0),
    (["bücher.example/*"], "https://xn--bcher-kva.example/x", 0),
    (["bücher.example/*"], "https://BÜCHER.example/x", 0),
    (["*.xn--bcher-kva.example/*"], "https://shop.bücher.example/", 0),
    (["example.com/*"], "https://example.com:8787/", 0),
    (["example.com/*"], "https://example.com./", 0),
    # Non-ASCII in a pattern's path matches its percent-encoded form in the request.
    (["example.com/café/*"], "https://example.com/caf%C3%A9/menu", 0),
]


@pytest.mark.parametrize(
    ("routes", "url", "winner"), CASES, ids=[f"{c[1]} <- {c[0]}" for c in CASES]
)
def test_most_specific_route_wins(routes: list[str], url: str, winner: int | None) -> None:
    assert resolve(routes, url) == (None if winner is None else routes[winner])


INVALID = [
    ("", "the pattern is empty"),
    ("example.com/*.jpg", "'*' may only appear at the start of the host or the end of the path"),
    ("example.com/*/images", "'*' may only appear at the start of the host or the end of the path"),
    ("www.*.example.com/*", "'*' may only appear at the start of the host or the end of the path"),
    ("example.*/*", "'*' may only appear at the start of the host or the end of the path"),
    ("example.com*", "'*' may only appear at the start of the host or the end of the path"),
    ("**example.com/*", "'*' may only appear at the start of the host or the end of the path"),
    ("*.*.example.com/*", "'*' may only appear at the start of the host or the end of the path"),
    ("example.com/?foo=*", "a query string is not allowed"),
    ("https://example.com/?anything", "a query string is not allowed"),
    ("example.com/#top", "a fragment ('#') is not allowed"),
    ("ftp://example.com/*", "the scheme must be http:// or https://, not 'ftp://'"),
    ("://example.com/*", "the scheme must be http:// or https://"),
    ("/images/*", "the host is missing"),
    ("https:///images/*", "the host is missing"),
    ("example.com:8080/*", "a port is not allowed"),
    ("user@example.com/*", "userinfo ('user@') is not allowed"),
    ("[::1]/*", "IP-literal hosts are not supported"),
    ("exa mple.com/*", "whitespace and control characters are not allowed"),
    (" example.com/*", "whitespace and control characters are not allowed"),
    ("exa!mple.com/*", "the host contains the invalid character '!'"),
    ("-example.com/*", "the host label '-example' starts or ends with '-'"),
    ("example..com/*", "the host has an empty label"),
    ("*..example.com/*", "the host has an empty label"),
    ("*./*", "'*.' must be followed by a domain"),
    ("a" * 64 + ".com/*", "is longer than 63 characters"),
    (("a" * 60 + ".") * 5 + "com/*", "the host is longer than 253 characters"),
    ("xn--zz.com/*", "the host label 'xn--zz' is not valid punycode"),
    ("☃.net/*", "is not a valid internationalised domain name"),
]


@pytest.mark.parametrize(("pattern", "reason"), INVALID, ids=[p or "<empty>" for p, _ in INVALID])
def test_invalid_patterns_say_why(pattern: str, reason: str) -> None:
    with pytest.raises(RoutePatternError) as info:
        parse_route_pattern(pattern)
    assert reason in str(info.value)
    assert str(info.value).startswith(f"route pattern {pattern!r}: ")
    assert info.value.pattern == pattern


def test_error_message_reads_as_a_sentence() -> None:
    with pytest.raises(ValueError, match=r"^route pattern 'example.com/\*.jpg': '\*' may only"):
        parse_route_pattern("example.com/*.jpg")
    assert issubclass(RoutePatternError, ValueError)


@pytest.mark.parametrize(
    ("pattern", "canonical"),
    [
        ("example.com", "example.com/"),
        ("HTTPS://WWW.Example.com/Path*", "https://www.example.com/Path*"),
        ("*Bücher.example/*", "*xn--bcher-kva.example/*"),
        ("*.example.com.", "*.example.com/"),
        ("*/*", "*/*"),
        ("example.com/caf%c3%a9", "example.com/caf%C3%A9"),
    ],
)
def test_patterns_have_one_canonical_spelling(pattern: str, canonical: str) -> None:
    parsed = parse_route_pattern(pattern)
    assert str(parsed) == canonical
    assert parsed == parse_route_pattern(canonical)  # equal patterns match the same URLs
    assert parsed.pattern == pattern  # what the user wrote is kept for messages


def test_parsed_fields() -> None:
    assert parse_route_pattern("https://*.example.com/images/*") == RoutePattern(
        scheme="https", host="example.com", host_wildcard="*.", path="/images/", path_prefix=True
    )
    assert parse_route_pattern("example.com") == RoutePattern(
        scheme=None, host="example.com", host_wildcard="", path="/", path_prefix=False
    )
