"""The edge's routing table: which target serves a request, from (scheme, host, path+query).

A target is opaque to the table (the edge stores an environment key); `None` as a route's target
is a *hole*: a route with no worker, which negates less specific routes.

The table holds two kinds of entries:

* **Hostnames** — exact hosts answered on every path: generated hostnames
  (`<service>.<account>.<domain>`, `<env>.…`, `v<N>.<env>.…`) and custom domains.
* **Routes** — route patterns (see `hearth.patterns`), each with a route id.

How `lookup` decides, in order:

1. The host is normalised (lower-case, IDNA A-labels, port and trailing dot removed).
2. A **generated hostname** answers at once: routes are never consulted for it, just as no zone
   route can capture a `workers.dev` host. (The control plane should also refuse route patterns
   under the platform domain; this is the second line of defence.)
3. The **most specific matching route** wins. Specificity, compared in this order:
   a. exact host, then wildcard hosts over more labels before fewer (`*.a.example.com` before
      `*.example.com`), `*.x` before `*x` over the same labels, the catch-all `*` last;
   b. then the longer literal path (the path without its trailing `*`);
   c. then an exact path before a prefix of the same length;
   d. then a pattern naming the scheme before one without;
   e. then (duplicates only) the smaller route id, so every node picks the same route whatever
      order the change events arrived in.
   The host decides first: for `a.example.com/a`, `a.example.com/*` beats `*.example.com/a`.
4. If that route has a target, it wins — also over a **custom domain** on the same host
   (Cloudflare: "routes take precedence over custom domains on the same hostname").
   If it is a hole, the request bypasses routes and goes to the host's origin: the custom
   domain's target when the host is one, else a `Match` with `target=None` (no worker).
5. Otherwise the custom domain on the host, if any; otherwise `None`.

Two deliberate differences from Cloudflare: the host wildcard stops at a label boundary (see
`hearth.patterns`), and `example.com/images/*` beats `example.com/images*` for `/images/x` (longer
literal path), where Cloudflare lists the opposite as a known bug.

Cost of a lookup does not depend on how many routes or hostnames the table holds. Everything
is keyed in one dict by host: the request's host finds its hostname entry, its exact-host routes
and its `*host` routes in one probe; then each shorter label suffix (`b.example.com`,
`example.com`, `com`) is one more probe for `*.suffix` and `*suffix` routes — but only for
suffixes with as many labels as some wildcard in the table has, so none at all while there are
no wildcard routes. Under one host key, routes are matched by path with a dict probe per
distinct prefix length (see `_paths`), not by scanning them. The raw `Host` → canonical name
step is memoised in a bounded dict (a pure function, so the memo is never stale).

Updates are incremental: adding or removing a route builds a new matcher for its one host key
and swaps it in with a single assignment, so a reader on the same event loop (or another thread)
sees that key either before or after the change, never half of it.
"""

from __future__ import annotations

from ..patterns import RoutePattern, canonical_hostname, parse_route_pattern, request_host
from ._paths import Match, PathMatcher, Route, path_matcher

__all__ = ["Match", "RoutingTable"]

# ASGI names the scheme of a WebSocket "ws"/"wss"; a route matches the URL it was upgraded from.
_SCHEMES = {"http": "http", "https": "https", "ws": "http", "wss": "https"}


class _Node:
    """Everything keyed by one host name `h`."""

    __slots__ = ("generated", "custom", "exact", "apex", "sub")

    def __init__(self) -> None:
        self.generated: Match | None = None  # h is a generated hostname
        self.custom: Match | None = None  # h is a custom domain
        self.exact: PathMatcher | None = None  # routes on the host h
        self.apex: PathMatcher | None = None  # routes on *h (h and its subdomains)
        self.sub: PathMatcher | None = None  # routes on *.h (subdomains of h only)

    def empty(self) -> bool:
        return (
            self.generated is None
            and self.custom is None
            and self.exact is None
            and self.apex is None
            and self.sub is None
        )


_NAME_CACHE_SIZE = 16_384
_MAX_HOST_HEADER = 253 + len("[]:65535")  # longer than any hostname with a port
_SLOT = {"": "exact", "*": "apex", "*.": "sub"}  # host wildcard → _Node attribute


class RoutingTable:
    """Hostnames and route patterns → targets. See the module docstring for the rules."""

    __slots__ = (
        "_nodes",
        "_routes",
        "_catch_all",
        "_depth_counts",
        "_depths",
        "_hostnames",
        "_names",
    )

    def __init__(self) -> None:
        self._nodes: dict[str, _Node] = {}
        self._routes: dict[str, Route] = {}  # route id → route, to find it again on removal
        self._catch_all: PathMatcher | None = None  # routes on the host "*"
        # Label counts of the wildcard keys in use (`*.example.com` → 2): the suffix walk probes
        # only suffixes of those lengths, so a request skips suffixes no route can be keyed by.
        self._depth_counts: dict[int, int] = {}
        self._depths: frozenset[int] = frozenset()
        self._hostnames = 0
        # Raw Host header → canonical name. Bounded, and never stale: the mapping is a pure
        # function. Saves the lower/port/trailing-dot work for the hosts a node keeps seeing.
        self._names: dict[str | bytes, str] = {}  # Host as sent (str or bytes) → name

    # -- hostnames ---------------------------------------------------------------------------

    def set_hostname(self, host: str, target: object, *, custom_domain: bool = False) -> str:
        """Serve every request for `host` with `target`; return the canonical host.

        A generated hostname (the default) is never overridden by routes; a custom domain
        (`custom_domain=True`) yields to a matching route, as on Cloudflare. Setting a host
        again replaces its target and kind. Raises `ValueError` for an invalid hostname.
        """
        name = canonical_hostname(host)
        match = Match(target, "hostname")
        node = self._nodes.get(name)
        if node is None:
            node = _Node()
            self._set(node, match, custom_domain)
            self._nodes[name] = node  # publish the node only once it is complete
            self._hostnames += 1
            return name
        if node.generated is None and node.custom is None:
            self._hostnames += 1
        self._set(node, match, custom_domain)
        return name

    @staticmethod
    def _set(node: _Node, match: Match, custom_domain: bool) -> None:
        # Set the new kind before clearing the other, so the host is never unserved.
        if custom_domain:
            node.custom = match
            node.generated = None
        else:
            node.generated = match
            node.custom = None

    def remove_hostname(self, host: str) -> bool:
        """Stop serving `host`; return whether it was there (removing twice is harmless)."""
        try:
            name = canonical_hostname(host)
        except ValueError:
            return False
        node = self._nodes.get(name)
        if node is None or (node.generated is None and node.custom is None):
            return False
        node.generated = node.custom = None
        self._hostnames -= 1
        self._prune(name, node)
        return True

    # -- routes ------------------------------------------------------------------------------

    def add_route(self, route_id: str, pattern: str | RoutePattern, target: object) -> RoutePattern:
        """Add a route, or replace the route with the same id; return the parsed pattern.

        `target=None` makes a hole. Raises `RoutePatternError` for an invalid pattern, before
        changing anything.
        """
        parsed = pattern if isinstance(pattern, RoutePattern) else parse_route_pattern(pattern)
        route = Route(route_id, parsed, target, Match(target, "route", route_id))
        old = self._routes.get(route_id)
        if old is not None:
            self._detach(old)
        self._routes[route_id] = route
        if parsed.host_wildcard and parsed.host:
            self._count_depth(parsed.host, +1)
        if not parsed.host:
            self._catch_all = path_matcher(_routes_of(self._catch_all) + (route,))
            return parsed
        slot = _SLOT[parsed.host_wildcard]
        node = self._nodes.get(parsed.host)
        if node is None:
            node = _Node()
            setattr(node, slot, path_matcher((route,)))
            self._nodes[parsed.host] = node
        else:
            setattr(node, slot, path_matcher(_routes_of(getattr(node, slot)) + (route,)))
        return parsed

    def remove_route(self, route_id: str) -> bool:
        """Remove a route; return whether it was there (removing twice is harmless)."""
        route = self._routes.pop(route_id, None)
        if route is None:
            return False
        self._detach(route)
        return True

    def get_route(self, route_id: str) -> tuple[RoutePattern, object] | None:
        """The pattern and target of a route, or `None`."""
        route = self._routes.get(route_id)
        return None if route is None else (route.pattern, route.target)

    def clear(self) -> None:
        """Forget everything (before a full resynchronisation)."""
        self._nodes, self._routes, self._catch_all = {}, {}, None
        self._depth_counts, self._depths, self._hostnames = {}, frozenset(), 0

    def serves_host(self, name: str) -> bool:
        """Whether a hostname entry, or a route with a worker on some path, covers the
        canonical host `name`: what a TLS proxy may get a certificate for. Catch-all routes
        (host `*`) count for nothing here, or every name would qualify."""
        node = self._nodes.get(name)
        if node is not None and (
            node.generated is not None
            or node.custom is not None
            or _has_target(node.exact)
            or _has_target(node.apex)
        ):
            return True
        dot = name.find(".")
        while dot >= 0:
            node = self._nodes.get(name[dot + 1 :])
            if node is not None and (_has_target(node.sub) or _has_target(node.apex)):
                return True
            dot = name.find(".", dot + 1)
        return False

    @property
    def hostname_count(self) -> int:
        return self._hostnames

    @property
    def route_count(self) -> int:
        return len(self._routes)

    def _detach(self, route: Route) -> None:
        p = route.pattern
        if p.host_wildcard and p.host:
            self._count_depth(p.host, -1)
        if not p.host:
            self._catch_all = path_matcher(_without(self._catch_all, route))
            return
        node = self._nodes[p.host]
        slot = _SLOT[p.host_wildcard]
        setattr(node, slot, path_matcher(_without(getattr(node, slot), route)))
        self._prune(p.host, node)

    def _count_depth(self, host: str, delta: int) -> None:
        depth = host.count(".") + 1
        count = self._depth_counts.get(depth, 0) + delta
        if count:
            self._depth_counts[depth] = count
        else:
            del self._depth_counts[depth]
        self._depths = frozenset(self._depth_counts)

    def _prune(self, name: str, node: _Node) -> None:
        # Drop empty nodes so hosts that lost everything cost nothing.
        if node.empty():
            del self._nodes[name]

    # -- the hot path ------------------------------------------------------------------------

    def lookup(
        self, scheme: str, host: str | bytes, target: str | bytes, query: bytes = b""
    ) -> Match | None:
        """Resolve a request. `host` is the raw `Host` (any case, maybe a port), `target` the
        raw path (plus `?query`, or the query apart in `query`). Bytes, as an ASGI server has
        them, are decoded only when needed: a generated hostname never needs the path."""
        name = self._names.get(host)
        if name is None:
            if len(host) > _MAX_HOST_HEADER:
                return None  # cannot name any host; and must not fill the memo with junk
            name = request_host(host if isinstance(host, str) else host.decode("latin-1"))
            if len(self._names) >= _NAME_CACHE_SIZE:
                self._names.clear()
            self._names[host] = name
        if not name:
            return None
        nodes = self._nodes
        node = nodes.get(name)
        if node is not None and node.generated is not None:
            return node.generated
        path_and_query = target if isinstance(target, str) else target.decode("latin-1")
        if query:
            path_and_query = f"{path_and_query}?{query.decode('latin-1')}"
        match: Match | None = None
        custom: Match | None = None
        if scheme != "https" and scheme != "http":
            scheme = _SCHEMES.get(scheme, scheme)
        if node is not None:
            custom = node.custom
            if node.exact is not None:
                match = node.exact.match(scheme, path_and_query)
            if match is None and node.apex is not None:
                match = node.apex.match(scheme, path_and_query)
        depths = self._depths
        if match is None and depths:
            # Longest suffix first: `*.suffix`, then `*suffix`.
            labels = name.count(".")  # of the suffix after the first dot
            dot = name.find(".")
            while dot >= 0:
                node = nodes.get(name[dot + 1 :]) if labels in depths else None
                if node is not None:
                    if node.sub is not None:
                        match = node.sub.match(scheme, path_and_query)
                        if match is not None:
                            break
                    if node.apex is not None:
                        match = node.apex.match(scheme, path_and_query)
                        if match is not None:
                            break
                dot = name.find(".", dot + 1)
                labels -= 1
        if match is None and self._catch_all is not None:
            match = self._catch_all.match(scheme, path_and_query)
        if match is None:
            return custom
        if match.target is None and custom is not None:
            # A hole bypasses routes; behind them the custom domain is the origin.
            return custom
        return match


def _routes_of(matcher: PathMatcher | None) -> tuple[Route, ...]:
    return () if matcher is None else matcher.routes


def _has_target(matcher: PathMatcher | None) -> bool:
    return any(route.target is not None for route in _routes_of(matcher))


def _without(matcher: PathMatcher | None, route: Route) -> tuple[Route, ...]:
    return tuple(r for r in _routes_of(matcher) if r.route_id != route.route_id)
