"""What the edge needs to serve traffic, read in bulk at start and per environment on events.

These functions take the store, not a principal: they serve the platform itself (the edge and
the runtime of this node), across accounts, and return secrets decrypted. Never expose them
through the API.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from ..store import Store
from ..store.tables import (
    accounts,
    custom_domains,
    deployment_versions,
    deployments,
    environments,
    routes,
    secret_sets,
    services,
    versions,
)

__all__ = [
    "CustomDomainView",
    "EnvironmentView",
    "RouteView",
    "RoutingSnapshot",
    "VersionView",
    "environment_runtime_view",
    "snapshot_routing",
    "version_runtime_view",
]


@dataclass(slots=True)
class VersionView:
    id: str
    number: int
    environment_id: str
    bundle_digest: str
    main_module: str
    compatibility_date: str | None
    compatibility_flags: list[str]
    vars: dict[str, Any]
    bindings: list[dict[str, Any]]
    secrets: dict[str, str]  # decrypted
    tag: str | None
    message: str | None
    created_at: datetime


@dataclass(slots=True)
class EnvironmentView:
    environment_id: str
    account_id: str
    account_subdomain: str
    service_id: str
    service: str
    environment: str
    private: bool  # the service's or the environment's own: reached only through bindings
    deployment_id: str | None = None
    split: list[tuple[str, float]] = field(default_factory=list)  # (version id, percentage)
    deployed: dict[str, VersionView] = field(default_factory=dict)  # by version id
    # Every version's number → id, for the preview hostnames `v<N>.<env>…`; load any of them
    # with `version_runtime_view` when first asked for.
    version_ids: dict[int, str] = field(default_factory=dict)
    workers_dev: bool = True  # the generated environment hostname answers (never if private)
    preview_urls: bool = True  # the versions' hostnames answer (never if private)


@dataclass(slots=True)
class RouteView:
    id: str
    account_id: str
    pattern: str
    environment_id: str | None  # None: a hole


@dataclass(slots=True)
class CustomDomainView:
    id: str
    account_id: str
    hostname: str
    environment_id: str


@dataclass(slots=True)
class RoutingSnapshot:
    environments: list[EnvironmentView]
    routes: list[RouteView]
    custom_domains: list[CustomDomainView]


async def snapshot_routing(store: Store) -> RoutingSnapshot:
    """Everything the edge serves, for every environment of every account."""
    async with store.read() as conn:
        views = await _environment_views(conn, store, None)
        route_rows = await conn.execute(sa.select(routes).order_by(routes.c.created_at))
        domain_rows = await conn.execute(sa.select(custom_domains))
        return RoutingSnapshot(
            environments=views,
            routes=[RouteView(r.id, r.account_id, r.pattern, r.environment_id) for r in route_rows],
            custom_domains=[
                CustomDomainView(d.id, d.account_id, d.hostname, d.environment_id)
                for d in domain_rows
            ],
        )


async def environment_runtime_view(store: Store, environment_id: str) -> EnvironmentView | None:
    """One environment as in `snapshot_routing`; None once it is deleted."""
    async with store.read() as conn:
        views = await _environment_views(conn, store, environment_id)
    return views[0] if views else None


async def version_runtime_view(store: Store, version_id: str) -> VersionView | None:
    async with store.read() as conn:
        rows = (await conn.execute(sa.select(versions).where(versions.c.id == version_id))).all()
        views = await _version_views(conn, store, rows)
    return views[0] if views else None


async def _environment_views(
    conn: AsyncConnection, store: Store, environment_id: str | None
) -> list[EnvironmentView]:
    query = (
        sa.select(
            environments.c.id,
            environments.c.name,
            services.c.id.label("service_id"),
            services.c.name.label("service"),
            services.c.private,
            environments.c.private.label("env_private"),
            environments.c.workers_dev,
            environments.c.preview_urls,
            accounts.c.id.label("account_id"),
            accounts.c.subdomain,
        )
        .join(services, services.c.id == environments.c.service_id)
        .join(accounts, accounts.c.id == services.c.account_id)
        .where(accounts.c.disabled_at.is_(None))  # a disabled account is not served
    )
    if environment_id is not None:
        query = query.where(environments.c.id == environment_id)
    views: dict[str, EnvironmentView] = {}
    for r in await conn.execute(query):
        private = bool(r.private or r.env_private)
        views[r.id] = EnvironmentView(
            r.id, r.account_id, r.subdomain, r.service_id, r.service, r.name, private
        )
        views[r.id].workers_dev = bool(r.workers_dev) and not private
        views[r.id].preview_urls = bool(r.preview_urls) and not private
    if not views:
        return []
    only = [environment_id] if environment_id is not None else None

    def scoped(query: sa.Select[Any], column: sa.Column[Any]) -> sa.Select[Any]:
        return query if only is None else query.where(column.in_(only))

    # The current deployment of each environment is its highest-numbered one.
    latest = scoped(
        sa.select(
            deployments.c.environment_id, sa.func.max(deployments.c.number).label("number")
        ).group_by(deployments.c.environment_id),
        deployments.c.environment_id,
    ).subquery()
    current = await conn.execute(
        sa.select(
            deployments.c.environment_id,
            deployments.c.id,
            deployment_versions.c.version_id,
            deployment_versions.c.percentage,
        )
        .join(
            latest,
            sa.and_(
                latest.c.environment_id == deployments.c.environment_id,
                latest.c.number == deployments.c.number,
            ),
        )
        .join(deployment_versions, deployment_versions.c.deployment_id == deployments.c.id)
        .order_by(deployment_versions.c.position)
    )
    deployed_ids: set[str] = set()
    for row in current:
        view = views[row.environment_id]
        view.deployment_id = row.id
        view.split.append((row.version_id, row.percentage))
        deployed_ids.add(row.version_id)
    numbers = await conn.execute(
        scoped(
            sa.select(versions.c.environment_id, versions.c.number, versions.c.id),
            versions.c.environment_id,
        )
    )
    for row in numbers:
        views[row.environment_id].version_ids[row.number] = row.id
    if deployed_ids:
        rows = (
            await conn.execute(sa.select(versions).where(versions.c.id.in_(deployed_ids)))
        ).all()
        for version in await _version_views(conn, store, rows):
            views[version.environment_id].deployed[version.id] = version
    return list(views.values())


async def _version_views(
    conn: AsyncConnection, store: Store, rows: Sequence[sa.Row[Any]]
) -> list[VersionView]:
    set_ids = {r.secret_set_id for r in rows if r.secret_set_id is not None}
    secrets: dict[str, dict[str, str]] = {}
    if set_ids:
        query = sa.select(secret_sets).where(secret_sets.c.id.in_(set_ids))
        for s in await conn.execute(query):
            secrets[s.id] = store.secrets.open(bytes(s.ciphertext), context=s.id)
    return [
        VersionView(
            id=r.id,
            number=r.number,
            environment_id=r.environment_id,
            bundle_digest=r.bundle_digest,
            main_module=r.main_module,
            compatibility_date=r.compatibility_date,
            compatibility_flags=list(r.compatibility_flags),
            vars=dict(r.vars),
            bindings=list(r.bindings),
            secrets=dict(secrets[r.secret_set_id]) if r.secret_set_id else {},
            tag=r.tag,
            message=r.message,
            created_at=r.created_at,
        )
        for r in rows
    ]
