"""Code bundles, content-addressed.

A bundle is files (relative path → bytes) plus the name of its main module. Each file is
stored once in `blobs` under its sha256; the bundle itself is a manifest (canonical JSON of
path → file digest and the main module) stored under the sha256 of that JSON. A version refers
to its bundle by digest, so cloning or promoting a version never copies code.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection

from .tables import blobs, bundles

__all__ = ["Bundle", "check_bundle", "insert_bundle", "load_bundle"]

MAX_FILES = 1_000
MAX_BUNDLE_BYTES = 25 * 1024 * 1024


@dataclass(slots=True)
class Bundle:
    files: dict[str, bytes]
    main_module: str


def check_bundle(files: dict[str, bytes], main_module: str) -> None:
    """Raise `ValueError` saying what is wrong with a bundle before anything is stored."""
    if not files:
        raise ValueError("the bundle has no files")
    if len(files) > MAX_FILES:
        raise ValueError(f"the bundle has more than {MAX_FILES} files")
    total = 0
    for path, data in files.items():
        _check_path(path)
        if not isinstance(data, bytes):
            raise ValueError(f"file {path!r}: content must be bytes")
        total += len(data)
    if total > MAX_BUNDLE_BYTES:
        raise ValueError(f"the bundle is larger than {MAX_BUNDLE_BYTES // (1024 * 1024)} MiB")
    if main_module not in files:
        raise ValueError(f"the main module {main_module!r} is not one of the bundle's files")


def _check_path(path: str) -> None:
    if not isinstance(path, str) or not path:
        raise ValueError("a file path is empty")
    if len(path) > 255:
        raise ValueError(f"file path {path[:40]!r}… is longer than 255 characters")
    # Paths become files on disk when a version is loaded: nothing may point outside the bundle.
    if path.startswith("/") or "\\" in path or "\x00" in path:
        raise ValueError(f"file path {path!r} must be relative and use '/'")
    if any(part in ("", ".", "..") for part in path.split("/")):
        raise ValueError(f"file path {path!r} has an empty, '.' or '..' segment")


def manifest_of(files: dict[str, bytes], main_module: str) -> tuple[str, dict[str, str]]:
    """The canonical manifest JSON of a bundle and the digest of each file."""
    digests = {path: hashlib.sha256(data).hexdigest() for path, data in files.items()}
    manifest = json.dumps(
        {"files": digests, "main_module": main_module}, sort_keys=True, separators=(",", ":")
    )
    return manifest, digests


async def insert_bundle(conn: AsyncConnection, files: dict[str, bytes], main_module: str) -> str:
    """Store a bundle (idempotent) inside the caller's transaction; return its digest."""
    check_bundle(files, main_module)
    manifest, digests = manifest_of(files, main_module)
    digest = hashlib.sha256(manifest.encode()).hexdigest()
    blob_rows = [
        {"digest": d, "size": len(files[path]), "data": files[path]} for path, d in digests.items()
    ]
    unique_rows = list({row["digest"]: row for row in blob_rows}.values())
    await conn.execute(_insert_ignore(conn, blobs, "digest"), unique_rows)
    await conn.execute(
        _insert_ignore(conn, bundles, "digest"),
        [{"digest": digest, "main_module": main_module, "manifest": manifest}],
    )
    return digest


async def load_bundle(conn: AsyncConnection, digest: str) -> Bundle:
    """The bundle stored under `digest`; `KeyError` if there is none."""
    row = (
        await conn.execute(sa.select(bundles.c.manifest).where(bundles.c.digest == digest))
    ).first()
    if row is None:
        raise KeyError(digest)
    manifest = json.loads(row.manifest)
    wanted = set(manifest["files"].values())
    result = await conn.execute(
        sa.select(blobs.c.digest, blobs.c.data).where(blobs.c.digest.in_(wanted))
    )
    data = {r.digest: bytes(r.data) for r in result}
    return Bundle(
        files={path: data[d] for path, d in manifest["files"].items()},
        main_module=manifest["main_module"],
    )


def _insert_ignore(conn: AsyncConnection, table: sa.Table, key: str) -> sa.Insert:
    # Two uploads of the same file may race; content addressing makes the loser a no-op.
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    return dialect.insert(table).on_conflict_do_nothing(index_elements=[key])
