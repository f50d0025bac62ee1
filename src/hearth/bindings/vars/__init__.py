"""Vars (text and JSON), secrets and version metadata: plain values on `env`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ...runtime import BindingSpec, VersionSpec
from .._type import BindingType


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


TEXT = BindingType("text", make_text, declared=False)
JSON = BindingType("json", make_json, declared=False)
SECRET = BindingType("secret", make_secret, declared=False)
VERSION_METADATA = BindingType("version_metadata", make_version_metadata)

__all__ = [
    "JSON",
    "SECRET",
    "TEXT",
    "VERSION_METADATA",
    "VersionMetadata",
    "make_json",
    "make_secret",
    "make_text",
    "make_version_metadata",
]
