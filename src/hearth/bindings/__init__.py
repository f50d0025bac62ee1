"""Binding types: one folder each (its runtime object, storage, API routes, checks).

A binding type is a folder that exports a `BindingType` (with its wrangler schema: how its
config keys read, and what `hearth dev` and `hearth deploy` make of them), plus one line in
`BINDING_TYPES`.
`build_env` turns a version's binding specs into the objects its `env` holds;
`binding_rules` is what the control plane checks an uploaded binding against.
"""

from __future__ import annotations

from typing import Any

from ..config import BindingSchema, WorkerConfig
from ..runtime import Env, VersionSpec
from ._type import (
    AccountApi,
    BindingCheck,
    BindingError,
    BindingFactory,
    BindingType,
    WranglerBinding,
)
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


def wrangler_schemas() -> list[BindingSchema]:
    """How each binding type reads from a wrangler config: what `load_config` is handed to
    read a project's bindings (each comes back as its type's `WranglerBinding`)."""
    return [kind.wrangler for kind in BINDING_TYPES.values() if kind.wrangler is not None]


def declared_bindings(config: WorkerConfig) -> list[WranglerBinding]:
    """A config's bindings, as read with `wrangler_schemas()` (each its type's kind)."""
    return [binding for binding in config.bindings if isinstance(binding, WranglerBinding)]


__all__ = [
    "BINDING_TYPES",
    "AccountApi",
    "BindingCheck",
    "BindingError",
    "BindingFactory",
    "BindingType",
    "binding_rules",
    "build_env",
    "WranglerBinding",
    "check_bindings",
    "declared_bindings",
    "wrangler_schemas",
]
