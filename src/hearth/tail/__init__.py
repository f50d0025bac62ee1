"""Live logs: following an environment's trace events from a client (`follow`, `format_pretty`).

The server side, the API's tail endpoint, is `hearth.tail.routes.router`, mounted by
`hearth serve`; it is not imported here so that a client does not load FastAPI.
"""

from ._client import TailError, follow
from ._filters import TailFilters
from ._pretty import format_pretty

__all__ = ["TailError", "TailFilters", "follow", "format_pretty"]
