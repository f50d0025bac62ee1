"""Promotion and pipelines.

Promoting environment A to B makes a new version of B with A's current code (same bundle
digest, main module and compatibility settings) and B's own vars, secrets and bindings — or
A's with `with_config=True` — records `promoted_from` (A's version id), `triggered_by=promotion`,
and deploys it in B at 100 %.

A pipeline is a service's ordered list of environments (`development → staging → production`);
`promote_next` moves an environment's current version one stage on.
"""

from __future__ import annotations

import sqlalchemy as sa

from ..store.tables import environments, pipeline_stages, services
from ._accounts import Principal, require_write
from ._context import Context, find_environment, find_service
from ._errors import Conflict, Invalid
from ._events import PipelineChanged
from ._validation import MESSAGE_MAX, check_text
from ._versioning import (
    Content,
    Meta,
    Version,
    content_of,
    current_version,
    latest_version,
    prepare_version,
    write_version,
)

__all__ = ["Promotion"]


class Promotion:
    def __init__(self, ctx: Context) -> None:
        self._ctx = ctx

    async def promote(
        self,
        principal: Principal,
        service: str,
        from_env: str,
        to_env: str,
        *,
        with_config: bool = False,
        message: str | None = None,
    ) -> Version:
        require_write(principal)
        check_text("message", message, MESSAGE_MAX)
        if from_env == to_env:
            raise Invalid("promote to a different environment", code="invalid_promotion")
        async with self._ctx.store.read() as conn:
            source = await find_environment(conn, principal.account.id, service, from_env)
            target = await find_environment(conn, principal.account.id, service, to_env)
            promoted = await current_version(conn, source)
            if promoted is None:
                raise Conflict(
                    f"environment {from_env!r} has nothing deployed to promote",
                    code="nothing_deployed",
                )
            base = await latest_version(conn, target.environment_id)
            code = await content_of(self._ctx, conn, promoted)
            # The target's own configuration: its latest version's (nothing if it is empty).
            config = code if with_config else None
            if config is None and base is not None:
                config = await content_of(self._ctx, conn, base)
        content = Content(
            main_module=code.main_module,
            compatibility_date=code.compatibility_date,
            compatibility_flags=code.compatibility_flags,
            vars=config.vars if config else {},
            bindings=config.bindings if config else [],
            secrets=config.secrets if config else {},
            bundle_digest=code.bundle_digest,
            # Same service, so the secret set can be shared instead of re-encrypted.
            secret_set_id=config.secret_set_id if config else None,
        )
        meta = Meta(
            principal.token_name,
            "promotion",
            message=message or f"Promoted from {from_env} v{promoted.number}",
            tag=promoted.tag,
            git_commit=promoted.git_commit,
            promoted_from=promoted.id,
        )
        prepared = await prepare_version(self._ctx, target, content)
        async with self._ctx.store.write() as conn:
            # Checked again as the version is written: a rollback of the source made while
            # this version was validated means the code being promoted was just withdrawn.
            now = await current_version(conn, source)
            if (now and now.id) != promoted.id:
                raise Conflict(
                    f"environment {from_env!r} got a new deployment meanwhile; retry",
                    code="concurrent_change",
                )
            version, _, events = await write_version(
                self._ctx, conn, target, base, prepared, meta, deploy="promotion"
            )
        await self._ctx.publish(events)
        return version

    async def set_pipeline(
        self, principal: Principal, service: str, stages: list[str]
    ) -> list[str]:
        """Set the service's pipeline: its environments in promotion order ([] clears it)."""
        require_write(principal)
        if not isinstance(stages, list | tuple) or len(set(stages)) != len(stages):
            raise Invalid("a pipeline is a list of distinct environments", code="invalid_pipeline")
        if len(stages) == 1:
            raise Invalid("a pipeline needs at least two environments", code="invalid_pipeline")
        async with self._ctx.store.write() as conn:
            svc = await find_service(conn, principal.account.id, service)
            # Two concurrent updates would both delete and then both insert the same stages:
            # the service row's lock makes the second wait for the first to commit.
            lock = sa.select(services.c.id).where(services.c.id == svc.id).with_for_update()
            await conn.execute(lock)
            ids = []
            for name in stages:
                ref = await find_environment(conn, principal.account.id, service, name)
                ids.append(ref.environment_id)
            await conn.execute(
                pipeline_stages.delete().where(pipeline_stages.c.service_id == svc.id)
            )
            if ids:
                await conn.execute(
                    pipeline_stages.insert(),
                    [
                        {"service_id": svc.id, "position": i, "environment_id": env_id}
                        for i, env_id in enumerate(ids)
                    ],
                )
        await self._ctx.publish([PipelineChanged(principal.account.id, service)])
        return list(stages)

    async def get_pipeline(self, principal: Principal, service: str) -> list[str]:
        async with self._ctx.store.read() as conn:
            svc = await find_service(conn, principal.account.id, service)
            result = await conn.execute(
                sa.select(environments.c.name)
                .join(pipeline_stages)
                .where(pipeline_stages.c.service_id == svc.id)
                .order_by(pipeline_stages.c.position)
            )
            return list(result.scalars())

    async def promote_next(
        self,
        principal: Principal,
        service: str,
        environment: str,
        *,
        with_config: bool = False,
        message: str | None = None,
    ) -> Version:
        """Promote `environment`'s current version to the next stage of the pipeline."""
        require_write(principal)
        stages = await self.get_pipeline(principal, service)
        if not stages:
            raise Conflict(
                f"service {service!r} has no promotion pipeline: set one, or name the "
                "environment to promote to",
                code="no_pipeline",
            )
        if environment not in stages:
            raise Conflict(
                f"environment {environment!r} is not in the pipeline of {service!r}",
                code="not_in_pipeline",
            )
        position = stages.index(environment)
        if position == len(stages) - 1:
            raise Conflict(
                f"environment {environment!r} is the last stage of the pipeline",
                code="end_of_pipeline",
            )
        return await self.promote(
            principal,
            service,
            environment,
            stages[position + 1],
            with_config=with_config,
            message=message,
        )
