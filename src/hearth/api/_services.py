"""Services: a named worker, created with its `production` environment."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, Response

from ..control import PUBLIC, Principal, Service
from ._auth import Caller, Writer
from ._context import ApiContext, Ctx, Out, Page, Paging, Strict, paginate
from ._errors import ERROR_RESPONSES

__all__ = ["router"]

router = APIRouter(tags=["services"], responses=ERROR_RESPONSES)


class EnvironmentRef(Out):
    name: str
    url: str | None  # None when the environment has no generated hostname (see its own page)


class ServiceOut(Out):
    id: str
    name: str
    private: bool
    created_at: datetime
    url: str | None  # production's URL; None for a private service
    environments: list[EnvironmentRef]  # production first, then by name


class ServiceIn(Strict):
    name: str
    private: bool = False


class ServicePatch(Strict):
    private: bool


def service_out(ctx: ApiContext, principal: Principal, service: Service) -> ServiceOut:
    def url(env: str) -> str | None:
        hidden = service.private or not service.visibility.get(env, PUBLIC).workers_dev
        return ctx.urls.environment(principal, service.name, env, hidden)

    return ServiceOut(
        id=service.id,
        name=service.name,
        private=service.private,
        created_at=service.created_at,
        url=url("production"),
        environments=[EnvironmentRef(name=e, url=url(e)) for e in service.environments],
    )


@router.get("/services")
async def list_services(ctx: Ctx, principal: Caller, paging: Paging) -> Page[ServiceOut]:
    """The account's services, by name."""
    services = await ctx.plane.services.list(principal)
    return paginate([service_out(ctx, principal, s) for s in services], paging)


@router.post("/services", status_code=201)
async def create_service(ctx: Ctx, principal: Writer, body: ServiceIn) -> ServiceOut:
    """A new service with an empty `production` environment."""
    service = await ctx.plane.services.create(principal, body.name, private=body.private)
    return service_out(ctx, principal, service)


@router.get("/services/{service}")
async def get_service(ctx: Ctx, principal: Caller, service: str) -> ServiceOut:
    return service_out(ctx, principal, await ctx.plane.services.get(principal, service))


@router.patch("/services/{service}")
async def update_service(
    ctx: Ctx, principal: Writer, service: str, body: ServicePatch
) -> ServiceOut:
    """Make a service private (no hostnames: reached only through bindings) or public."""
    updated = await ctx.plane.services.set_private(principal, service, body.private)
    return service_out(ctx, principal, updated)


@router.delete("/services/{service}", status_code=204)
async def delete_service(ctx: Ctx, principal: Writer, service: str) -> Response:
    """Delete the service with its environments, versions, deployments, routes and domains."""
    await ctx.plane.services.delete(principal, service)
    return Response(status_code=204)
