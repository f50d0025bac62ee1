"""Binding types: one folder each (its runtime object, storage, API routes, checks).

A binding type is a folder that exports a `BindingType`, plus one line in `BINDING_TYPES`.
`build_env` turns a version's binding specs into the objects its `env` holds;
`binding_rules` is what the control plane checks an uploaded binding against.
"""

from __future__ import annotations

from typing import Any

from ..runtime import Env, VersionSpec
from ._type import BindingCheck, BindingError, BindingFactory, BindingType
from .durable_objects import DURABLE_OBJECT
from .kv import KV
from .services import SERVICE
from .vars import JSON, SECRET, TEXT, VERSION_METADATA

BINDING_TYPES: dict[str, BindingType] = {
    kind.name: kind for kind in (TEXT, JSON, SECRET, VERSION_METADATA, KV, SERVICE, DURABLE_OBJECT)
}


def build_env(version: VersionSpec, platform: Any = None) -> Env:
    values: dict[str, Any] = {}
    for binding in version.bindings:
        kind = BINDING_TYPES.get(binding.type)
        if kind is None:
            raise BindingError(f"binding {binding.name!r}: unknown binding type {binding.type!r}")
        values[binding.name] = kind.make(binding, version, platform)
    return Env(values)


async def check_bindings(version: VersionSpec, platform: Any = None) -> None:
    """Raise `BindingError` for a binding whose target does not exist for this account."""
    for binding in version.bindings:
        kind = BINDING_TYPES.get(binding.type)
        if kind is not None and kind.check is not None:
            await kind.check(binding, version, platform)


def binding_rules() -> dict[str, tuple[str, ...]]:
    """The types a version may list among its bindings, each with the settings it requires:
    the control plane's check of an upload, handed to it by whoever composes the platform."""
    return {name: kind.required for name, kind in BINDING_TYPES.items() if kind.declared}


__all__ = [
    "BINDING_TYPES",
    "BindingCheck",
    "BindingError",
    "BindingFactory",
    "BindingType",
    "binding_rules",
    "build_env",
    "check_bindings",
]
