"""Versions: immutable, numbered snapshots of an environment; upload as multipart/form-data.

An upload is one `metadata` part (JSON, `UploadMetadata`) plus one part per file of the
bundle. A file's path relative to the bundle root is its part name (`src/entry.py`), or, for
parts named `files` (e.g. `curl -F files=@entry.py`), its filename — the same idea as
Cloudflare's script upload, where module parts are named by their module name.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from fastapi import APIRouter, HTTPException, Request
from pydantic import Field, ValidationError
from starlette.datastructures import UploadFile

from ..control import Deployment, Invalid, Principal, Version
from ..store import MAX_BUNDLE_BYTES, MAX_FILES
from ._auth import Caller, Writer
from ._context import ApiContext, Ctx, Out, Page, Paging, Strict
from ._deployments import DeploymentOut, deployment_out, version_key
from ._errors import ERROR_RESPONSES, RequestInvalid

__all__ = ["ChangeOut", "VersionOut", "change_out", "router", "version_out"]

router = APIRouter(tags=["versions"], responses=ERROR_RESPONSES)

_ENV = "/services/{service}/environments/{environment}"
_FILES_PART = "files"
# The bundle limit plus room for the metadata part and multipart framing.
_MAX_UPLOAD_BYTES = MAX_BUNDLE_BYTES + 2**20


class VersionOut(Out):
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
    promoted_from: str | None  # id of the version it was promoted (or cloned) from
    compatibility_date: str | None
    compatibility_flags: list[str]
    main_module: str
    bundle_digest: str
    vars: dict[str, Any]
    bindings: list[dict[str, Any]]
    secrets: list[str]  # names only: values are write-only
    startup_time_ms: float | None
    preview_url: str | None  # None for a private service


class ChangeOut(Out):
    """What an operation making a version returns: the version, and the deployment it made
    (None when the version was only uploaded)."""

    version: VersionOut
    deployment: DeploymentOut | None


class UploadMetadata(Strict):
    """The `metadata` part of an upload. Settings left out keep the environment's latest
    version's (as `wrangler versions upload` keeps secrets); `{}`/`[]` clears them."""

    main_module: str = Field(description="Path of the entry module inside the bundle")
    compatibility_date: str | None = None
    compatibility_flags: list[str] | None = None
    vars: dict[str, Any] | None = None
    bindings: list[dict[str, Any]] | None = None
    secrets: dict[str, str] | None = None
    message: str | None = Field(None, description="At most 100 characters")
    tag: str | None = Field(None, description="At most 25 characters")
    git_commit: str | None = None
    triggered_by: Literal["upload", "dashboard"] = "upload"
    deploy: bool = Field(False, description="Deploy the new version at 100 % at once")


def version_out(
    ctx: ApiContext, principal: Principal, version: Version, private: bool
) -> VersionOut:
    return VersionOut(
        id=version.id,
        number=version.number,
        service=version.service,
        environment=version.environment,
        created_at=version.created_at,
        author=version.author,
        message=version.message,
        tag=version.tag,
        git_commit=version.git_commit,
        triggered_by=version.triggered_by,
        promoted_from=version.promoted_from,
        compatibility_date=version.compatibility_date,
        compatibility_flags=version.compatibility_flags,
        main_module=version.main_module,
        bundle_digest=version.bundle_digest,
        vars=version.vars,
        bindings=version.bindings,
        secrets=version.secret_names,
        startup_time_ms=version.startup_time_ms,
        preview_url=ctx.urls.version(
            principal, version.service, version.environment, version.number, private
        ),
    )


async def change_out(
    ctx: ApiContext, principal: Principal, version: Version, *, deployed: bool
) -> ChangeOut:
    """The version plus, when it was deployed, the environment's (new) current deployment."""
    private = await ctx.hides_previews(principal, version.service, version.environment)
    deployment: Deployment | None = None
    if deployed:
        deployment = await ctx.plane.deployments.current(
            principal, version.service, version.environment
        )
    return ChangeOut(
        version=version_out(ctx, principal, version, private),
        deployment=deployment_out(deployment) if deployment else None,
    )


@router.get(_ENV + "/versions")
async def list_versions(
    ctx: Ctx, principal: Caller, service: str, environment: str, paging: Paging
) -> Page[VersionOut]:
    """Versions, newest first."""
    private = await ctx.hides_previews(principal, service, environment)
    page = await ctx.plane.versions.list(
        principal, service, environment, page=paging.page, per_page=paging.per_page
    )
    return Page[VersionOut](
        items=[version_out(ctx, principal, v, private) for v in page.items],
        page=page.page,
        per_page=page.per_page,
        total=page.total,
    )


@router.get(_ENV + "/versions/{version}")
async def get_version(
    ctx: Ctx, principal: Caller, service: str, environment: str, version: str
) -> VersionOut:
    """A version by id or by number."""
    private = await ctx.hides_previews(principal, service, environment)
    found = await ctx.plane.versions.get(principal, service, environment, version_key(version))
    return version_out(ctx, principal, found, private)


_UPLOAD_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["metadata"],
                    "properties": {
                        "metadata": {
                            "type": "string",
                            "description": "JSON: " + ", ".join(UploadMetadata.model_fields),
                        },
                    },
                    "additionalProperties": {
                        "type": "string",
                        "format": "binary",
                        "description": "A file of the bundle; the part name is its path",
                    },
                }
            }
        },
    }
}


@router.post(_ENV + "/versions", status_code=201, openapi_extra=_UPLOAD_BODY)
async def upload_version(
    request: Request, ctx: Ctx, principal: Writer, service: str, environment: str
) -> ChangeOut:
    """Upload code as a new version (multipart/form-data: `metadata` + one part per file).
    A version whose code does not load is refused with its error and `traceback`."""
    content_type = request.headers.get("content-type", "")
    if not content_type.lower().startswith("multipart/form-data"):
        raise HTTPException(
            415,
            "upload a version as multipart/form-data: a 'metadata' JSON part and one part per file",
        )
    length = request.headers.get("content-length", "")
    if length.isdigit() and int(length) > _MAX_UPLOAD_BYTES:
        # Refused before reading: a bundle this large could never be stored.
        raise HTTPException(413, f"the upload is larger than {_MAX_UPLOAD_BYTES // 2**20} MiB")
    metadata, files = await _read_upload(request)
    version = await ctx.plane.versions.upload(
        principal,
        service,
        environment,
        files=files,
        main_module=metadata.main_module,
        compatibility_date=metadata.compatibility_date,
        compatibility_flags=metadata.compatibility_flags,
        vars=metadata.vars,
        bindings=metadata.bindings,
        secrets=metadata.secrets,
        message=metadata.message,
        tag=metadata.tag,
        git_commit=metadata.git_commit,
        triggered_by=metadata.triggered_by,
        deploy=metadata.deploy,
    )
    return await change_out(ctx, principal, version, deployed=metadata.deploy)


async def _read_upload(request: Request) -> tuple[UploadMetadata, dict[str, bytes]]:
    raw_metadata: str | bytes | None = None
    files: dict[str, bytes] = {}
    total = 0
    # Starlette's defaults cap a non-file part at 1 MiB; a bundle may be sent as plain parts.
    async with request.form(
        max_files=MAX_FILES + 1, max_fields=MAX_FILES + 1, max_part_size=MAX_BUNDLE_BYTES
    ) as form:
        for name, part in form.multi_items():
            data = await part.read() if isinstance(part, UploadFile) else part.encode()
            total += len(data)
            if total > _MAX_UPLOAD_BYTES:  # chunked uploads carry no Content-Length
                raise HTTPException(
                    413, f"the upload is larger than {_MAX_UPLOAD_BYTES // 2**20} MiB"
                )
            if name == "metadata":
                raw_metadata = data
                continue
            path = name
            if name == _FILES_PART and isinstance(part, UploadFile) and part.filename:
                path = part.filename
            if path in files:
                raise Invalid(f"file {path!r} is sent twice", code="invalid_bundle")
            files[path] = data
    if raw_metadata is None:
        raise Invalid("the upload has no 'metadata' part (JSON)", code="invalid_metadata")
    try:
        metadata = UploadMetadata.model_validate_json(raw_metadata)
    except ValidationError as error:
        raise RequestInvalid(error.errors(), prefix="metadata") from None
    if not files:
        raise Invalid("the upload has no files", code="invalid_bundle")
    return metadata, files
