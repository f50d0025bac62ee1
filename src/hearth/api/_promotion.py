"""Promotion and pipelines.

`POST /services/{s}/promote` copies one environment's current version into another as a new
version (its own vars, secrets and bindings kept unless `with_config`) and deploys it; with
`{environment}` instead of `{from, to}`, the target is the next stage of the service's
pipeline.
"""

from __future__ import annotations

from typing import Self

from fastapi import APIRouter
from pydantic import Field, model_validator

from ._auth import Caller, Writer
from ._context import Ctx, Out, Strict
from ._errors import ERROR_RESPONSES
from ._versions import ChangeOut, change_out

__all__ = ["router"]

router = APIRouter(tags=["promotion"], responses=ERROR_RESPONSES)


class PromoteIn(Strict):
    # `from` is a Python keyword: the field is `source`, the JSON key `from`.
    source: str | None = Field(None, alias="from", description="The environment to promote")
    to: str | None = Field(None, description="The environment that receives the version")
    environment: str | None = Field(
        None, description="Promote this environment to the next stage of the pipeline"
    )
    with_config: bool = Field(False, description="Take the source's vars, secrets and bindings too")
    message: str | None = None

    @model_validator(mode="after")
    def _one_form(self) -> Self:
        pair = self.source is not None or self.to is not None
        if pair == (self.environment is not None):
            raise ValueError("give either 'from' and 'to', or 'environment' (along the pipeline)")
        if pair and (self.source is None or self.to is None):
            raise ValueError("'from' and 'to' go together")
        return self


class PipelineIn(Strict):
    environments: list[str] = Field(
        description="The service's environments in promotion order ([] clears the pipeline)"
    )


class PipelineOut(Out):
    environments: list[str]


@router.post("/services/{service}/promote", status_code=201)
async def promote(ctx: Ctx, principal: Writer, service: str, body: PromoteIn) -> ChangeOut:
    """Promote an environment's current version; returns the new version and deployment."""
    if body.environment is not None:
        version = await ctx.plane.promotion.promote_next(
            principal,
            service,
            body.environment,
            with_config=body.with_config,
            message=body.message,
        )
    else:
        assert body.source is not None and body.to is not None
        version = await ctx.plane.promotion.promote(
            principal,
            service,
            body.source,
            body.to,
            with_config=body.with_config,
            message=body.message,
        )
    return await change_out(ctx, principal, version, deployed=True)


@router.get("/services/{service}/pipeline")
async def get_pipeline(ctx: Ctx, principal: Caller, service: str) -> PipelineOut:
    stages = await ctx.plane.promotion.get_pipeline(principal, service)
    return PipelineOut(environments=stages)


@router.put("/services/{service}/pipeline")
async def put_pipeline(ctx: Ctx, principal: Writer, service: str, body: PipelineIn) -> PipelineOut:
    stages = await ctx.plane.promotion.set_pipeline(principal, service, body.environments)
    return PipelineOut(environments=stages)
