"""What a binding type is to the platform: how to build its object on `env`, what its
settings need, and what to check against the store before a version that uses it is stored.

Each binding folder exports its `BindingType`; `hearth.bindings.BINDING_TYPES` lists them,
one line each, and everything else (`build_env`, the control plane's validation of uploaded
bindings) reads that list instead of naming types.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from ..runtime import BindingSpec, VersionSpec

BindingFactory = Callable[[BindingSpec, VersionSpec, Any], Any]
BindingCheck = Callable[[BindingSpec, VersionSpec, Any], Awaitable[None]]


class BindingError(ValueError):
    """A binding that cannot be built; names the binding."""


@dataclass(frozen=True, slots=True)
class BindingType:
    name: str  # the `type` of a binding spec: "kv", "service", …
    make: BindingFactory  # `env.<NAME>` for one binding of a version
    #: Settings an uploaded binding must carry as non-empty strings (`service` of a service).
    required: tuple[str, ...] = ()
    #: Run once when a version is uploaded, before it loads (a KV namespace that must exist).
    check: BindingCheck | None = None
    #: False for vars and secrets: they are uploaded as `vars` and `secrets`, never listed
    #: among a version's `bindings`.
    declared: bool = True
