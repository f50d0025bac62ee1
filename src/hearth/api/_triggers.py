"""Cron triggers of an environment: read and replace them (`hearth deploy` sends the config's
`[triggers] crons` here), and fire one by hand. They are not part of any version: setting them
makes none, and takes effect at once."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import Field

from ..control import Conflict, ControlError, CronTrigger, Invalid
from ..patterns import InvalidCron, parse_cron
from ..triggers import NothingDeployed
from ._auth import Caller, Writer
from ._context import ApiContext, Ctx, Out, Strict
from ._errors import ERROR_RESPONSES

__all__ = ["router"]

router = APIRouter(tags=["triggers"], responses=ERROR_RESPONSES)

_TRIGGERS = "/services/{service}/environments/{environment}/triggers"


class Unavailable(ControlError):
    status = 503
    default_code = "unavailable"


class ScheduleOut(Out):
    cron: str
    created_at: datetime
    last_scheduled_time: int | None = Field(
        description="ms since the epoch of the latest firing (None before the first)"
    )
    next_scheduled_time: int | None = Field(
        description="ms since the epoch of the next firing, as this node's scheduler has it"
    )


class TriggersOut(Out):
    crons: list[str]
    schedules: list[ScheduleOut]


class TriggersIn(Strict):
    crons: list[str] = Field(
        description="Cloudflare's cron syntax, UTC; replaces every cron of the environment",
        examples=[["*/5 * * * *", "0 3 * * MON"]],
    )


class ScheduledOut(Out):
    outcome: str = Field(description="ok or exception, as in the trace event")
    cron: str
    scheduledTime: int  # noqa: N815 - Cloudflare's name, as the handler sees it
    version_id: str
    noRetry: bool  # noqa: N815
    error: str | None = Field(None, description="the exception that ended the handler")


def _triggers_out(ctx: ApiContext, environment_id: str, triggers: list[CronTrigger]) -> TriggersOut:
    crons = getattr(ctx.node, "crons", None)  # None: an API without a running node
    upcoming = crons.scheduler.next_fire(environment_id) if crons else {}
    return TriggersOut(
        crons=[t.cron for t in triggers],
        schedules=[
            ScheduleOut(
                cron=t.cron,
                created_at=t.created_at,
                last_scheduled_time=t.last_scheduled,
                next_scheduled_time=(
                    int(upcoming[t.cron].timestamp() * 1000) if t.cron in upcoming else None
                ),
            )
            for t in triggers
        ],
    )


@router.get(_TRIGGERS)
async def get_triggers(ctx: Ctx, principal: Caller, service: str, environment: str) -> TriggersOut:
    """The environment's crons, in the order they were set."""
    env = await ctx.plane.environments.get(principal, service, environment)
    triggers = await ctx.plane.triggers.get(principal, service, environment)
    return _triggers_out(ctx, env.id, triggers)


@router.put(_TRIGGERS)
async def set_triggers(
    ctx: Ctx, principal: Writer, service: str, environment: str, body: TriggersIn
) -> TriggersOut:
    """Replace the environment's crons (`{"crons": []}` removes them all). An invalid
    expression is refused with what is wrong, and nothing changes."""
    triggers = await ctx.plane.triggers.set(principal, service, environment, body.crons)
    env = await ctx.plane.environments.get(principal, service, environment)
    return _triggers_out(ctx, env.id, triggers)


@router.post(_TRIGGERS + "/scheduled")
async def fire_scheduled(
    ctx: Ctx,
    principal: Writer,
    service: str,
    environment: str,
    cron: Annotated[str | None, Query(description="Default: the environment's first cron")] = None,
    time: Annotated[
        int | None, Query(ge=0, description="scheduledTime in ms since the epoch; default now")
    ] = None,
) -> ScheduledOut:
    """Run the `scheduled` handler of the environment's current deployment now, with this
    cron (any valid expression), and answer with the outcome. Its trace event goes to tails
    as any other."""
    env = await ctx.plane.environments.get(principal, service, environment)
    if cron is None:
        crons = await ctx.plane.triggers.get(principal, service, environment)
        if not crons:
            raise Invalid(
                f"environment {environment!r} has no cron triggers: name one with ?cron=",
                code="invalid_cron",
            )
        cron = crons[0].cron
    try:
        parse_cron(cron)
    except InvalidCron as error:
        raise Invalid(str(error), code="invalid_cron") from None
    if getattr(ctx.node, "crons", None) is None:
        raise Unavailable("this API runs without workers: nothing can be fired")
    try:
        result = await ctx.node.crons.fire(env.id, cron, time)
    except NothingDeployed:
        raise Conflict(
            f"environment {environment!r} of service {service!r} has nothing deployed",
            code="not_deployed",
        ) from None
    if result.handler_missing:
        raise Conflict(
            f"the deployed version has no scheduled handler: {result.error}",
            code="no_scheduled_handler",
        )
    return ScheduledOut(
        outcome=result.outcome,
        cron=result.cron,
        scheduledTime=result.scheduled_time,
        version_id=result.version_id,
        noRetry=result.no_retry,
        error=result.error,
    )
