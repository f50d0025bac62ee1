"""The routes that share one host key, matched on the request's path and query.

A host key is an exact host (`www.example.com`), a wildcard (`*.example.com`, `*example.com`) or
the catch-all `*`. All its routes differ only in scheme and path, so once the routing table has
found the key, the best route is the one with the best path (then scheme, then route id).

Matchers are immutable: a change builds a new matcher and the table swaps it in with one
assignment, so a reader never sees a half-updated one. Most keys carry one route, and `_One`
keeps that case to a couple of attribute reads — which matters because the routing table's cost
on a large table is mostly memory traffic, not instructions.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from ..patterns import RoutePattern

__all__ = ["Match", "PathMatcher", "Route", "path_matcher"]


@dataclass(frozen=True, slots=True)
class Match:
    """What `RoutingTable.lookup` found. Made when the table changes, never per request."""

    target: object  # None only for a hole route
    via: Literal["hostname", "route"]
    route_id: str | None = None  # set when via == "route"


@dataclass(frozen=True, slots=True)
class Route:
    route_id: str
    pattern: RoutePattern
    target: object
    match: Match


_Candidates = tuple[tuple[str | None, Match], ...]  # (scheme or None, match), best first


class PathMatcher:
    """The routes of one host key; `match` returns the best one for a request, or None."""

    __slots__ = ("routes",)

    def __init__(self, routes: tuple[Route, ...]) -> None:
        self.routes = routes

    def match(self, scheme: str, path_and_query: str) -> Match | None:  # pragma: no cover
        raise NotImplementedError


class _One(PathMatcher):
    """A single route: compare, done."""

    __slots__ = ("_scheme", "_path", "_prefix", "_match")

    def __init__(self, routes: tuple[Route, ...]) -> None:
        super().__init__(routes)
        p = routes[0].pattern
        self._scheme, self._path, self._prefix = p.scheme, p.path, p.path_prefix
        self._match = routes[0].match

    def match(self, scheme: str, path_and_query: str) -> Match | None:
        if self._scheme is not None and self._scheme != scheme:
            return None
        if path_and_query.startswith(self._path) if self._prefix else path_and_query == self._path:
            return self._match
        return None


class _Many(PathMatcher):
    """Several routes: exact paths in a dict, prefixes in one dict per distinct length.

    A lookup costs one dict probe for the exact path plus one per distinct prefix length (a
    handful in practice, and never more than the path is long), not one per route.
    """

    __slots__ = ("_exact", "_levels")

    def __init__(self, routes: tuple[Route, ...]) -> None:
        super().__init__(routes)
        exact: dict[str, list[tuple[str | None, Match]]] = {}
        prefixes: dict[int, dict[str, list[tuple[str | None, Match]]]] = {}
        # Within one path: scheme-specific first, then the smaller route id (so every node
        # agrees on duplicates whatever order it learnt them in).
        for r in sorted(routes, key=_tie_order):
            p = r.pattern
            if p.path_prefix:
                level = prefixes.setdefault(len(p.path), {})
                level.setdefault(p.path, []).append((p.scheme, r.match))
            else:
                exact.setdefault(p.path, []).append((p.scheme, r.match))
        self._exact: dict[str, _Candidates] = {path: tuple(c) for path, c in exact.items()}
        self._levels: tuple[tuple[int, dict[str, _Candidates]], ...] = tuple(
            (length, {path: tuple(c) for path, c in prefixes[length].items()})
            for length in sorted(prefixes, reverse=True)
        )

    def match(self, scheme: str, path_and_query: str) -> Match | None:
        # An exact path that matches beats every prefix: a longer prefix cannot match a string
        # of the exact path's length, and a prefix of equal length loses to the exact path.
        candidates = self._exact.get(path_and_query)
        if candidates is not None:
            for s, m in candidates:
                if s is None or s == scheme:
                    return m
        size = len(path_and_query)
        for length, table in self._levels:
            if length > size:
                continue
            candidates = table.get(path_and_query[:length])
            if candidates is not None:
                for s, m in candidates:
                    if s is None or s == scheme:
                        return m
        return None


def _tie_order(r: Route) -> tuple[bool, str]:
    return (r.pattern.scheme is None, r.route_id)


def path_matcher(routes: tuple[Route, ...]) -> PathMatcher | None:
    """The matcher for these routes (all on one host key), or None when there are none."""
    if not routes:
        return None
    return _One(routes) if len(routes) == 1 else _Many(routes)
