"""The edge: the ASGI app for workers traffic and the in-memory routing table."""

from ..patterns import RoutePattern, RoutePatternError, parse_route_pattern
from ._app import EdgeApp, Resolver, worker_exception_response
from ._ask import may_issue_certificate
from ._deployments import KEY_HEADER, OVERRIDE_HEADER
from ._live import LiveEdge, LiveEnvironment, environment_hostname
from ._routing import Match, RoutingTable
from ._server import https_redirect, make_server, run

__all__ = [
    "OVERRIDE_HEADER",
    "KEY_HEADER",
    "may_issue_certificate",
    "environment_hostname",
    "LiveEnvironment",
    "LiveEdge",
    "run",
    "make_server",
    "https_redirect",
    "EdgeApp",
    "Match",
    "Resolver",
    "RoutePattern",
    "RoutePatternError",
    "RoutingTable",
    "parse_route_pattern",
    "worker_exception_response",
]
