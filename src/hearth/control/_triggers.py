"""Cron triggers of an environment.

An environment owns its crons, and they are not part of any version: as Cloudflare's
`PUT …/schedules` is separate from uploading a script, setting them makes no version and takes
effect at once (a `TriggersChanged` event tells the node's scheduler). A clone copies them;
deleting an environment removes them (the foreign key cascades, and the scheduler hears
`EnvironmentDeleted`). Expressions follow Cloudflare's cron syntax (`hearth.triggers`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from ..store import Store
from ..store.tables import cron_triggers, environments, services
from ._accounts import Principal, require_write
from ._context import Context, find_environment, now
from ._errors import Invalid
from ._events import TriggersChanged

__all__ = [
    "MAX_CRONS_PER_ACCOUNT",
    "CronTrigger",
    "Triggers",
    "copy_triggers",
    "environment_crons",
    "snapshot_triggers",
]

#: Cloudflare's limit of cron triggers per account (paid plans).
MAX_CRONS_PER_ACCOUNT = 250


@dataclass(slots=True)
class CronTrigger:
    cron: str
    created_at: datetime
    last_scheduled: int | None  # ms since the epoch of the latest firing, None before any


class Triggers:
    def __init__(self, ctx: Context) -> None:
        self._ctx = ctx

    async def get(self, principal: Principal, service: str, environment: str) -> list[CronTrigger]:
        async with self._ctx.store.read() as conn:
            ref = await find_environment(conn, principal.account.id, service, environment)
            return await _triggers_of(conn, ref.environment_id)

    async def set(
        self, principal: Principal, service: str, environment: str, crons: object
    ) -> list[CronTrigger]:
        """Replace the environment's crons (an empty list removes them all). A cron kept from
        before keeps its history, so it neither fires again nor skips a beat."""
        require_write(principal)
        wanted = check_crons(crons)
        async with self._ctx.store.write() as conn:
            ref = await find_environment(
                conn, principal.account.id, service, environment, lock=True
            )
            await _check_account_limit(conn, principal.account.id, ref.environment_id, wanted)
            env = cron_triggers.c.environment_id == ref.environment_id
            await conn.execute(
                cron_triggers.delete().where(env, cron_triggers.c.cron.not_in(wanted))
            )
            kept = {
                row.cron for row in await conn.execute(sa.select(cron_triggers.c.cron).where(env))
            }
            created = now()
            for position, cron in enumerate(wanted):
                if cron in kept:
                    query = cron_triggers.update().where(env, cron_triggers.c.cron == cron)
                    await conn.execute(query.values(position=position))
                else:
                    await conn.execute(
                        cron_triggers.insert().values(
                            environment_id=ref.environment_id,
                            cron=cron,
                            position=position,
                            created_at=created,
                        )
                    )
            result = await _triggers_of(conn, ref.environment_id)
        event = TriggersChanged(principal.account.id, service, environment, ref.environment_id)
        await self._ctx.publish([event])
        return result

    async def claim(self, environment_id: str, cron: str, scheduled_time: int) -> bool:
        """Record that the firing of `cron` at `scheduled_time` runs; False when it was claimed
        already (by another node sharing the database) or the cron is gone. For the platform's
        scheduler, not for principals."""
        query = (
            cron_triggers.update()
            .where(
                cron_triggers.c.environment_id == environment_id,
                cron_triggers.c.cron == cron,
                sa.or_(
                    cron_triggers.c.last_scheduled.is_(None),
                    cron_triggers.c.last_scheduled < scheduled_time,
                ),
            )
            .values(last_scheduled=scheduled_time)
        )
        async with self._ctx.store.write() as conn:
            return (await conn.execute(query)).rowcount == 1


def check_crons(crons: object) -> list[str]:
    """A list of distinct, valid cron expressions, or `Invalid` naming the first bad one."""
    from ..patterns import InvalidCron, parse_cron  # croniter, only when crons are set

    if not isinstance(crons, list):
        raise Invalid("crons must be a list of cron expressions", code="invalid_cron")
    for i, cron in enumerate(crons):
        try:
            parse_cron(cron)
        except InvalidCron as error:
            raise Invalid(f"crons[{i}]: {error}", code="invalid_cron") from None
        if crons.index(cron) != i:
            raise Invalid(f"crons[{i}]: {cron!r} is listed twice", code="duplicate_cron")
    return list(crons)


async def _check_account_limit(
    conn: AsyncConnection, account_id: str, environment_id: str, wanted: list[str]
) -> None:
    others = (
        await conn.execute(
            sa.select(sa.func.count())
            .select_from(cron_triggers)
            .join(environments, environments.c.id == cron_triggers.c.environment_id)
            .join(services, services.c.id == environments.c.service_id)
            .where(
                services.c.account_id == account_id,
                cron_triggers.c.environment_id != environment_id,
            )
        )
    ).scalar_one()
    if others + len(wanted) > MAX_CRONS_PER_ACCOUNT:
        raise Invalid(
            f"an account can have at most {MAX_CRONS_PER_ACCOUNT} cron triggers "
            f"({others} in other environments, {len(wanted)} asked for here)",
            code="too_many_crons",
        )


async def _triggers_of(conn: AsyncConnection, environment_id: str) -> list[CronTrigger]:
    rows = await conn.execute(
        sa.select(cron_triggers)
        .where(cron_triggers.c.environment_id == environment_id)
        .order_by(cron_triggers.c.position)
    )
    return [CronTrigger(r.cron, r.created_at, r.last_scheduled) for r in rows]


async def copy_triggers(
    conn: AsyncConnection, account_id: str, source_id: str, target_id: str
) -> bool:
    """Give a cloned environment its source's crons (inside the clone's transaction); True
    when there were any. History is not copied: the clone's first firing is its own."""
    created = now()
    rows = list(
        await conn.execute(
            sa.select(cron_triggers.c.cron, cron_triggers.c.position).where(
                cron_triggers.c.environment_id == source_id
            )
        )
    )
    if rows:
        await _check_account_limit(conn, account_id, target_id, [r.cron for r in rows])
    for row in rows:
        await conn.execute(
            cron_triggers.insert().values(
                environment_id=target_id, cron=row.cron, position=row.position, created_at=created
            )
        )
    return bool(rows)


async def snapshot_triggers(store: Store) -> dict[str, list[str]]:
    """Every environment's crons, by environment id: what a node's scheduler starts from."""
    query = sa.select(cron_triggers.c.environment_id, cron_triggers.c.cron).order_by(
        cron_triggers.c.environment_id, cron_triggers.c.position
    )
    crons: dict[str, list[str]] = {}
    async with store.read() as conn:
        for row in await conn.execute(query):
            crons.setdefault(row.environment_id, []).append(row.cron)
    return crons


async def environment_crons(store: Store, environment_id: str) -> list[str]:
    """One environment's crons, in order (after a `TriggersChanged`)."""
    async with store.read() as conn:
        return [t.cron for t in await _triggers_of(conn, environment_id)]
