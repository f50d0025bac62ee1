"""Making versions: the records, the validation hook, and the one place that writes a version.

Every new version — upload, secret or vars change, clone, promotion — goes through
`prepare_version` (checks, then the injected validator loads it; nothing written yet) and
`write_version` (inside the caller's write transaction: number, bundle, secret set, row, and
the deployment when asked).
"""

from __future__ import annotations

import traceback
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from ..store import insert_bundle, insert_secret_set, load_bundle, load_secret_set
from ..store.tables import environments, versions
from ._context import Context, EnvRef, new_id, now
from ._deployments import Deployment, deployment_changed, insert_deployment, load_deployments
from ._drafts import VersionDraft
from ._errors import Conflict, ControlError, Invalid, NotFound
from ._events import Event, VersionCreated
from ._validation import check_unique_names

__all__ = ["Content", "Meta", "Version", "create_version"]


@dataclass(slots=True)
class Version:
    id: str
    number: int
    service: str
    environment: str
    created_at: datetime
    author: str  # the name of the token that made it
    message: str | None
    tag: str | None
    git_commit: str | None
    triggered_by: str
    compatibility_date: str | None
    compatibility_flags: list[str]
    main_module: str
    bundle_digest: str
    vars: dict[str, Any]  # str values are text vars, anything else JSON
    bindings: list[dict[str, Any]]
    secret_names: list[str]
    secrets_digest: str | None
    startup_time_ms: float | None
    promoted_from: str | None  # the source version's id


@dataclass(slots=True)
class Content:
    """Everything a new version will hold besides its metadata."""

    main_module: str
    compatibility_date: str | None
    compatibility_flags: list[str]
    vars: dict[str, Any]
    bindings: list[dict[str, Any]]
    secrets: dict[str, str]
    files: dict[str, bytes] | None = None  # new code, or…
    bundle_digest: str | None = None  # …code already stored
    secret_set_id: str | None = None  # an existing set holding exactly `secrets`


@dataclass(slots=True)
class Meta:
    author: str
    triggered_by: str
    message: str | None = None
    tag: str | None = None
    git_commit: str | None = None
    promoted_from: str | None = None


def to_version(row: Any, ref: EnvRef) -> Version:
    return Version(
        id=row.id,
        number=row.number,
        service=ref.service,
        environment=ref.environment,
        created_at=row.created_at,
        author=row.author,
        message=row.message,
        tag=row.tag,
        git_commit=row.git_commit,
        triggered_by=row.triggered_by,
        compatibility_date=row.compatibility_date,
        compatibility_flags=list(row.compatibility_flags),
        main_module=row.main_module,
        bundle_digest=row.bundle_digest,
        vars=dict(row.vars),
        bindings=list(row.bindings),
        secret_names=list(row.secret_names),
        secrets_digest=row.secrets_digest,
        startup_time_ms=row.startup_time_ms,
        promoted_from=row.promoted_from,
    )


async def latest_version(conn: AsyncConnection, environment_id: str) -> sa.Row[Any] | None:
    return (
        await conn.execute(
            sa.select(versions)
            .where(versions.c.environment_id == environment_id)
            .order_by(versions.c.number.desc())
            .limit(1)
        )
    ).first()


async def served_version(conn: AsyncConnection, ref: EnvRef) -> sa.Row[Any] | None:
    """The version the environment serves: the one with the largest share of the current
    deployment (the older on a tie, as a gradual rollout starts from it); the latest when
    nothing is deployed yet, None when there is no version."""
    found = await load_deployments(conn, ref.environment_id, limit=1)
    if not found:
        return await latest_version(conn, ref.environment_id)
    share = max(found[0].versions, key=lambda v: (v.percentage, -v.number))
    query = sa.select(versions).where(versions.c.id == share.version_id)
    return (await conn.execute(query)).one()


async def current_version(conn: AsyncConnection, ref: EnvRef) -> sa.Row[Any] | None:
    """The version serving 100 % of the environment, None if nothing is deployed. A gradual
    deployment has no single current version: that is a Conflict for the caller to explain."""
    found = await load_deployments(conn, ref.environment_id, limit=1)
    if not found:
        return None
    version_id = found[0].single_version
    if version_id is None:
        raise Conflict(
            f"environment {ref.environment!r} is in a gradual deployment: deploy one version "
            "at 100 % first",
            code="gradual_deployment",
        )
    return (await conn.execute(sa.select(versions).where(versions.c.id == version_id))).one()


async def content_of(ctx: Context, conn: AsyncConnection, row: sa.Row[Any]) -> Content:
    """What a stored version holds, secrets decrypted, code by reference."""
    secrets = {}
    if row.secret_set_id is not None:
        secrets = await load_secret_set(conn, ctx.store.secrets, row.secret_set_id)
    return Content(
        main_module=row.main_module,
        compatibility_date=row.compatibility_date,
        compatibility_flags=list(row.compatibility_flags),
        vars=dict(row.vars),
        bindings=list(row.bindings),
        secrets=secrets,
        bundle_digest=row.bundle_digest,
        secret_set_id=row.secret_set_id,
    )


@dataclass(slots=True)
class Prepared:
    """A version that passed validation and is ready to be written."""

    id: str
    content: Content
    startup_time_ms: float | None


async def prepare_version(ctx: Context, ref: EnvRef, content: Content) -> Prepared:
    """Check a new version's content and load it with the validator; writes nothing."""
    check_unique_names(content.vars, list(content.secrets), content.bindings)
    version_id = new_id()
    files = content.files
    if files is None:
        async with ctx.store.read() as conn:
            files = (await load_bundle(conn, content.bundle_digest or "")).files
    startup_time_ms = await _validate(ctx, ref, version_id, content, files)
    return Prepared(version_id, content, startup_time_ms)


async def write_version(
    ctx: Context,
    conn: AsyncConnection,
    ref: EnvRef,
    base: sa.Row[Any] | None,
    prepared: Prepared,
    meta: Meta,
    *,
    deploy: str | None = None,
    deployed: str | None = None,
) -> tuple[Version, Deployment | None, list[Event]]:
    """Write a prepared version (and deploy it at 100 % when `deploy` names the trigger)
    inside the caller's write transaction; see `_check_unchanged` for `base` and `deployed`."""
    latest = await _check_unchanged(conn, ref, base, deployed)
    values = await _version_values(ctx, conn, ref, prepared, meta)
    values["number"] = (latest.number if latest else 0) + 1
    row = (await conn.execute(versions.insert().values(**values).returning(*versions.c))).one()
    version = to_version(row, ref)
    events: list[Event] = [
        VersionCreated(
            ref.account_id,
            ref.service,
            ref.environment,
            ref.environment_id,
            version.id,
            version.number,
        )
    ]
    deployment = None
    if deploy is not None:
        deployment = await insert_deployment(
            conn, ref, [(version.id, 100.0)], meta.author, meta.message, deploy
        )
        events.append(deployment_changed(ref, deployment))
    return version, deployment, events


async def _check_unchanged(
    conn: AsyncConnection, ref: EnvRef, base: sa.Row[Any] | None, deployed: str | None
) -> sa.Row[Any] | None:
    """Lock the environment and return its latest version. `base` is the latest version the
    content was derived from: if another version landed meanwhile, writing would silently drop
    that change, so it is refused instead. `deployed`, when given, is the version the caller
    saw serving at 100 %: a deployment made since (a rollback) is refused the same way."""
    row = (
        await conn.execute(
            sa.select(environments.c.name)
            .where(environments.c.id == ref.environment_id)
            .with_for_update()
        )
    ).first()
    if row is None:
        raise NotFound(f"environment {ref.environment!r} not found", code="environment_not_found")
    ref.environment = row.name
    latest = await latest_version(conn, ref.environment_id)
    if (latest and latest.id) != (base and base.id):
        raise Conflict(
            f"environment {ref.environment!r} got a new version meanwhile; retry",
            code="concurrent_change",
        )
    if deployed is not None:
        current = await load_deployments(conn, ref.environment_id, limit=1)
        if not current or current[0].single_version != deployed:
            raise Conflict(
                f"environment {ref.environment!r} got a new deployment meanwhile; retry",
                code="concurrent_change",
            )
    return latest


async def _version_values(
    ctx: Context, conn: AsyncConnection, ref: EnvRef, prepared: Prepared, meta: Meta
) -> dict[str, Any]:
    """The version's row (all but its number), its bundle and secret set stored first."""
    content = prepared.content
    digest = content.bundle_digest
    if content.files is not None:
        digest = await insert_bundle(conn, content.files, content.main_module)
    set_id = content.secret_set_id
    if set_id is None and content.secrets:
        set_id = await insert_secret_set(conn, ctx.store.secrets, ref.service_id, content.secrets)
    return {
        "id": prepared.id,
        "environment_id": ref.environment_id,
        "created_at": now(),
        "author": meta.author,
        "message": meta.message,
        "tag": meta.tag,
        "git_commit": meta.git_commit,
        "triggered_by": meta.triggered_by,
        "compatibility_date": content.compatibility_date,
        "compatibility_flags": content.compatibility_flags,
        "main_module": content.main_module,
        "bundle_digest": digest,
        "vars": content.vars,
        "bindings": content.bindings,
        "secret_names": sorted(content.secrets),
        "secrets_digest": ctx.store.secrets.digest(content.secrets) if content.secrets else None,
        "secret_set_id": set_id,
        "startup_time_ms": prepared.startup_time_ms,
        "promoted_from": meta.promoted_from,
    }


async def create_version(
    ctx: Context,
    ref: EnvRef,
    base: sa.Row[Any] | None,
    content: Content,
    meta: Meta,
    *,
    deploy: str | None = None,
    deployed: str | None = None,
) -> tuple[Version, Deployment | None]:
    """Validate, write and announce one version of an existing environment."""
    prepared = await prepare_version(ctx, ref, content)
    async with ctx.store.write() as conn:
        version, deployment, events = await write_version(
            ctx, conn, ref, base, prepared, meta, deploy=deploy, deployed=deployed
        )
    await ctx.publish(events)
    return version, deployment


async def _validate(
    ctx: Context, ref: EnvRef, version_id: str, content: Content, files: dict[str, bytes]
) -> float | None:
    if ctx.validate_version is None:
        return None
    draft = VersionDraft(
        id=version_id,
        account_id=ref.account_id,
        service=ref.service,
        environment=ref.environment,
        main_module=content.main_module,
        files=files,
        compatibility_date=content.compatibility_date,
        compatibility_flags=content.compatibility_flags,
        vars=content.vars,
        bindings=content.bindings,
        secrets=content.secrets,
    )
    try:
        return float(await ctx.validate_version(draft))
    except ControlError:
        raise
    except Exception as error:
        text = getattr(error, "traceback", None)
        if not isinstance(text, str) or not text:
            text = "".join(traceback.format_exception(error))
        summary = getattr(error, "message", None) or str(error) or type(error).__name__
        raise Invalid(
            f"the version does not load: {summary}", code="version_invalid", traceback=text
        ) from error
