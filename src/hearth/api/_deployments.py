"""Deployments: what serves an environment's traffic — one version at 100 %, or two split by
percentage — and rollback, which is a new deployment of an earlier version."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from fastapi import APIRouter
from pydantic import Field

from ..control import Deployment, Invalid, NotFound, Principal
from ._auth import Caller, Writer
from ._context import ApiContext, Ctx, Out, Page, Paging, Strict
from ._errors import ERROR_RESPONSES

__all__ = ["DeploymentOut", "VersionRef", "deployment_out", "resolve_version", "router"]

router = APIRouter(tags=["deployments"], responses=ERROR_RESPONSES)

_ENV = "/services/{service}/environments/{environment}"

#: A version named by its id (UUID) or its number in the environment.
VersionRef = str | int


class DeploymentVersionOut(Out):
    version_id: str
    version_number: int
    percentage: float


class DeploymentOut(Out):
    id: str
    number: int
    created_at: datetime
    author: str
    message: str | None
    triggered_by: str
    strategy: Literal["percentage"] = "percentage"  # as Cloudflare's deployments say
    versions: list[DeploymentVersionOut]


class SplitIn(Strict):
    version_id: VersionRef = Field(description="A version id, or the version's number")
    percentage: float = Field(description="0–100; the versions' percentages add up to 100")


class DeploymentIn(Strict):
    versions: list[SplitIn] = Field(min_length=1, max_length=2)
    message: str | None = Field(None, description="At most 100 characters")


class RollbackIn(Strict):
    version: VersionRef | None = Field(
        None, description="Version id or number; default: the previous version at 100 %"
    )
    message: str | None = None


def deployment_out(deployment: Deployment) -> DeploymentOut:
    return DeploymentOut(
        id=deployment.id,
        number=deployment.number,
        created_at=deployment.created_at,
        author=deployment.author,
        message=deployment.message,
        triggered_by=deployment.triggered_by,
        versions=[
            DeploymentVersionOut(
                version_id=v.version_id, version_number=v.number, percentage=v.percentage
            )
            for v in deployment.versions
        ],
    )


def version_key(value: VersionRef) -> VersionRef:
    """Numbers (also as digit strings, e.g. from a URL path) are version numbers; anything
    else is an id. UUIDs are never all digits, so the two cannot be confused."""
    if isinstance(value, int):
        return value
    # isdigit() alone also accepts digits int() refuses, such as '²'.
    return int(value) if value.isascii() and value.isdigit() else value


async def resolve_version(
    ctx: ApiContext, principal: Principal, service: str, environment: str, ref: VersionRef
) -> str:
    """The id of a version given by id or number (the control plane deploys by id)."""
    key = version_key(ref)
    if isinstance(key, str):
        return key  # the control plane checks it belongs to the environment
    version = await ctx.plane.versions.get(principal, service, environment, key)
    return version.id


@router.get(_ENV + "/deployments")
async def list_deployments(
    ctx: Ctx, principal: Caller, service: str, environment: str, paging: Paging
) -> Page[DeploymentOut]:
    """Deployments, newest first; the first one is the current one."""
    page = await ctx.plane.deployments.list(
        principal, service, environment, page=paging.page, per_page=paging.per_page
    )
    return Page[DeploymentOut](
        items=[deployment_out(d) for d in page.items],
        page=page.page,
        per_page=page.per_page,
        total=page.total,
    )


@router.get(_ENV + "/deployments/current")
async def current_deployment(
    ctx: Ctx, principal: Caller, service: str, environment: str
) -> DeploymentOut:
    """The deployment serving the environment now (404 if nothing is deployed)."""
    deployment = await ctx.plane.deployments.current(principal, service, environment)
    if deployment is None:
        raise NotFound(
            f"environment {environment!r} of service {service!r} has nothing deployed",
            code="nothing_deployed",
        )
    return deployment_out(deployment)


@router.post(_ENV + "/deployments", status_code=201)
async def create_deployment(
    ctx: Ctx, principal: Writer, service: str, environment: str, body: DeploymentIn
) -> DeploymentOut:
    """Deploy one version at 100 %, or two versions split by percentage."""
    split: dict[str, float] = {}
    for entry in body.versions:
        version_id = await resolve_version(ctx, principal, service, environment, entry.version_id)
        if version_id in split:  # a dict would silently keep one of the two entries
            raise Invalid(
                f"version {entry.version_id!r} is listed twice", code="invalid_deployment"
            )
        split[version_id] = entry.percentage
    deployment = await ctx.plane.deployments.create(
        principal, service, environment, split, message=body.message
    )
    return deployment_out(deployment)


@router.post(_ENV + "/rollback", status_code=201)
async def rollback(
    ctx: Ctx, principal: Writer, service: str, environment: str, body: RollbackIn | None = None
) -> DeploymentOut:
    """Deploy an earlier version at 100 % (default: the one deployed before the current)."""
    body = body or RollbackIn()
    version_id = None
    if body.version is not None:
        version_id = await resolve_version(ctx, principal, service, environment, body.version)
    deployment = await ctx.plane.deployments.rollback(
        principal, service, environment, version_id, message=body.message
    )
    return deployment_out(deployment)
