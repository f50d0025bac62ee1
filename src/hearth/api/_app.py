"""Assembling the API: routers under `/api/v1`, error handlers, OpenAPI document and docs."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from fastapi import APIRouter, FastAPI
from pydantic import BaseModel

from ..control import ControlPlane
from . import (
    _accounts,
    _deployments,
    _environments,
    _promotion,
    _routes,
    _secrets,
    _services,
    _tokens,
    _triggers,
    _versions,
)
from ._context import ApiContext, Urls
from ._errors import install_error_handlers
from ._tls import router as _tls_router

__all__ = ["PREFIX", "create_api"]

PREFIX = "/api/v1"


class Health(BaseModel):
    status: str


_health = APIRouter(tags=["health"])


@_health.get("/health")
async def health() -> Health:
    """For load balancers: no token, no database round trip (the process answers)."""
    return Health(status="ok")


def create_api(
    plane: ControlPlane,
    *,
    domain: str,
    workers_url: str,
    node: Any = None,
    routers: Sequence[APIRouter] = (),
) -> FastAPI:
    """The REST API of the control plane. `domain` is the platform domain of generated
    hostnames; `workers_url` (e.g. `http://localhost:8787`) gives the scheme and port of the
    URLs shown for environments and versions; `node` is the running platform, when there is
    one (KV data and tails need it). `routers` are mounted beside the control plane's own:
    the binding types' and the tail's routes, which sit above the API in the layers and use
    its plumbing (`Caller`, `Ctx`, `ERROR_RESPONSES`)."""
    app = FastAPI(
        title="Hearth API",
        version="1",
        description=(
            "The control plane of a Hearth platform: services, environments, versions, "
            "deployments, promotion, secrets, routes and tokens. Authenticate with "
            '`Authorization: Bearer <token>`. Errors are `{"error": {"code", "message"}}`.'
        ),
        openapi_url=f"{PREFIX}/openapi.json",
        docs_url=f"{PREFIX}/docs",
        redoc_url=None,
    )
    app.state.hearth = ApiContext(plane, Urls.from_workers_url(domain, workers_url), node)
    install_error_handlers(app)
    app.include_router(_health, prefix=PREFIX)
    app.include_router(_tls_router, prefix=PREFIX)  # no token: Caddy's on-demand TLS ask
    for module in (
        _tokens,
        _accounts,
        _services,
        _environments,
        _versions,
        _deployments,
        _secrets,
        _promotion,
        _routes,
        _triggers,
    ):
        app.include_router(module.router, prefix=PREFIX)
    for router in routers:
        app.include_router(router, prefix=PREFIX)
    return app
