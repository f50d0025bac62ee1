"""Deployments: what serves an environment's traffic.

A deployment is one version at 100 %, or two versions whose percentages add up to 100 (a
gradual deployment; 0 % is allowed, to smoke-test a version through the override header).
The newest deployment of an environment is its current one. Rollback is a new deployment of an
earlier version, by default the version of the last earlier deployment that ran one version at
100 % and is not the version serving now.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from ..store.tables import deployment_versions, deployments, versions
from ._accounts import Principal, require_write
from ._context import (
    Context,
    EnvRef,
    Page,
    environment_history,
    find_environment,
    new_id,
    now,
)
from ._errors import Conflict, ControlError, Invalid, NotFound
from ._events import DeploymentChanged
from ._validation import (
    DEPLOYMENT_TRIGGERS,
    MESSAGE_MAX,
    check_percentage,
    check_text,
    check_trigger,
)

__all__ = ["Deployment", "DeploymentVersion", "Deployments"]

MAX_VERSIONS = 2


@dataclass(slots=True)
class DeploymentVersion:
    version_id: str
    number: int  # the version's number in its environment
    percentage: float


@dataclass(slots=True)
class Deployment:
    id: str
    number: int
    created_at: datetime
    author: str
    message: str | None
    triggered_by: str
    versions: list[DeploymentVersion] = field(default_factory=list)

    @property
    def single_version(self) -> str | None:
        """The version id when one version takes 100 % of the traffic."""
        return self.versions[0].version_id if len(self.versions) == 1 else None


class Deployments:
    def __init__(self, ctx: Context) -> None:
        self._ctx = ctx

    async def create(
        self,
        principal: Principal,
        service: str,
        environment: str,
        split: Mapping[str, float],
        *,
        message: str | None = None,
        triggered_by: str = "deployment",
    ) -> Deployment:
        """Deploy `split` (version id → percentage) to the environment."""
        require_write(principal)
        check_text("message", message, MESSAGE_MAX)
        check_trigger(triggered_by, DEPLOYMENT_TRIGGERS)
        entries = _check_split(split)
        async with self._ctx.store.write() as conn:
            ref = await find_environment(
                conn, principal.account.id, service, environment, lock=True
            )
            await _check_versions_belong(conn, ref, [v for v, _ in entries])
            deployment = await insert_deployment(
                conn, ref, entries, principal.token_name, message, triggered_by
            )
        await self._ctx.publish([deployment_changed(ref, deployment)])
        return deployment

    async def list(
        self,
        principal: Principal,
        service: str,
        environment: str,
        *,
        page: int = 1,
        per_page: int = 20,
    ) -> Page[Deployment]:
        """Deployments, newest first."""

        async def load(
            conn: AsyncConnection, ref: EnvRef, limit: int, offset: int
        ) -> list[Deployment]:
            return await load_deployments(conn, ref.environment_id, limit=limit, offset=offset)

        return await environment_history(
            self._ctx,
            principal.account.id,
            service,
            environment,
            deployments,
            load,
            page=page,
            per_page=per_page,
        )

    async def current(
        self, principal: Principal, service: str, environment: str
    ) -> Deployment | None:
        async with self._ctx.store.read() as conn:
            ref = await find_environment(conn, principal.account.id, service, environment)
            found = await load_deployments(conn, ref.environment_id, limit=1)
        return found[0] if found else None

    async def rollback(
        self,
        principal: Principal,
        service: str,
        environment: str,
        version_id: str | None = None,
        *,
        message: str | None = None,
    ) -> Deployment:
        require_write(principal)
        check_text("message", message, MESSAGE_MAX)
        async with self._ctx.store.write() as conn:
            ref = await find_environment(
                conn, principal.account.id, service, environment, lock=True
            )
            history = await load_deployments(conn, ref.environment_id)
            if not history:
                raise Conflict(
                    f"environment {environment!r} has no deployment to roll back",
                    code="nothing_deployed",
                )
            serving = history[0].single_version
            if version_id is None:
                version_id = _previous_version(history[1:], serving)
            else:
                await _check_versions_belong(conn, ref, [version_id], error=NotFound)
                if version_id == serving:
                    raise Conflict(
                        f"version {version_id} is already deployed at 100 %",
                        code="already_deployed",
                    )
            deployment = await insert_deployment(
                conn, ref, [(version_id, 100.0)], principal.token_name, message, "rollback"
            )
        await self._ctx.publish([deployment_changed(ref, deployment)])
        return deployment


def _previous_version(older: list[Deployment], serving: str | None) -> str:
    for deployment in older:
        candidate = deployment.single_version
        if candidate is not None and candidate != serving:
            return candidate
    raise Conflict(
        "no earlier deployment ran another version at 100 %: name the version to roll back to",
        code="no_rollback_target",
    )


def _check_split(split: Mapping[str, float]) -> list[tuple[str, float]]:
    if not isinstance(split, Mapping) or not 1 <= len(split) <= MAX_VERSIONS:
        raise Invalid(
            f"a deployment has 1 or {MAX_VERSIONS} versions (version id → percentage)",
            code="invalid_deployment",
        )
    entries = [(str(v), check_percentage(p)) for v, p in split.items()]
    if abs(sum(p for _, p in entries) - 100.0) > 1e-6:
        raise Invalid(
            "the percentages of a deployment must add up to 100", code="invalid_deployment"
        )
    return entries


async def _check_versions_belong(
    conn: AsyncConnection, ref: EnvRef, version_ids: list[str], error: type[ControlError] = Invalid
) -> None:
    found = set(
        (
            await conn.execute(
                sa.select(versions.c.id).where(
                    versions.c.environment_id == ref.environment_id, versions.c.id.in_(version_ids)
                )
            )
        ).scalars()
    )
    for version_id in version_ids:
        if version_id not in found:
            raise error(
                f"version {version_id!r} is not a version of environment {ref.environment!r}",
                code="version_not_found",
            )


async def insert_deployment(
    conn: AsyncConnection,
    ref: EnvRef,
    entries: list[tuple[str, float]],
    author: str,
    message: str | None,
    triggered_by: str,
) -> Deployment:
    """Write a deployment. The caller holds the environment's lock and has validated input."""
    number = (
        await conn.execute(
            sa.select(sa.func.coalesce(sa.func.max(deployments.c.number), 0)).where(
                deployments.c.environment_id == ref.environment_id
            )
        )
    ).scalar_one() + 1
    deployment = Deployment(new_id(), number, now(), author, message, triggered_by)
    await conn.execute(
        deployments.insert().values(
            id=deployment.id,
            environment_id=ref.environment_id,
            number=number,
            created_at=deployment.created_at,
            author=author,
            message=message,
            triggered_by=triggered_by,
        )
    )
    await conn.execute(
        deployment_versions.insert(),
        [
            {"deployment_id": deployment.id, "position": i, "version_id": v, "percentage": p}
            for i, (v, p) in enumerate(entries)
        ],
    )
    result = await conn.execute(
        sa.select(versions.c.id, versions.c.number).where(
            versions.c.id.in_([v for v, _ in entries])
        )
    )
    numbers = {row.id: row.number for row in result}
    deployment.versions = [DeploymentVersion(v, numbers[v], p) for v, p in entries]
    return deployment


async def load_deployments(
    conn: AsyncConnection, environment_id: str, *, limit: int | None = None, offset: int = 0
) -> list[Deployment]:
    """Deployments of an environment, newest first."""
    query = (
        sa.select(deployments)
        .where(deployments.c.environment_id == environment_id)
        .order_by(deployments.c.number.desc())
        .offset(offset)
    )
    if limit is not None:
        query = query.limit(limit)
    result = {
        r.id: Deployment(r.id, r.number, r.created_at, r.author, r.message, r.triggered_by)
        for r in await conn.execute(query)
    }
    if result:
        splits = await conn.execute(
            sa.select(
                deployment_versions.c.deployment_id,
                deployment_versions.c.version_id,
                deployment_versions.c.percentage,
                versions.c.number,
            )
            .join(versions)
            .where(deployment_versions.c.deployment_id.in_(list(result)))
            .order_by(deployment_versions.c.position)
        )
        for row in splits:
            result[row.deployment_id].versions.append(
                DeploymentVersion(row.version_id, row.number, row.percentage)
            )
    return list(result.values())


def deployment_changed(ref: EnvRef, deployment: Deployment) -> DeploymentChanged:
    return DeploymentChanged(
        ref.account_id, ref.service, ref.environment, ref.environment_id, deployment.id
    )
