"""Services: a named worker of an account, created with its `production` environment."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from ..store.tables import environments, secret_sets, services
from ._accounts import Principal, require_write
from ._context import Context, find_service, new_id, now
from ._errors import Conflict
from ._events import ServiceChanged, ServiceCreated, ServiceDeleted
from ._routes import refuse_routes, removal_events
from ._validation import check_name

__all__ = ["PRODUCTION", "PUBLIC", "Service", "Services", "Visibility"]

PRODUCTION = "production"


@dataclass(frozen=True, slots=True)
class Visibility:
    """How an environment is reached, as in effect: a private service makes every one of its
    environments private, and a private environment has neither kind of generated hostname."""

    private: bool  # reached only through service bindings: no hostname, no routes
    workers_dev: bool  # the generated environment hostname answers
    preview_urls: bool  # each version's hostname `v<N>.<env>…` answers

    @classmethod
    def of(
        cls, service_private: bool, private: bool, workers_dev: bool, preview_urls: bool
    ) -> Visibility:
        hidden = bool(service_private or private)
        return cls(hidden, bool(workers_dev) and not hidden, bool(preview_urls) and not hidden)


PUBLIC = Visibility(False, True, True)


@dataclass(slots=True)
class Service:
    id: str
    name: str
    private: bool  # a private service has no hostname: only bindings reach it
    created_at: datetime
    environments: list[str] = field(default_factory=list)  # production first, then by name
    visibility: dict[str, Visibility] = field(default_factory=dict)  # by environment name


class Services:
    def __init__(self, ctx: Context) -> None:
        self._ctx = ctx

    async def create(self, principal: Principal, name: str, *, private: bool = False) -> Service:
        require_write(principal)
        check_name("service", name)
        account_id = principal.account.id
        service = Service(new_id(), name, bool(private), now(), [PRODUCTION])
        service.visibility[PRODUCTION] = Visibility.of(service.private, False, True, True)
        production_id = new_id()
        try:
            async with self._ctx.store.write() as conn:
                await conn.execute(
                    services.insert().values(
                        id=service.id,
                        account_id=account_id,
                        name=name,
                        private=service.private,
                        created_at=service.created_at,
                    )
                )
                await conn.execute(
                    environments.insert().values(
                        id=production_id,
                        service_id=service.id,
                        name=PRODUCTION,
                        created_at=service.created_at,
                    )
                )
        except IntegrityError:
            raise Conflict(f"service {name!r} already exists", code="service_exists") from None
        await self._ctx.publish([ServiceCreated(account_id, name, (production_id,))])
        return service

    async def list(self, principal: Principal) -> list[Service]:
        query = (
            sa.select(services, environments.c.name.label("environment"), *_VISIBILITY)
            .join(environments)
            .where(services.c.account_id == principal.account.id)
            .order_by(services.c.name, environments.c.name != PRODUCTION, environments.c.name)
        )
        async with self._ctx.store.read() as conn:
            rows = (await conn.execute(query)).all()
        result: dict[str, Service] = {}
        for row in rows:
            service = result.get(row.id)
            if service is None:
                service = result[row.id] = Service(row.id, row.name, row.private, row.created_at)
            service.environments.append(row.environment)
            service.visibility[row.environment] = _visibility(row)
        return list(result.values())

    async def get(self, principal: Principal, name: str) -> Service:
        async with self._ctx.store.read() as conn:
            row = await find_service(conn, principal.account.id, name)
            envs = await conn.execute(
                sa.select(environments.c.name.label("environment"), *_VISIBILITY)
                .where(environments.c.service_id == row.id)
                .order_by(environments.c.name != PRODUCTION, environments.c.name)
            )
            service = Service(row.id, row.name, row.private, row.created_at)
            for env in envs:
                service.environments.append(env.environment)
                service.visibility[env.environment] = Visibility.of(
                    row.private, env.env_private, env.workers_dev, env.preview_urls
                )
            return service

    async def set_private(self, principal: Principal, name: str, private: bool) -> Service:
        require_write(principal)
        async with self._ctx.store.write() as conn:
            row = await find_service(conn, principal.account.id, name)
            env_ids = await _environment_ids(conn, row.id)
            if private:
                # Lock the row first, so a route added meanwhile waits and then sees `private`.
                lock = sa.select(services.c.id).where(services.c.id == row.id).with_for_update()
                await conn.execute(lock)
                await refuse_routes(conn, env_ids, f"service {name!r}")
            await conn.execute(
                services.update().where(services.c.id == row.id).values(private=bool(private))
            )
        await self._ctx.publish([ServiceChanged(principal.account.id, name, env_ids)])
        return await self.get(principal, name)

    async def delete(self, principal: Principal, name: str) -> None:
        """Delete the service with its environments, versions, deployments, routes and custom
        domains (foreign keys cascade). Code bundles stay: they are shared by content."""
        require_write(principal)
        async with self._ctx.store.write() as conn:
            row = await find_service(conn, principal.account.id, name)
            env_ids = await _environment_ids(conn, row.id)
            events = await removal_events(conn, env_ids)
            # Environments (and so versions) first: versions refer to secret sets.
            await conn.execute(environments.delete().where(environments.c.service_id == row.id))
            await conn.execute(secret_sets.delete().where(secret_sets.c.service_id == row.id))
            await conn.execute(services.delete().where(services.c.id == row.id))
        events.append(ServiceDeleted(principal.account.id, name, env_ids))
        await self._ctx.publish(events)


# An environment's own visibility settings, read along with its service's `private`.
_VISIBILITY = (
    environments.c.private.label("env_private"),
    environments.c.workers_dev,
    environments.c.preview_urls,
)


def _visibility(row: sa.Row[Any]) -> Visibility:
    return Visibility.of(row.private, row.env_private, row.workers_dev, row.preview_urls)


async def _environment_ids(conn: AsyncConnection, service_id: str) -> tuple[str, ...]:
    result = await conn.execute(
        sa.select(environments.c.id).where(environments.c.service_id == service_id)
    )
    return tuple(result.scalars())
