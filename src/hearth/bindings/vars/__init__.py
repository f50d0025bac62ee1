"""Vars (text and JSON), secrets and version metadata: plain values on `env`."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ...runtime import BindingSpec, VersionSpec
from .._type import BindingType
from ._wrangler import VERSION_METADATA_KEY, VersionMetadataConfig


@dataclass(frozen=True, slots=True)
class VersionMetadata:
    """`env.CF_VERSION_METADATA`: which version is running (Cloudflare's shape)."""

    id: str
    tag: str
    timestamp: str


def make_text(binding: BindingSpec, version: VersionSpec, platform: Any) -> str:
    return str(binding.value)


def make_json(binding: BindingSpec, version: VersionSpec, platform: Any) -> Any:
    return binding.value


def make_secret(binding: BindingSpec, version: VersionSpec, platform: Any) -> str:
    return str(binding.value)


def make_version_metadata(
    binding: BindingSpec, version: VersionSpec, platform: Any
) -> VersionMetadata:
    return VersionMetadata(id=version.id, tag=version.tag or "", timestamp=version.created_on or "")


def value_specs(vars: Mapping[str, Any], secrets: Mapping[str, str]) -> list[BindingSpec]:
    """A version's vars (text or JSON by their value) and secrets as binding specs; a secret
    hides the var of the same name (a local `.dev.vars` secret overriding a var)."""
    specs = [
        BindingSpec(name, "text" if isinstance(value, str) else "json", value)
        for name, value in vars.items()
        if name not in secrets
    ]
    specs += [BindingSpec(name, "secret", value) for name, value in secrets.items()]
    return specs


TEXT = BindingType("text", make_text, declared=False)
JSON = BindingType("json", make_json, declared=False)
SECRET = BindingType("secret", make_secret, declared=False)
VERSION_METADATA = BindingType(
    "version_metadata", make_version_metadata, wrangler=VERSION_METADATA_KEY
)

__all__ = [
    "JSON",
    "SECRET",
    "TEXT",
    "VERSION_METADATA",
    "VersionMetadata",
    "VersionMetadataConfig",
    "make_json",
    "make_secret",
    "make_text",
    "make_version_metadata",
    "value_specs",
]
