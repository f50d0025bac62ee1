"""Services: a named worker of an account, created with its `production` environment."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from ..store._tables import environments, secret_sets, services
from ._accounts import Principal, require_write
from ._context import Context, find_service, new_id, now
from ._errors import Conflict
from ._events import ServiceChanged, ServiceCreated, ServiceDeleted
from ._routes import removal_events
from ._validation import check_name

__all__ = ["PRODUCTION", "Service", "Services"]

PRODUCTION = "production"


@dataclass(slots=True)
class Service:
    id: str
    name: str
    private: bool  # a private service has no hostname: only bindings reach it
    created_at: datetime
    environments: list[str] = field(default_factory=list)  # production first, then by name


class Services:
    def __init__(self, ctx: Context) -> None:
        self._ctx = ctx

    async def create(self, principal: Principal, name: str, *, private: bool = False) -> Service:
        require_write(principal)
        check_name("service", name)
        account_id = principal.account.id
        service = Service(new_id(), name, bool(private), now(), [PRODUCTION])
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
                        id=new_id(),
                        service_id=service.id,
                        name=PRODUCTION,
                        created_at=service.created_at,
                    )
                )
        except IntegrityError:
            raise Conflict(f"service {name!r} already exists", code="service_exists") from None
        await self._ctx.publish([ServiceCreated(account_id, name)])
        return service

    async def list(self, principal: Principal) -> list[Service]:
        query = (
            sa.select(services, environments.c.name.label("environment"))
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
        return list(result.values())

    async def get(self, principal: Principal, name: str) -> Service:
        async with self._ctx.store.read() as conn:
            row = await find_service(conn, principal.account.id, name)
            names = await conn.execute(
                sa.select(environments.c.name)
                .where(environments.c.service_id == row.id)
                .order_by(environments.c.name != PRODUCTION, environments.c.name)
            )
            return Service(row.id, row.name, row.private, row.created_at, list(names.scalars()))

    async def set_private(self, principal: Principal, name: str, private: bool) -> Service:
        require_write(principal)
        async with self._ctx.store.write() as conn:
            row = await find_service(conn, principal.account.id, name)
            await conn.execute(
                services.update().where(services.c.id == row.id).values(private=bool(private))
            )
            env_ids = await _environment_ids(conn, row.id)
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


async def _environment_ids(conn: AsyncConnection, service_id: str) -> tuple[str, ...]:
    result = await conn.execute(
        sa.select(environments.c.id).where(environments.c.service_id == service_id)
    )
    return tuple(result.scalars())
