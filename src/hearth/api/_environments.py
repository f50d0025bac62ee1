"""Environments of a service: `production` plus preview environments, created empty or
cloned from another environment, renamed (the URL follows) and deleted (not production)."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, Response
from pydantic import ConfigDict, Field

from ..control import Environment, Invalid, Principal
from ._auth import Caller, Writer
from ._context import ApiContext, Ctx, Out, Page, Paging, Strict, paginate
from ._deployments import DeploymentOut, deployment_out
from ._errors import ERROR_RESPONSES

__all__ = ["router"]

router = APIRouter(tags=["environments"], responses=ERROR_RESPONSES)

_SERVICE = "/services/{service}"


class EnvironmentOut(Out):
    id: str
    service: str
    name: str
    created_at: datetime
    url: str | None  # None when the environment has no generated hostname
    private: bool = Field(
        description="Reached only through service bindings: no hostnames, no routes "
        "(also true for every environment of a private service)"
    )
    workers_dev: bool = Field(description="The generated environment hostname answers")
    preview_urls: bool = Field(description="Each version's hostname v<N>.<env>… answers")
    deployment: DeploymentOut | None = Field(
        None, description="The current deployment (single environment only)"
    )


class EnvironmentIn(Strict):
    # `from` is a Python keyword: the field is `source`, the JSON key `from`.
    model_config = ConfigDict(extra="forbid", strict=True, populate_by_name=False)
    name: str
    source: str | None = Field(
        None, alias="from", description="Clone this environment's current version"
    )


class EnvironmentPatch(Strict):
    """Any of the fields; those left out stay as they are."""

    name: str | None = Field(None, description="The new name; the environment's URL follows")
    private: bool | None = Field(
        None,
        description="true: no hostnames, no routes, reached only through service bindings "
        "(refused while routes or custom domains lead here); false: public, with both "
        "hostnames unless workers_dev/preview_urls say otherwise",
    )
    workers_dev: bool | None = Field(None, description="wrangler's workers_dev")
    preview_urls: bool | None = Field(None, description="wrangler's preview_urls")


def environment_out(
    ctx: ApiContext, principal: Principal, env: Environment, private: bool = False
) -> EnvironmentOut:
    seen = env.visibility
    return EnvironmentOut(
        id=env.id,
        service=env.service,
        name=env.name,
        created_at=env.created_at,
        url=ctx.urls.environment(principal, env.service, env.name, private or not seen.workers_dev),
        private=private or seen.private,
        workers_dev=seen.workers_dev and not private,
        preview_urls=seen.preview_urls and not private,
    )


@router.get(_SERVICE + "/environments")
async def list_environments(
    ctx: Ctx, principal: Caller, service: str, paging: Paging
) -> Page[EnvironmentOut]:
    """Production first, then by name."""
    private = await ctx.is_private(principal, service)
    envs = await ctx.plane.environments.list(principal, service)
    return paginate([environment_out(ctx, principal, e, private) for e in envs], paging)


@router.post(_SERVICE + "/environments", status_code=201)
async def create_environment(
    ctx: Ctx, principal: Writer, service: str, body: EnvironmentIn
) -> EnvironmentOut:
    """An empty environment, or with `from` a clone of another one (its current code, vars,
    bindings and secrets as a first version, deployed)."""
    private = await ctx.is_private(principal, service)
    if body.source is None:
        env = await ctx.plane.environments.create(principal, service, body.name)
    else:
        env = await ctx.plane.environments.clone(principal, service, body.source, body.name)
    return await _with_deployment(ctx, principal, env, private)


@router.get(_SERVICE + "/environments/{environment}")
async def get_environment(
    ctx: Ctx, principal: Caller, service: str, environment: str
) -> EnvironmentOut:
    private = await ctx.is_private(principal, service)
    env = await ctx.plane.environments.get(principal, service, environment)
    return await _with_deployment(ctx, principal, env, private)


@router.patch(_SERVICE + "/environments/{environment}")
async def update_environment(
    ctx: Ctx, principal: Writer, service: str, environment: str, body: EnvironmentPatch
) -> EnvironmentOut:
    """Rename a preview environment, and/or change how it is reached: `private` (shorthand
    for both hostnames off, and no routes), `workers_dev`, `preview_urls`."""
    await ctx.is_private(principal, service)  # the 404 for an unknown service, first
    if all(value is None for value in body.model_dump().values()):
        raise Invalid(
            "nothing to change: give name, private, workers_dev or preview_urls",
            code="invalid_request",
        )
    # One operation: a refused visibility change must not leave the environment renamed.
    env = await ctx.plane.environments.update(
        principal,
        service,
        environment,
        new_name=body.name,
        private=body.private,
        workers_dev=body.workers_dev,
        preview_urls=body.preview_urls,
    )
    return await _with_deployment(ctx, principal, env, False)


@router.delete(_SERVICE + "/environments/{environment}", status_code=204)
async def delete_environment(
    ctx: Ctx, principal: Writer, service: str, environment: str
) -> Response:
    """Delete a preview environment with its versions, deployments, routes and domains."""
    # Resolve the service first: the control plane refuses `production` before looking the
    # service up, and an unknown (or another account's) service must be a 404, not a 409.
    await ctx.is_private(principal, service)
    await ctx.plane.environments.delete(principal, service, environment)
    return Response(status_code=204)


async def _with_deployment(
    ctx: ApiContext, principal: Principal, env: Environment, private: bool
) -> EnvironmentOut:
    out = environment_out(ctx, principal, env, private)
    current = await ctx.plane.deployments.current(principal, env.service, env.name)
    out.deployment = deployment_out(current) if current else None
    return out
