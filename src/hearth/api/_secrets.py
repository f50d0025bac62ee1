"""Secrets, vars and bindings of an environment.

Each change makes a new version from the one the environment serves at 100 % and, like
`wrangler secret put`, deploys it at once; `?deploy=false` only makes the version, from the
latest one (`wrangler versions secret put`). Reads show what the environment serves; secret
values are write-only.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Body, Query
from pydantic import Field

from ._auth import Caller, Writer
from ._context import Ctx, Out, Page, Paging, Strict, paginate
from ._errors import ERROR_RESPONSES
from ._versions import ChangeOut, change_out

__all__ = ["router"]

router = APIRouter(tags=["secrets, vars and bindings"], responses=ERROR_RESPONSES)

_ENV = "/services/{service}/environments/{environment}"

Deploy = Annotated[
    bool,
    Query(description="Deploy the new version at 100 % (false: only make the version)"),
]


class SecretOut(Out):
    name: str
    type: Literal["secret_text"] = "secret_text"  # Cloudflare's binding type for secrets


class SecretIn(Strict):
    text: str = Field(description="The secret's value (at most 5 KB)")


class VarsIn(Strict):
    vars: dict[str, Any] = Field(description="name → text (a string) or any JSON value")
    message: str | None = None


class VarsOut(Out):
    vars: dict[str, Any]


class BindingsIn(Strict):
    bindings: list[dict[str, Any]] = Field(
        description="Binding specs: {type: kv|service|durable_object|version_metadata, name, …}"
    )
    message: str | None = None


class BindingsOut(Out):
    bindings: list[dict[str, Any]]


# -- secrets ----------------------------------------------------------------------------------


@router.get(_ENV + "/secrets")
async def list_secrets(
    ctx: Ctx, principal: Caller, service: str, environment: str, paging: Paging
) -> Page[SecretOut]:
    """Names of the environment's secrets."""
    names = await ctx.plane.secrets.list(principal, service, environment)
    return paginate([SecretOut(name=n) for n in names], paging)


@router.put(_ENV + "/secrets/{name}")
async def put_secret(
    ctx: Ctx,
    principal: Writer,
    service: str,
    environment: str,
    name: str,
    body: SecretIn,
    deploy: Deploy = True,
) -> ChangeOut:
    """Set a secret: a new version (`triggered_by=secret`)."""
    version = await ctx.plane.secrets.put(
        principal, service, environment, name, body.text, deploy=deploy
    )
    return await change_out(ctx, principal, version, deployed=deploy)


@router.delete(_ENV + "/secrets/{name}")
async def delete_secret(
    ctx: Ctx, principal: Writer, service: str, environment: str, name: str, deploy: Deploy = True
) -> ChangeOut:
    """Delete a secret: a new version without it."""
    version = await ctx.plane.secrets.delete(principal, service, environment, name, deploy=deploy)
    return await change_out(ctx, principal, version, deployed=deploy)


@router.patch(_ENV + "/secrets")
async def update_secrets(
    ctx: Ctx,
    principal: Writer,
    service: str,
    environment: str,
    changes: Annotated[
        dict[str, str | None],
        Body(description='{"NAME": "value"} sets, {"NAME": null} deletes; one version for all'),
    ],
    deploy: Deploy = True,
) -> ChangeOut:
    """Set and delete several secrets in one version (`secret bulk`)."""
    version = await ctx.plane.secrets.update(
        principal, service, environment, changes, deploy=deploy
    )
    return await change_out(ctx, principal, version, deployed=deploy)


# -- vars -------------------------------------------------------------------------------------


@router.get(_ENV + "/vars")
async def get_vars(ctx: Ctx, principal: Caller, service: str, environment: str) -> VarsOut:
    """The vars of what the environment serves."""
    vars, _ = await ctx.plane.settings.served(principal, service, environment)
    return VarsOut(vars=vars)


@router.put(_ENV + "/vars")
async def put_vars(
    ctx: Ctx,
    principal: Writer,
    service: str,
    environment: str,
    body: VarsIn,
    deploy: Deploy = True,
) -> ChangeOut:
    """Replace all vars: a new version."""
    version = await ctx.plane.settings.set_vars(
        principal, service, environment, body.vars, message=body.message, deploy=deploy
    )
    return await change_out(ctx, principal, version, deployed=deploy)


# -- bindings ---------------------------------------------------------------------------------


@router.get(_ENV + "/bindings")
async def get_bindings(ctx: Ctx, principal: Caller, service: str, environment: str) -> BindingsOut:
    """The binding specs of what the environment serves (vars and secrets on their own)."""
    _, bindings = await ctx.plane.settings.served(principal, service, environment)
    return BindingsOut(bindings=bindings)


@router.put(_ENV + "/bindings")
async def put_bindings(
    ctx: Ctx,
    principal: Writer,
    service: str,
    environment: str,
    body: BindingsIn,
    deploy: Deploy = True,
) -> ChangeOut:
    """Replace all binding specs: a new version."""
    version = await ctx.plane.settings.set_bindings(
        principal, service, environment, body.bindings, message=body.message, deploy=deploy
    )
    return await change_out(ctx, principal, version, deployed=deploy)
