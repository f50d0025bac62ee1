"""Versions: immutable, numbered snapshots of an environment.

Every change of code, vars, bindings or secrets makes a new version (1, 2, 3… per environment)
and nothing ever updates one. A version holds a bundle digest (code is shared, never copied),
its settings, the *names* of its secrets with a keyed digest of their values, and a reference
to the encrypted secret set it runs with — so a rollback runs with the secrets it had.

Every new version is first loaded by the injected `validate_version` hook (the runtime), so
code that does not load is refused with its error and traceback and nothing is written.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from ..store import check_bundle
from ..store.tables import versions
from ._accounts import Principal, require_write
from ._context import Context, EnvRef, Page, environment_history, find_environment
from ._errors import Invalid, NotFound
from ._validation import (
    MESSAGE_MAX,
    TAG_MAX,
    VERSION_NUMBER_MAX,
    VERSION_TRIGGERS,
    check_bindings,
    check_compatibility,
    check_git_commit,
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
    to_version,
)

__all__ = ["Versions"]


class Versions:
    def __init__(self, ctx: Context) -> None:
        self._ctx = ctx

    async def upload(
        self,
        principal: Principal,
        service: str,
        environment: str,
        *,
        files: dict[str, bytes],
        main_module: str,
        compatibility_date: str | None = None,
        compatibility_flags: list[str] | None = None,
        vars: dict[str, Any] | None = None,
        bindings: list[dict[str, Any]] | None = None,
        secrets: dict[str, str] | None = None,
        message: str | None = None,
        tag: str | None = None,
        git_commit: str | None = None,
        triggered_by: str = "upload",
        deploy: bool = False,
    ) -> Version:
        """Upload code as a new version; it serves only once deployed (`deploy=True` does so at
        100 % right away). Settings left as None keep the latest version's, like wrangler's
        `versions upload` keeps secrets; pass `{}`/`[]` to clear them."""
        require_write(principal)
        meta = Meta(
            principal.token_name,
            check_trigger(triggered_by, VERSION_TRIGGERS),
            check_text("message", message, MESSAGE_MAX),
            check_text("tag", tag, TAG_MAX),
            check_git_commit(git_commit),
        )
        try:
            check_bundle(files, main_module)
        except (ValueError, TypeError, AttributeError) as error:
            raise Invalid(f"invalid bundle: {error}", code="invalid_bundle") from None
        if vars is not None:
            vars = check_vars(vars)
        if bindings is not None:
            bindings = check_bindings(bindings, self._ctx.binding_rules)
        if secrets is not None:
            if not isinstance(secrets, dict):
                raise Invalid("secrets must be an object of name → value", code="invalid_secret")
            for name, value in secrets.items():
                check_secret(name, value)
        async with self._ctx.store.read() as conn:
            ref = await find_environment(conn, principal.account.id, service, environment)
            base = await latest_version(conn, ref.environment_id)
            # A first version inherits nothing.
            kept = (
                await content_of(self._ctx, conn, base)
                if base
                else Content("", None, [], {}, [], {})
            )
        date, flags = check_compatibility(
            kept.compatibility_date if compatibility_date is None else compatibility_date,
            kept.compatibility_flags if compatibility_flags is None else compatibility_flags,
        )
        content = Content(
            main_module=main_module,
            compatibility_date=date,
            compatibility_flags=flags,
            vars=kept.vars if vars is None else vars,
            bindings=kept.bindings if bindings is None else bindings,
            secrets=kept.secrets if secrets is None else dict(secrets),
            files=dict(files),
            # Unchanged secrets keep their encrypted set; new ones get a set of their own.
            secret_set_id=kept.secret_set_id if secrets is None else None,
        )
        version, _ = await create_version(
            self._ctx, ref, base, content, meta, deploy=triggered_by if deploy else None
        )
        return version

    async def list(
        self,
        principal: Principal,
        service: str,
        environment: str,
        *,
        page: int = 1,
        per_page: int = 20,
    ) -> Page[Version]:
        """Versions, newest first."""

        async def load(
            conn: AsyncConnection, ref: EnvRef, limit: int, offset: int
        ) -> list[Version]:
            query = sa.select(versions).where(versions.c.environment_id == ref.environment_id)
            query = query.order_by(versions.c.number.desc()).limit(limit).offset(offset)
            return [to_version(row, ref) for row in await conn.execute(query)]

        return await environment_history(
            self._ctx,
            principal.account.id,
            service,
            environment,
            versions,
            load,
            page=page,
            per_page=per_page,
        )

    async def get(
        self, principal: Principal, service: str, environment: str, version: str | int
    ) -> Version:
        """A version by id, or by number when given an int."""
        if isinstance(version, int) and not 1 <= version <= VERSION_NUMBER_MAX:
            # The column cannot hold it (the database would refuse the query): no such version.
            raise NotFound(f"version {version!r} not found", code="version_not_found")
        async with self._ctx.store.read() as conn:
            ref = await find_environment(conn, principal.account.id, service, environment)
            column = versions.c.number if isinstance(version, int) else versions.c.id
            row = (
                await conn.execute(
                    sa.select(versions).where(
                        versions.c.environment_id == ref.environment_id, column == version
                    )
                )
            ).first()
        if row is None:
            raise NotFound(f"version {version!r} not found", code="version_not_found")
        return to_version(row, ref)
