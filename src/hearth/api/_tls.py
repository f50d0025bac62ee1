"""The on-demand TLS "ask" endpoint: may a TLS proxy get a certificate for this hostname?

Caddy's `on_demand_tls { ask <url> }` sends `GET <url>?domain=<hostname>` before it obtains a
certificate and goes ahead only on a 2xx answer. No token (the proxy cannot send one), so the
answer is a bare yes or no: 200 or 404 with an empty body, nothing about whose hostname it is.
See docs/TLS.md.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response

from ..edge import may_issue_certificate
from ._context import Ctx

__all__ = ["router"]

router = APIRouter(tags=["tls"])


@router.get(
    "/tls/ask",
    status_code=200,
    responses={404: {"description": "No certificate for this hostname"}},
)
async def ask(
    ctx: Ctx,
    domain: Annotated[str, Query(description="The hostname to certify")] = "",
) -> Response:
    """200 when `domain` is served now: a public environment's or version's generated
    hostname, a custom domain, or a host a route covers; 404 otherwise. No token needed."""
    edge = getattr(ctx.node, "edge", None)
    allowed = edge is not None and bool(domain) and may_issue_certificate(edge, domain)
    return Response(status_code=200 if allowed else 404)
