"""The edge: the ASGI app for workers traffic and the in-memory routing table."""

from ..patterns import RoutePattern, RoutePatternError, parse_route_pattern
from ._app import EdgeApp, Resolver, worker_exception_response
from ._routing import Match, RoutingTable

__all__ = [
    "EdgeApp",
    "Match",
    "Resolver",
    "RoutePattern",
    "RoutePatternError",
    "RoutingTable",
    "parse_route_pattern",
    "worker_exception_response",
]
