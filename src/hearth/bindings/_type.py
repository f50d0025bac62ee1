"""What a binding type is to the platform: how to build its object on `env`, what its
settings need, and what to check against the store before a version that uses it is stored.

Each binding folder exports its `BindingType`; `hearth.bindings.BINDING_TYPES` lists them,
one line each, and everything else (`build_env`, the control plane's validation of uploaded
bindings) reads that list instead of naming types.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Container
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from ..config import BindingSchema
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
    #: How its bindings read from a wrangler config (None: vars and secrets, which the
    #: config package reads itself, with `.dev.vars`).
    wrangler: BindingSchema | None = None


class AccountApi(Protocol):
    """The admin API as `hearth deploy` reaches it (the CLI's client), for a binding that
    resolves or creates what it names in the account (a KV namespace by title)."""

    def items(self, path: str) -> list[dict[str, Any]]: ...

    def post(self, path: str, body: Any = None) -> Any: ...


class WranglerBinding:
    """One binding as a wrangler config declares it; each type's schema makes its own kind.
    What `hearth dev` and `hearth deploy` do with a binding, they ask it."""

    __slots__ = ()

    if TYPE_CHECKING:  # each kind's field or property; not here, or it were a field default

        @property
        def name(self) -> str:
            """The attribute it is on `env`."""
            ...

    def spec(self) -> BindingSpec:
        """The binding as `hearth dev` runs it, on the session's local resources."""
        raise NotImplementedError

    async def prepare_local(self, platform: Any, account: str) -> None:
        """`hearth dev`: make what the binding needs locally (most need nothing)."""

    def upload(self, api: AccountApi | None, say: Callable[[str], None]) -> dict[str, Any]:
        """The binding as a deploy uploads it (`api` None: a dry run, nothing resolved);
        `say` tells the user what was made on the way."""
        spec = self.spec()
        return {"type": spec.type, "name": spec.name, **spec.settings}

    def describe(self, running: Container[str]) -> tuple[str, str, str]:
        """`hearth dev`'s banner row: `env.NAME (resource)`, the type, and `local` or why
        not (`running`: the services the session runs)."""
        raise NotImplementedError
