"""Secrets, vars and bindings of an environment: each change is a new version, deployed.

A change applies to what the environment serves: it builds on the version serving 100 % of
the traffic and deploys the result at once (a secret change after a rollback changes the
rolled-back code, never the newer version nobody serves). `deploy=False` only makes the
version, from the latest one (`wrangler versions secret put`). Reads show what is served.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import sqlalchemy as sa

from ._accounts import Principal, require_write
from ._context import Context, find_environment
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
    current_version,
    latest_version,
    served_version,
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
        """Names of the secrets the environment serves (values are write-only)."""
        row = await served(self._ctx, principal, service, environment)
        return list(row.secret_names) if row is not None else []


class Settings:
    """Vars and binding specs, replaced as a whole."""

    def __init__(self, ctx: Context) -> None:
        self._ctx = ctx

    async def served(
        self, principal: Principal, service: str, environment: str
    ) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        """The vars and binding specs of what the environment serves."""
        row = await served(self._ctx, principal, service, environment)
        return (dict(row.vars), list(row.bindings)) if row is not None else ({}, [])

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
        checked = check_bindings(bindings, self._ctx.binding_rules)

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
    """A new version: the one serving 100 % with `apply`'s change, deployed; with
    `deploy=False`, the latest version with the change, not deployed."""
    async with ctx.store.read() as conn:
        ref = await find_environment(conn, principal.account.id, service, environment)
        latest = await latest_version(conn, ref.environment_id)
        if latest is None:
            raise Conflict(
                f"environment {environment!r} has no version yet: upload code first",
                code="no_version",
            )
        source = await current_version(conn, ref) if deploy else latest
        if source is None:
            raise Conflict(
                f"nothing is deployed to {environment!r} yet: deploy a version first, or make "
                "the change without deploying it",
                code="nothing_deployed",
            )
        content = await content_of(ctx, conn, source)
    apply(content)
    # Written only if no version or deployment landed meanwhile: a rollback made while this
    # change was validated must not be undone by it.
    version, _ = await create_version(
        ctx,
        ref,
        latest,
        content,
        meta,
        deploy=meta.triggered_by if deploy else None,
        deployed=source.id if deploy else None,
    )
    return version


async def served(
    ctx: Context, principal: Principal, service: str, environment: str
) -> sa.Row[Any] | None:
    async with ctx.store.read() as conn:
        ref = await find_environment(conn, principal.account.id, service, environment)
        return await served_version(conn, ref)
