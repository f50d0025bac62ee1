"""Binding types: one folder each (config schema, runtime object, storage, API routes).

`build_env` turns a version's binding specs into the objects its `env` holds. A new binding
type is a new folder plus one entry in `BINDING_TYPES`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from ..runtime import BindingSpec, Env, VersionSpec
from .durable_objects import make_durable_object
from .kv import check_kv, make_kv
from .services import make_service
from .vars import make_json, make_secret, make_text, make_version_metadata

BindingFactory = Callable[[BindingSpec, VersionSpec, Any], Any]
BindingCheck = Callable[[BindingSpec, VersionSpec, Any], Awaitable[None]]

BINDING_TYPES: dict[str, BindingFactory] = {
    "text": make_text,
    "json": make_json,
    "secret": make_secret,
    "version_metadata": make_version_metadata,
    "kv": make_kv,
    "service": make_service,
    "durable_object": make_durable_object,
}

# Checks that need to await (the store): run once when a version is uploaded, before it loads.
BINDING_CHECKS: dict[str, BindingCheck] = {
    "kv": check_kv,
}


class BindingError(ValueError):
    """A binding that cannot be built; names the binding."""


def build_env(version: VersionSpec, platform: Any = None) -> Env:
    values: dict[str, Any] = {}
    for binding in version.bindings:
        factory = BINDING_TYPES.get(binding.type)
        if factory is None:
            raise BindingError(f"binding {binding.name!r}: unknown binding type {binding.type!r}")
        values[binding.name] = factory(binding, version, platform)
    return Env(values)


async def check_bindings(version: VersionSpec, platform: Any = None) -> None:
    """Raise `BindingError` for a binding whose target does not exist for this account."""
    for binding in version.bindings:
        check = BINDING_CHECKS.get(binding.type)
        if check is not None:
            await check(binding, version, platform)


__all__ = [
    "BINDING_CHECKS",
    "BINDING_TYPES",
    "BindingCheck",
    "BindingError",
    "BindingFactory",
    "build_env",
    "check_bindings",
]
