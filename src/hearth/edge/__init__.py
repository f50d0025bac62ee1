"""The edge: the ASGI app for workers traffic, the in-memory routing table, the live state of
`hearth serve` and the listeners (uvicorn) that serve them."""

from typing import TYPE_CHECKING, Any

from ..patterns import RoutePattern, RoutePatternError, parse_route_pattern
from ._app import EdgeApp, Resolver, worker_exception_response
from ._ask import may_issue_certificate
from ._follow import Follower, follow_changes
from ._limits import HEADER_TIMEOUT, MAX_HEADER_BYTES
from ._live import LiveEdge, LiveEnvironment, environment_hostname
from ._routing import Match, RoutingTable

if TYPE_CHECKING:
    from ._server import https_redirect, make_server, run

__all__ = [
    "HEADER_TIMEOUT",
    "MAX_HEADER_BYTES",
    "EdgeApp",
    "Follower",
    "LiveEdge",
    "LiveEnvironment",
    "Match",
    "Resolver",
    "RoutePattern",
    "RoutePatternError",
    "RoutingTable",
    "environment_hostname",
    "follow_changes",
    "https_redirect",
    "make_server",
    "may_issue_certificate",
    "parse_route_pattern",
    "run",
    "worker_exception_response",
]


def __getattr__(name: str) -> Any:
    # The listeners import uvicorn: only for what serves.
    if name in ("https_redirect", "make_server", "run"):
        from . import _server

        return getattr(_server, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
