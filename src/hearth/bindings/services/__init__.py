"""Service bindings: one worker calling another, over HTTP semantics or RPC, in process.

- `make_service` is the binding factory: `BindingSpec("AUTH", "service", settings={"service":
  "auth", "environment": "staging"?, "entrypoint": "Admin"?, "props": {...}?})`. It checks, when the version
  loads (which is also how an upload or deploy is validated), that the target service and
  environment exist; a call then resolves the target again (its current deployment).
- `ServiceBinding` is `env.AUTH`: `await env.AUTH.fetch(request_or_url, init?, **init)` and
  `await env.USERS.some_method(*args, **kwargs)`.
- `ServiceDirectory` is what a platform implements for them (`resolve_service`,
  `missing_service`, `runtime`): the `Node` of `hearth serve`, the `DevServer` of `hearth dev`.
- RPC values follow structured-clone rules (`clone`, `DataCloneError`); the callee's
  exception reaches the caller as the same built-in type, or a class of the same name
  (`remote_error`). At most 32 invocations per top-level request (`MAX_INVOCATIONS`).
"""

from __future__ import annotations

from typing import Any

from ...runtime import BindingSpec, VersionSpec
from .._clone import DataCloneError, clone, remote_error
from .._type import BindingError, BindingType
from ._binding import ServiceBinding
from ._directory import (
    DEPTH_LIMIT_MESSAGE,
    MAX_INVOCATIONS,
    ServiceDirectory,
    ServiceTarget,
    count_invocation,
)
from ._rpc import outgoing_request, rpc_method
from ._wrangler import SERVICES, ServiceConfig


def make_service(binding: BindingSpec, version: VersionSpec, platform: Any) -> ServiceBinding:
    """`env.<name>` for a `service` binding; raises `BindingError` naming a missing target."""
    settings = binding.settings
    service = settings.get("service")
    if not isinstance(service, str) or not service:
        raise BindingError(f"service binding {binding.name!r}: it needs a service name")
    environment = settings.get("environment") or None
    entrypoint = settings.get("entrypoint") or None
    props = settings.get("props")
    if props is not None and not isinstance(props, dict):
        raise BindingError(f"service binding {binding.name!r}: props must be an object")
    if not callable(getattr(platform, "resolve_service", None)):
        raise BindingError(f"service binding {binding.name!r}: this platform runs no services")
    if platform.resolve_service(version.account, service, environment) is None:
        reason = platform.missing_service(version.account, service, environment)
        raise BindingError(f"service binding {binding.name!r}: {reason}")
    return ServiceBinding(
        binding.name, platform, version.account, service, environment, entrypoint, props
    )


SERVICE = BindingType("service", make_service, required=("service",), wrangler=SERVICES)


__all__ = [
    "SERVICE",
    "DEPTH_LIMIT_MESSAGE",
    "MAX_INVOCATIONS",
    "DataCloneError",
    "ServiceBinding",
    "ServiceConfig",
    "ServiceDirectory",
    "ServiceTarget",
    "clone",
    "count_invocation",
    "make_service",
    "remote_error",
    "outgoing_request",
    "rpc_method",
]
