"""The routing table: hostnames, routes, holes, and changes applied one at a time."""

from __future__ import annotations

import random

import pytest

from hearth.edge._routing import Match, RoutingTable
from hearth.patterns import RoutePatternError, parse_route_pattern, request_host

# -- hostnames -------------------------------------------------------------------------------


def test_a_generated_hostname_serves_every_path() -> None:
    table = RoutingTable()
    assert table.set_hostname("api.acme.hearth.test", "api/production") == "api.acme.hearth.test"
    for path in ("/", "/anything", "/a?b=c"):
        assert table.lookup("https", "api.acme.hearth.test", path) == Match(
            "api/production", "hostname"
        )
    assert table.lookup("https", "other.acme.hearth.test", "/") is None


def test_the_host_is_matched_whatever_its_case_port_or_trailing_dot() -> None:
    table = RoutingTable()
    table.set_hostname("Staging.API.acme.hearth.test", "api/staging")
    for host in (
        "staging.api.acme.hearth.test",
        "STAGING.api.acme.hearth.test:8787",
        "staging.api.acme.hearth.test.",
    ):
        assert table.lookup("http", host, "/").target == "api/staging"


def test_hostnames_are_stored_in_idna_form() -> None:
    table = RoutingTable()
    assert (
        table.set_hostname("bücher.example", "shop", custom_domain=True) == "xn--bcher-kva.example"
    )
    assert table.lookup("https", "xn--bcher-kva.example", "/").target == "shop"
    assert table.lookup("https", "BÜCHER.example:443", "/").target == "shop"


def test_setting_a_hostname_again_replaces_it_and_removing_it_twice_is_harmless() -> None:
    table = RoutingTable()
    table.set_hostname("v3.production.api.acme.hearth.test", "api/production@3")
    table.set_hostname("v3.production.api.acme.hearth.test", "api/production@3b")
    assert (
        table.lookup("https", "v3.production.api.acme.hearth.test", "/").target
        == "api/production@3b"
    )
    assert table.hostname_count == 1
    assert table.remove_hostname("V3.production.api.acme.hearth.test") is True
    assert table.remove_hostname("v3.production.api.acme.hearth.test") is False
    assert table.remove_hostname("not a host") is False
    assert table.lookup("https", "v3.production.api.acme.hearth.test", "/") is None
    assert table.hostname_count == 0


@pytest.mark.parametrize("host", ["", "[::1]:8787", "☃.example", "x" * 300, ":8787", "."])
def test_hosts_that_name_nothing_match_nothing(host: str) -> None:
    table = RoutingTable()
    table.add_route("all", "*/*", "fallback")
    table.set_hostname("example.com", "site")
    match = table.lookup("https", host, "/")
    assert match is None or match.route_id == "all"  # at most the catch-all, never an error


@pytest.mark.parametrize("host", ["", "*.example.com", "example.com:8080", "exa mple.com", "a..b"])
def test_invalid_hostnames_are_refused(host: str) -> None:
    with pytest.raises(ValueError):
        RoutingTable().set_hostname(host, "x")


# -- routes and hostnames together -----------------------------------------------------------


def test_a_route_never_captures_a_generated_hostname() -> None:
    table = RoutingTable()
    table.set_hostname("api.acme.hearth.test", "api/production")
    table.add_route("r1", "*hearth.test/*", "intruder")
    assert table.lookup("https", "api.acme.hearth.test", "/x") == Match(
        "api/production", "hostname"
    )
    assert table.lookup("https", "www.hearth.test", "/x") == Match("intruder", "route", "r1")


def test_a_route_takes_precedence_over_a_custom_domain_on_the_same_host() -> None:
    # Cloudflare's example: a logging worker routed in front of the app's custom domain.
    table = RoutingTable()
    table.set_hostname("app.example.com", "app", custom_domain=True)
    table.add_route("log", "app.example.com/api/*", "logger")
    assert table.lookup("https", "app.example.com", "/api/x") == Match("logger", "route", "log")
    assert table.lookup("https", "app.example.com", "/home") == Match("app", "hostname")


def test_a_hole_on_a_custom_domain_falls_through_to_the_custom_domain() -> None:
    # The hole bypasses routes; behind routes, the custom domain's worker is the origin.
    table = RoutingTable()
    table.set_hostname("app.example.com", "app", custom_domain=True)
    table.add_route("log", "app.example.com/*", "logger")
    table.add_route("hole", "app.example.com/health", None)
    assert table.lookup("https", "app.example.com", "/health") == Match("app", "hostname")
    assert table.lookup("https", "app.example.com", "/other").target == "logger"


def test_a_hole_without_an_origin_is_a_match_with_no_target() -> None:
    table = RoutingTable()
    table.add_route("all", "*example.com/*", "site")
    table.add_route("hole", "*example.com/static/*", None)
    assert table.lookup("https", "example.com", "/static/a.css") == Match(None, "route", "hole")
    assert table.lookup("https", "example.com", "/page").target == "site"


def test_a_hostname_can_change_kind() -> None:
    table = RoutingTable()
    table.add_route("r", "shop.example.com/*", "router")
    table.set_hostname("shop.example.com", "shop")
    assert table.lookup("https", "shop.example.com", "/").via == "hostname"
    table.set_hostname("shop.example.com", "shop", custom_domain=True)
    assert table.lookup("https", "shop.example.com", "/").via == "route"
    assert table.hostname_count == 1


def test_websocket_schemes_match_as_http_and_https() -> None:
    table = RoutingTable()
    table.add_route("secure", "https://example.com/ws*", "chat")
    assert table.lookup("wss", "example.com", "/ws").target == "chat"
    assert table.lookup("ws", "example.com", "/ws") is None


# -- incremental updates ---------------------------------------------------------------------


def test_routes_are_added_replaced_and_removed_one_at_a_time() -> None:
    table = RoutingTable()
    assert table.add_route("r1", "example.com/*", "a") == parse_route_pattern("example.com/*")
    table.add_route("r2", "example.com/api/*", "b")
    assert table.lookup("https", "example.com", "/api/x").target == "b"
    # Same id, new pattern and target: the route moves.
    table.add_route("r2", "*.example.com/api/*", "c")
    assert table.lookup("https", "example.com", "/api/x").target == "a"
    assert table.lookup("https", "www.example.com", "/api/x").target == "c"
    assert table.get_route("r2") == (parse_route_pattern("*.example.com/api/*"), "c")
    assert table.route_count == 2
    assert table.remove_route("r1") is True
    assert table.remove_route("r1") is False
    assert table.lookup("https", "example.com", "/api/x") is None
    assert table.get_route("r1") is None


def test_removing_the_last_route_of_a_host_leaves_nothing_behind() -> None:
    table = RoutingTable()
    for i, pattern in enumerate(["a.example.com/*", "*.example.com/*", "*example.com/x", "*/*"]):
        table.add_route(f"r{i}", pattern, i)
    table.set_hostname("example.com", "site", custom_domain=True)
    for i in range(4):
        table.remove_route(f"r{i}")
    table.remove_hostname("example.com")
    assert table._nodes == {} and table._catch_all is None and table._depths == frozenset()
    assert (table.route_count, table.hostname_count) == (0, 0)


def test_an_invalid_pattern_changes_nothing() -> None:
    table = RoutingTable()
    table.add_route("r1", "example.com/*", "a")
    with pytest.raises(RoutePatternError):
        table.add_route("r1", "example.com/*.jpg", "b")
    assert table.lookup("https", "example.com", "/x").target == "a"


def test_duplicate_patterns_resolve_the_same_way_in_any_order() -> None:
    # Every node must agree even if it received the change events in another order.
    for order in (["b", "a"], ["a", "b"]):
        table = RoutingTable()
        for route_id in order:
            table.add_route(route_id, "example.com/*", route_id.upper())
        assert table.lookup("https", "example.com", "/").route_id == "a"
        table.remove_route("a")
        assert table.lookup("https", "example.com", "/").route_id == "b"


def test_clear_forgets_everything() -> None:
    table = RoutingTable()
    table.set_hostname("a.hearth.test", 1)
    table.add_route("r", "*/*", 2)
    table.clear()
    assert table.lookup("https", "a.hearth.test", "/") is None
    assert (table.hostname_count, table.route_count) == (0, 0)


def test_a_match_taken_before_an_update_stays_valid() -> None:
    # Matches are immutable and rebuilt buckets are swapped in whole: a request that already
    # resolved keeps its answer while the table changes under it.
    table = RoutingTable()
    table.add_route("r", "example.com/*", "v1")
    before = table.lookup("https", "example.com", "/")
    table.add_route("r", "example.com/*", "v2")
    assert before is not None and before.target == "v1"
    assert table.lookup("https", "example.com", "/").target == "v2"


# -- the index agrees with the rule ----------------------------------------------------------

HOSTS = ["example.com", "www.example.com", "a.b.example.com", "b.example.com", "other.test"]
PATTERN_HOSTS = [
    "example.com",
    "www.example.com",
    "b.example.com",
    "*example.com",
    "*.example.com",
    "*.b.example.com",
    "*b.example.com",
    "*",
    "other.test",
]
PATHS = ["/", "/a", "/a/", "/a/b", "/ab", "/a?x=1", "/b"]
PATTERN_PATHS = ["", "/", "/*", "/a", "/a*", "/a/*", "/a/b", "/ab*", "/b"]


def brute_force(routes: dict[str, tuple[str, object]], scheme: str, host: str, pq: str) -> object:
    """Every route tried; the most specific matching one wins, then the smallest id."""
    name = request_host(host)
    best: tuple[object, str] | None = None
    for route_id in sorted(routes):
        pattern = parse_route_pattern(routes[route_id][0])
        if pattern.matches(scheme, name, pq):
            if best is None or pattern.specificity > best[0]:
                best = (pattern.specificity, route_id)
    return None if best is None else best[1]


def test_random_updates_agree_with_trying_every_route() -> None:
    rng = random.Random(1234)
    table = RoutingTable()
    routes: dict[str, tuple[str, object]] = {}
    for step in range(600):
        route_id = f"r{rng.randrange(40)}"
        if rng.random() < 0.3:
            table.remove_route(route_id)
            routes.pop(route_id, None)
        else:
            scheme = rng.choice(["", "http://", "https://"])
            pattern = scheme + rng.choice(PATTERN_HOSTS) + rng.choice(PATTERN_PATHS)
            table.add_route(route_id, pattern, route_id)
            routes[route_id] = (pattern, route_id)
        for _ in range(5):
            scheme, host, pq = rng.choice(["http", "https"]), rng.choice(HOSTS), rng.choice(PATHS)
            match = table.lookup(scheme, host, pq)
            expected = brute_force(routes, scheme, host, pq)
            assert (match and match.route_id) == expected, (step, scheme, host, pq, routes)
