"""Secrets, vars and bindings of an environment: each change is a new version, deployed.

Like `wrangler secret put`, a change builds on the environment's latest version and deploys
the result at once. If the latest version is not the one serving 100 % of the traffic,
deploying it would ship code nobody deployed, so the change is refused unless `deploy=False`
(which only makes the version, like `wrangler versions secret put`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from ._accounts import Principal, require_write
from ._context import Context, find_environment
from ._deployments import load_deployments
from ._errors import Conflict, Invalid, NotFound
from ._validation import (
    MESSAGE_MAX,
    VERSION_TRIGGERS,
    check_bindings,
    check_secret,
    check_text,
    check_trigger,
    check_vars,
)
from ._versioning import (
    Content,
    Meta,
    Version,
    content_of,
    create_version,
    latest_version,
)

__all__ = ["Secrets", "Settings"]


class Secrets:
    def __init__(self, ctx: Context) -> None:
        self._ctx = ctx

    async def put(
        self,
        principal: Principal,
        service: str,
        environment: str,
        name: str,
        value: str,
        *,
        deploy: bool = True,
    ) -> Version:
        return await self.update(principal, service, environment, {name: value}, deploy=deploy)

    async def delete(
        self,
        principal: Principal,
        service: str,
        environment: str,
        name: str,
        *,
        deploy: bool = True,
    ) -> Version:
        return await self.update(principal, service, environment, {name: None}, deploy=deploy)

    async def update(
        self,
        principal: Principal,
        service: str,
        environment: str,
        changes: Mapping[str, str | None],
        *,
        deploy: bool = True,
    ) -> Version:
        """Put and delete several secrets in one version (None deletes), like `secret bulk`."""
        require_write(principal)
        if not isinstance(changes, Mapping) or not changes:
            raise Invalid("no secret to change", code="invalid_secret")
        for name, value in changes.items():
            if value is not None:
                check_secret(name, value)

        def apply(content: Content) -> None:
            secrets = dict(content.secrets)
            for name, value in changes.items():
                if value is not None:
                    secrets[name] = value
                elif secrets.pop(name, None) is None:
                    raise NotFound(f"secret {name!r} not found", code="secret_not_found")
            content.secrets = secrets
            content.secret_set_id = None  # new values: a new encrypted set

        return await derive(
            self._ctx,
            principal,
            service,
            environment,
            apply,
            Meta(principal.token_name, "secret"),
            deploy=deploy,
        )

    async def list(self, principal: Principal, service: str, environment: str) -> list[str]:
        """Names of the secrets of the latest version (values are write-only)."""
        async with self._ctx.store.read() as conn:
            ref = await find_environment(conn, principal.account.id, service, environment)
            row = await latest_version(conn, ref.environment_id)
        return list(row.secret_names) if row is not None else []


class Settings:
    """Vars and binding specs, replaced as a whole."""

    def __init__(self, ctx: Context) -> None:
        self._ctx = ctx

    async def set_vars(
        self,
        principal: Principal,
        service: str,
        environment: str,
        vars: dict[str, Any],
        *,
        message: str | None = None,
        triggered_by: str = "dashboard",
        deploy: bool = True,
    ) -> Version:
        require_write(principal)
        checked = check_vars(vars)

        def apply(content: Content) -> None:
            content.vars = checked

        meta = _meta(principal, triggered_by, message)
        return await derive(self._ctx, principal, service, environment, apply, meta, deploy=deploy)

    async def set_bindings(
        self,
        principal: Principal,
        service: str,
        environment: str,
        bindings: list[dict[str, Any]],
        *,
        message: str | None = None,
        triggered_by: str = "dashboard",
        deploy: bool = True,
    ) -> Version:
        require_write(principal)
        checked = check_bindings(bindings)

        def apply(content: Content) -> None:
            content.bindings = checked

        meta = _meta(principal, triggered_by, message)
        return await derive(self._ctx, principal, service, environment, apply, meta, deploy=deploy)


def _meta(principal: Principal, triggered_by: str, message: str | None) -> Meta:
    return Meta(
        principal.token_name,
        check_trigger(triggered_by, VERSION_TRIGGERS),
        check_text("message", message, MESSAGE_MAX),
    )


async def derive(
    ctx: Context,
    principal: Principal,
    service: str,
    environment: str,
    apply: Callable[[Content], None],
    meta: Meta,
    *,
    deploy: bool,
) -> Version:
    """A new version: the latest one with `apply`'s change, deployed unless `deploy=False`."""
    async with ctx.store.read() as conn:
        ref = await find_environment(conn, principal.account.id, service, environment)
        base = await latest_version(conn, ref.environment_id)
        if base is None:
            raise Conflict(
                f"environment {environment!r} has no version yet: upload code first",
                code="no_version",
            )
        if deploy:
            current = await load_deployments(conn, ref.environment_id, limit=1)
            if not current or current[0].single_version != base.id:
                raise Conflict(
                    f"the latest version (v{base.number}) of {environment!r} is not the one "
                    "deployed at 100 %: deploy it first, or make the change with deploy=False",
                    code="latest_not_deployed",
                )
        content = await content_of(ctx, conn, base)
    apply(content)
    # The deployment is checked again as the version is written: a rollback made while this
    # change was validated must not be undone by it.
    version, _ = await create_version(
        ctx,
        ref,
        base,
        content,
        meta,
        deploy=meta.triggered_by if deploy else None,
        deployed=base.id if deploy else None,
    )
    return version
