"""From stored versions to loadable `VersionSpec`s: bundles on disk, bindings on `env`.

Bundles are written once per digest under `<data_dir>/bundles/<digest>/` (content-addressed,
like the store), so every version sharing code shares the folder while keeping its own module
namespace in the runtime.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import uuid
from pathlib import Path
from typing import Any, Protocol

from ..bindings import BindingError, check_bindings
from ..bindings.vars import value_specs
from ..control import EnvironmentView, Invalid, VersionDraft, VersionView
from ..runtime import BindingSpec, Runtime, VersionSpec
from ..store import Store, manifest_of


class BundleFolders:
    """Materialises bundles as folders the runtime imports from."""

    def __init__(self, root: Path) -> None:
        self.root = root
        root.mkdir(parents=True, exist_ok=True)

    def path(self, digest: str) -> Path:
        return self.root / digest

    def write(self, digest: str, files: dict[str, bytes]) -> Path:
        target = self.path(digest)
        if target.is_dir():
            return target
        scratch = self.root / f".{digest}.{uuid.uuid4().hex}"
        for name, data in files.items():
            path = scratch / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
        try:
            os.rename(scratch, target)  # atomic: a folder is either whole or absent
        except OSError:  # another writer won the race with the same content
            shutil.rmtree(scratch, ignore_errors=True)
        return target


def bundle_digest(files: dict[str, bytes], main_module: str) -> str:
    manifest, _ = manifest_of(files, main_module)
    return hashlib.sha256(manifest.encode()).hexdigest()


def binding_specs(
    vars: dict[str, Any], secrets: dict[str, str], bindings: list[dict[str, Any]]
) -> tuple[BindingSpec, ...]:
    specs = value_specs(vars, secrets)
    for binding in bindings:
        settings = {k: v for k, v in binding.items() if k not in ("name", "type")}
        specs.append(BindingSpec(binding["name"], binding["type"], settings=settings))
    return tuple(specs)


class _Content(Protocol):
    """What a version runs: a stored `VersionView` and an uploaded `VersionDraft` alike."""

    id: str
    main_module: str
    compatibility_date: str | None
    compatibility_flags: list[str]
    vars: dict[str, Any]
    secrets: dict[str, str]
    bindings: list[dict[str, Any]]


class _Owner(Protocol):
    """Whose version it is: an `EnvironmentView`, or the draft that names its environment."""

    service: str
    environment: str
    account_id: str


def version_spec(content: _Content, owner: _Owner, root: Path, **metadata: Any) -> VersionSpec:
    """The runtime's description of a version; `metadata` (number, tag, created_on) is what
    only a stored version has."""
    return VersionSpec(
        id=content.id,
        script_name=owner.service,
        environment=owner.environment,
        account=owner.account_id,
        root=root,
        main_module=content.main_module,
        compatibility_date=content.compatibility_date,
        compatibility_flags=tuple(content.compatibility_flags),
        bindings=binding_specs(content.vars, content.secrets, content.bindings),
        **metadata,
    )


class VersionLoader:
    """Prepares versions for the runtime: the edge's `prepare` and the control plane's
    `validate_version` hook (a version is loaded once before it is stored)."""

    def __init__(
        self, store: Store, runtime: Runtime, bundles: BundleFolders, platform: Any = None
    ) -> None:
        self.store = store
        self.runtime = runtime
        self.bundles = bundles
        self.platform = platform  # what bindings reach, checked at upload

    async def prepare(self, version: VersionView, environment: EnvironmentView) -> VersionSpec:
        root = self.bundles.path(version.bundle_digest)
        if not root.is_dir():
            bundle = await self.store.get_bundle(version.bundle_digest)
            root = self.bundles.write(version.bundle_digest, bundle.files)
        return version_spec(
            version,
            environment,
            root,
            number=version.number,
            tag=version.tag,
            created_on=version.created_at.isoformat(),
        )

    async def validate(self, draft: VersionDraft) -> float:
        """Load the draft as the runtime will serve it; its load error rejects the upload.

        The draft is unloaded again: it has no number or tag yet (its version metadata would
        be wrong), and the edge loads it whole when a deployment needs it."""
        root = self.bundles.write(bundle_digest(draft.files, draft.main_module), draft.files)
        spec = version_spec(draft, draft, root)
        try:
            await check_bindings(spec, self.platform)
        except BindingError as error:  # a target that does not exist: the input, not the code
            raise Invalid(str(error), code="invalid_binding") from None
        try:
            return await self.runtime.load(spec)
        finally:
            await self.runtime.unload(spec.id)
