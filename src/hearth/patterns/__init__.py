"""What users write to say where and when a worker runs, parsed the way Cloudflare reads it:
hostnames (`canonical_hostname`, `request_host`), route patterns (`parse_route_pattern`) and
cron expressions (`parse_cron`). Pure functions at the bottom of the layers: the control
plane validates with them, the edge routes and the scheduler fires with them."""

from typing import TYPE_CHECKING, Any

from ._hosts import canonical_hostname, request_host
from ._routes import HostWildcard, RoutePattern, RoutePatternError, parse_route_pattern

if TYPE_CHECKING:
    from ._cron import Cron, InvalidCron, parse_cron

__all__ = [
    "Cron",
    "HostWildcard",
    "InvalidCron",
    "RoutePattern",
    "RoutePatternError",
    "canonical_hostname",
    "parse_cron",
    "parse_route_pattern",
    "request_host",
]


def __getattr__(name: str) -> Any:
    # Cron support imports croniter (~40 ms): only for what uses it, not every CLI start.
    if name in ("Cron", "InvalidCron", "parse_cron"):
        from . import _cron

        return getattr(_cron, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
