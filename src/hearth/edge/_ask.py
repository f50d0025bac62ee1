"""May a TLS proxy get a certificate for this hostname? (Caddy's `on_demand_tls { ask }`.)

Yes for the hostnames the edge serves right now: the generated hostname of a public
environment, a version's preview hostname, a custom domain, or a host a route with a worker
covers. Answered from the edge's in-memory table, so a proxy asking on every new TLS handshake
costs no database round trip, and a new environment qualifies the moment its API call returns.
"""

from __future__ import annotations

from ..patterns import canonical_hostname
from ._live import LiveEdge

__all__ = ["may_issue_certificate"]


def may_issue_certificate(edge: LiveEdge, hostname: str) -> bool:
    try:
        name = canonical_hostname(hostname)
    except (ValueError, TypeError):
        return False
    return edge.table.serves_host(name) or edge.preview_version(name) is not None
