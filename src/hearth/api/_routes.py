"""Routes (Cloudflare's pattern rules; no service = a hole) and custom domains (an exact
hostname to an environment) of the account."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, Response
from pydantic import Field

from ..control import CustomDomain, Invalid, Route
from ._auth import Caller, Writer
from ._context import ApiContext, Ctx, Out, Page, Paging, Strict, paginate
from ._errors import ERROR_RESPONSES

__all__ = ["router"]

router = APIRouter(tags=["routes and domains"], responses=ERROR_RESPONSES)


class RouteOut(Out):
    id: str
    pattern: str
    service: str | None
    environment: str | None
    hole: bool  # no target: requests matching it fall through less specific routes
    created_at: datetime


class RouteIn(Strict):
    pattern: str = Field(
        description="[scheme://]host[/path], '*' only as host prefix or path suffix",
        examples=["shop.example.com/api/*"],
    )
    service: str | None = Field(None, description="No service: the route is a hole")
    environment: str | None = Field(None, description="Default: production")


class DomainOut(Out):
    id: str
    hostname: str
    service: str
    environment: str
    url: str
    created_at: datetime


class DomainIn(Strict):
    hostname: str
    service: str
    environment: str = "production"


def route_out(route: Route) -> RouteOut:
    return RouteOut(
        id=route.id,
        pattern=route.pattern,
        service=route.service,
        environment=route.environment,
        hole=route.service is None,
        created_at=route.created_at,
    )


def domain_out(ctx: ApiContext, domain: CustomDomain) -> DomainOut:
    return DomainOut(
        id=domain.id,
        hostname=domain.hostname,
        service=domain.service,
        environment=domain.environment,
        url=f"{ctx.urls.scheme}://{domain.hostname}{ctx.urls.port_suffix}/",
        created_at=domain.created_at,
    )


@router.get("/routes")
async def list_routes(ctx: Ctx, principal: Caller, paging: Paging) -> Page[RouteOut]:
    routes = await ctx.plane.routes.list(principal)
    return paginate([route_out(r) for r in routes], paging)


@router.post("/routes", status_code=201)
async def add_route(ctx: Ctx, principal: Writer, body: RouteIn) -> RouteOut:
    """Bind a pattern to an environment, or (without `service`) carve a hole."""
    if body.service is None and body.environment is not None:
        raise Invalid(
            "a route naming an environment needs its service (a hole names neither)",
            code="invalid_route",
        )
    route = await ctx.plane.routes.add(
        principal, body.pattern, body.service, body.environment or "production"
    )
    return route_out(route)


@router.delete("/routes/{route_id}", status_code=204)
async def remove_route(ctx: Ctx, principal: Writer, route_id: str) -> Response:
    await ctx.plane.routes.remove(principal, route_id)
    return Response(status_code=204)


@router.get("/domains")
async def list_domains(ctx: Ctx, principal: Caller, paging: Paging) -> Page[DomainOut]:
    domains = await ctx.plane.routes.list_domains(principal)
    return paginate([domain_out(ctx, d) for d in domains], paging)


@router.post("/domains", status_code=201)
async def add_domain(ctx: Ctx, principal: Writer, body: DomainIn) -> DomainOut:
    """Serve an environment at an exact hostname."""
    domain = await ctx.plane.routes.add_domain(
        principal, body.hostname, body.service, body.environment
    )
    return domain_out(ctx, domain)


@router.delete("/domains/{hostname}", status_code=204)
async def remove_domain(ctx: Ctx, principal: Writer, hostname: str) -> Response:
    await ctx.plane.routes.remove_domain(principal, hostname)
    return Response(status_code=204)
