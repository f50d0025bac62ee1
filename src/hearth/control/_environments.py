"""Environments of a service: `production` plus any number of preview environments.

An environment is created empty or cloned from another one (the clone's first version holds
the source's current code, vars, bindings and secrets, `triggered_by=clone`, and is deployed).
`production` can be neither renamed nor deleted.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from ..store._tables import environments, secret_sets, versions
from ._accounts import Principal, require_write
from ._context import Context, EnvRef, find_environment, find_service, new_id, now
from ._errors import Conflict
from ._events import EnvironmentCreated, EnvironmentDeleted, EnvironmentRenamed, Event
from ._routes import removal_events
from ._services import PRODUCTION
from ._validation import check_name
from ._versioning import Meta, content_of, current_version, prepare_version, write_version

__all__ = ["Environment", "Environments"]


@dataclass(slots=True)
class Environment:
    id: str
    service: str
    name: str
    created_at: datetime


class Environments:
    def __init__(self, ctx: Context) -> None:
        self._ctx = ctx

    async def list(self, principal: Principal, service: str) -> list[Environment]:
        async with self._ctx.store.read() as conn:
            svc = await find_service(conn, principal.account.id, service)
            rows = await conn.execute(
                sa.select(environments)
                .where(environments.c.service_id == svc.id)
                .order_by(environments.c.name != PRODUCTION, environments.c.name)
            )
            return [Environment(r.id, service, r.name, r.created_at) for r in rows]

    async def get(self, principal: Principal, service: str, name: str) -> Environment:
        async with self._ctx.store.read() as conn:
            ref = await find_environment(conn, principal.account.id, service, name)
            created = (
                await conn.execute(
                    sa.select(environments.c.created_at).where(
                        environments.c.id == ref.environment_id
                    )
                )
            ).scalar_one()
        return Environment(ref.environment_id, service, ref.environment, created)

    async def create(self, principal: Principal, service: str, name: str) -> Environment:
        """An empty environment: no version, nothing deployed."""
        require_write(principal)
        check_name("environment", name)
        env = Environment(new_id(), service, name, now())
        async with self._ctx.store.write() as conn:
            svc = await find_service(conn, principal.account.id, service)
            await _insert(conn, svc.id, env)
        event = EnvironmentCreated(principal.account.id, service, name, env.id)
        await self._ctx.publish([event])
        return env

    async def clone(
        self, principal: Principal, service: str, source: str, name: str
    ) -> Environment:
        """A new environment holding `source`'s current version, deployed (empty if `source`
        has nothing deployed)."""
        require_write(principal)
        check_name("environment", name)
        env = Environment(new_id(), service, name, now())
        async with self._ctx.store.read() as conn:
            src = await find_environment(conn, principal.account.id, service, source)
            await _check_free(conn, src.service_id, name)
            row = await current_version(conn, src)
            content = await content_of(self._ctx, conn, row) if row is not None else None
        ref = EnvRef(principal.account.id, src.service_id, service, env.id, name)
        # Validated before anything is written: a clone that cannot load leaves no environment.
        prepared = await prepare_version(self._ctx, ref, content) if content else None
        events: list[Event] = [EnvironmentCreated(principal.account.id, service, name, env.id)]
        async with self._ctx.store.write() as conn:
            await _insert(conn, src.service_id, env)
            if prepared is not None:
                meta = Meta(principal.token_name, "clone", message=f"Cloned from {source}")
                _, _, more = await write_version(
                    self._ctx, conn, ref, None, prepared, meta, deploy="clone"
                )
                events += more
        await self._ctx.publish(events)
        return env

    async def rename(
        self, principal: Principal, service: str, name: str, new_name: str
    ) -> Environment:
        """Rename a preview environment; its generated hostname follows."""
        require_write(principal)
        check_name("environment", new_name)
        _not_production(name, "renamed")
        async with self._ctx.store.write() as conn:
            ref = await find_environment(conn, principal.account.id, service, name, lock=True)
            if new_name != name:
                await _check_free(conn, ref.service_id, new_name)
                await conn.execute(
                    environments.update()
                    .where(environments.c.id == ref.environment_id)
                    .values(name=new_name)
                )
            created = (
                await conn.execute(
                    sa.select(environments.c.created_at).where(
                        environments.c.id == ref.environment_id
                    )
                )
            ).scalar_one()
        if new_name != name:
            event = EnvironmentRenamed(
                principal.account.id, service, new_name, name, ref.environment_id
            )
            await self._ctx.publish([event])
        return Environment(ref.environment_id, service, new_name, created)

    async def delete(self, principal: Principal, service: str, name: str) -> None:
        """Delete a preview environment with its versions, deployments, routes and custom
        domains; secret sets no version refers to any more go with it."""
        require_write(principal)
        _not_production(name, "deleted")
        async with self._ctx.store.write() as conn:
            ref = await find_environment(conn, principal.account.id, service, name, lock=True)
            events = await removal_events(conn, [ref.environment_id])
            await conn.execute(environments.delete().where(environments.c.id == ref.environment_id))
            used = sa.select(versions.c.secret_set_id).where(versions.c.secret_set_id.is_not(None))
            await conn.execute(
                secret_sets.delete().where(
                    secret_sets.c.service_id == ref.service_id, secret_sets.c.id.not_in(used)
                )
            )
        events.append(EnvironmentDeleted(principal.account.id, service, name, ref.environment_id))
        await self._ctx.publish(events)


def _not_production(name: str, what: str) -> None:
    if name == PRODUCTION:
        raise Conflict(
            f"the production environment cannot be {what}", code="production_environment"
        )


async def _check_free(conn: AsyncConnection, service_id: str, name: str) -> None:
    taken = await conn.execute(
        sa.select(environments.c.id).where(
            environments.c.service_id == service_id, environments.c.name == name
        )
    )
    if taken.first() is not None:
        raise Conflict(f"environment {name!r} already exists", code="environment_exists")


async def _insert(conn: AsyncConnection, service_id: str, env: Environment) -> None:
    await _check_free(conn, service_id, env.name)
    try:
        await conn.execute(
            environments.insert().values(
                id=env.id, service_id=service_id, name=env.name, created_at=env.created_at
            )
        )
    except IntegrityError:  # created by a concurrent request since _check_free
        raise Conflict(
            f"environment {env.name!r} already exists", code="environment_exists"
        ) from None
