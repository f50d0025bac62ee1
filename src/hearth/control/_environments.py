"""Environments of a service: `production` plus any number of preview environments.

An environment is created empty or cloned from another one (the clone's first version holds
the source's current code, vars, bindings and secrets, `triggered_by=clone`, and is deployed).
`production` can be neither renamed nor deleted.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from ..store.tables import environments, secret_sets, versions
from ._accounts import Principal, require_write
from ._context import Context, EnvRef, find_environment, find_service, new_id, now
from ._errors import Conflict, Invalid
from ._events import (
    EnvironmentCreated,
    EnvironmentDeleted,
    EnvironmentRenamed,
    Event,
    ServiceChanged,
    TriggersChanged,
)
from ._routes import refuse_routes, removal_events
from ._services import PRODUCTION, PUBLIC, Visibility
from ._triggers import copy_triggers
from ._validation import check_name
from ._versioning import Meta, content_of, current_version, prepare_version, write_version

__all__ = ["Environment", "Environments"]


@dataclass(slots=True)
class Environment:
    id: str
    service: str
    name: str
    created_at: datetime
    visibility: Visibility = PUBLIC


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
            return [
                Environment(r.id, service, r.name, r.created_at, _visibility(svc.private, r))
                for r in rows
            ]

    async def get(self, principal: Principal, service: str, name: str) -> Environment:
        async with self._ctx.store.read() as conn:
            return await _read(conn, principal, service, name)

    async def create(self, principal: Principal, service: str, name: str) -> Environment:
        """An empty environment: no version, nothing deployed."""
        require_write(principal)
        check_name("environment", name)
        env = Environment(new_id(), service, name, now())
        async with self._ctx.store.write() as conn:
            svc = await find_service(conn, principal.account.id, service)
            await _insert(conn, svc.id, env)
            env.visibility = Visibility.of(svc.private, False, True, True)
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
            # A clone is public like any new environment (its source may be private for
            # being a back end, while a preview of it is for trying out), unless the service is.
            svc = await find_service(conn, principal.account.id, service)
            env.visibility = Visibility.of(svc.private, False, True, True)
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
            if await copy_triggers(conn, principal.account.id, src.environment_id, env.id):
                events.append(TriggersChanged(principal.account.id, service, name, env.id))
        await self._ctx.publish(events)
        return env

    async def rename(
        self, principal: Principal, service: str, name: str, new_name: str
    ) -> Environment:
        """Rename a preview environment; its generated hostname follows."""
        return await self.update(principal, service, name, new_name=new_name)

    async def set_visibility(
        self,
        principal: Principal,
        service: str,
        name: str,
        *,
        private: bool | None = None,
        workers_dev: bool | None = None,
        preview_urls: bool | None = None,
    ) -> Environment:
        """Change how an environment is reached; a setting left None stays as it is.

        `private=True` is shorthand for both hostnames off, and also keeps routes and custom
        domains away (refused while any lead here); `private=False` turns both hostnames on
        unless they are given. `workers_dev` (the environment's hostname) and `preview_urls`
        (its versions' hostnames) are wrangler's switches; turning one on in a private
        environment, or in an environment of a private service, is refused."""
        return await self.update(
            principal,
            service,
            name,
            private=private,
            workers_dev=workers_dev,
            preview_urls=preview_urls,
        )

    async def update(
        self,
        principal: Principal,
        service: str,
        name: str,
        *,
        new_name: str | None = None,
        private: bool | None = None,
        workers_dev: bool | None = None,
        preview_urls: bool | None = None,
    ) -> Environment:
        """`rename` and `set_visibility` in one transaction: when either is refused, nothing
        changes (a 409 must not leave the environment renamed)."""
        require_write(principal)
        if new_name is not None:
            check_name("environment", new_name)
            _not_production(name, "renamed")
        if private and (workers_dev or preview_urls):
            raise Invalid(
                "a private environment has no generated hostnames: leave workers_dev and "
                "preview_urls out, or false",
                code="invalid_visibility",
            )
        visibility = (private, workers_dev, preview_urls) != (None, None, None)
        renamed = new_name is not None and new_name != name
        async with self._ctx.store.write() as conn:
            ref = await find_environment(conn, principal.account.id, service, name, lock=True)
            if visibility:
                svc = await find_service(conn, principal.account.id, service)
                row = (
                    await conn.execute(
                        sa.select(environments).where(environments.c.id == ref.environment_id)
                    )
                ).one()
                what = f"environment {name!r} of service {service!r}"
                values = _visibility_values(row, private, workers_dev, preview_urls, what)
                if values["private"] and not row.private:
                    await refuse_routes(conn, [ref.environment_id], what)
                if svc.private and (private is False or workers_dev or preview_urls):
                    raise Conflict(
                        f"service {service!r} is private, and so all its environments: make "
                        "the service public first",
                        code="service_private",
                    )
                await conn.execute(
                    environments.update()
                    .where(environments.c.id == ref.environment_id)
                    .values(**values)
                )
            if renamed:
                assert new_name is not None
                await _check_free(conn, ref.service_id, new_name)
                await conn.execute(
                    environments.update()
                    .where(environments.c.id == ref.environment_id)
                    .values(name=new_name)
                )
            env = await _read(conn, principal, service, new_name or name)
        events: list[Event] = []
        if renamed:
            assert new_name is not None
            events.append(
                EnvironmentRenamed(
                    principal.account.id, service, new_name, name, ref.environment_id
                )
            )
        if visibility:
            # The edge re-reads the environment and adds or drops its hostnames at once.
            events.append(ServiceChanged(principal.account.id, service, (ref.environment_id,)))
        await self._ctx.publish(events)
        return env

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


def _visibility(service_private: bool, row: sa.Row[Any]) -> Visibility:
    return Visibility.of(service_private, row.private, row.workers_dev, row.preview_urls)


def _visibility_values(
    row: sa.Row[Any],
    private: bool | None,
    workers_dev: bool | None,
    preview_urls: bool | None,
    what: str,
) -> dict[str, bool]:
    """The stored settings after a change (see `Environments.set_visibility`)."""
    if private is True:
        return {"private": True, "workers_dev": False, "preview_urls": False}
    if private is False:
        return {
            "private": False,
            "workers_dev": True if workers_dev is None else workers_dev,
            "preview_urls": True if preview_urls is None else preview_urls,
        }
    if row.private and (workers_dev or preview_urls):
        raise Conflict(
            f"{what} is private: make it public (private: false) to give it hostnames",
            code="environment_private",
        )
    return {
        "private": row.private,
        "workers_dev": row.workers_dev if workers_dev is None else workers_dev,
        "preview_urls": row.preview_urls if preview_urls is None else preview_urls,
    }


async def _read(
    conn: AsyncConnection, principal: Principal, service: str, name: str
) -> Environment:
    svc = await find_service(conn, principal.account.id, service)
    ref = await find_environment(conn, principal.account.id, service, name)
    row = (
        await conn.execute(sa.select(environments).where(environments.c.id == ref.environment_id))
    ).one()
    return Environment(row.id, service, row.name, row.created_at, _visibility(svc.private, row))


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
