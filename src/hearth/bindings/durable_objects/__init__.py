"""Durable Objects: stateful single-instance objects with their own SQLite storage.

- `make_durable_object` is the binding factory: `BindingSpec("COUNTER", "durable_object",
  settings={"class_name": "Counter", "script_name"?: "other-service", "environment"?: "staging",
  "migrations"?: [{tag, new_sqlite_classes, …}]})`. Without `script_name` the namespace is this
  version's own (account, service, environment, class): staging never touches production's
  objects. With it, that service's production objects (or its `environment`'s).
- `DurableObjectNamespace` is `env.COUNTER` (`idFromName`, `newUniqueId`, `idFromString`, `get`,
  `getByName`); `DurableObjectStub` its `get()`: `await stub.fetch(...)`, `await stub.method()`.
- `DurableObjectManager` is what a platform runs (`node.durable_objects`,
  `DevServer.durable_objects`): one live instance per id, the gates, storage files under its
  root, the alarm scheduler. See README.md for the model.
"""

from __future__ import annotations

from typing import Any

from ...runtime import BindingSpec, VersionSpec
from .._type import BindingError, BindingType
from ._alarms import AlarmInfo, AlarmScheduler
from ._binding import DurableObjectNamespace, DurableObjectStub
from ._ids import DurableObjectId, NamespaceKey
from ._manager import DurableObjectManager
from ._migrations import MigrationError, check_migrations, live_classes, original_class
from ._sql import SqlCursor, SqlStorage
from ._state import DurableObjectAbort, DurableObjectState
from ._storage import ObjectStorage, RangeError, Transaction
from ._wrangler import DURABLE_OBJECTS, DurableObjectConfig, Migration


def make_durable_object(
    binding: BindingSpec, version: VersionSpec, platform: Any
) -> DurableObjectNamespace:
    """`env.<name>` for a `durable_object` binding; raises `BindingError` naming what is wrong
    (no class name, inconsistent migrations, a platform without Durable Objects)."""
    settings = binding.settings
    class_name = settings.get("class_name")
    if not isinstance(class_name, str) or not class_name.isidentifier():
        raise BindingError(
            f"durable object binding {binding.name!r}: class_name must name a Python class, "
            f"not {class_name!r}"
        )
    manager = getattr(platform, "durable_objects", None)
    if not isinstance(manager, DurableObjectManager):
        raise BindingError(
            f"durable object binding {binding.name!r}: this platform runs no Durable Objects"
        )
    script_name: str | None = settings.get("script_name") or None
    own = script_name is None or script_name == version.script_name
    migrations = settings.get("migrations")
    if own and migrations is not None:
        try:
            check_migrations(migrations, [class_name], _deployed_migrations(platform, version))
        except MigrationError as error:
            raise BindingError(f"durable object binding {binding.name!r}: {error}") from None
    if own:
        origin = original_class(migrations, class_name) if migrations else class_name
        namespace = NamespaceKey(
            version.account,
            version.script_name,
            version.environment,
            class_name,
            origin if origin != class_name else None,
        )
        version_id = version.id
        return DurableObjectNamespace(binding.name, manager, namespace, lambda: version_id)
    environment = settings.get("environment") or "production"
    assert script_name is not None  # not `own`: another worker's class
    namespace = NamespaceKey(version.account, script_name, environment, class_name)
    return DurableObjectNamespace(
        binding.name, manager, namespace, lambda: current_version(platform, namespace)
    )


def current_version(directory: Any, namespace: NamespaceKey) -> str:
    """The version that runs a namespace's objects now: its environment's current deployment
    (what alarms and bindings to another service's class use)."""
    target = directory.resolve_service(namespace.account, namespace.service, namespace.environment)
    deployment = getattr(target, "deployment", None)
    if deployment is None:
        raise RuntimeError(
            f"Durable Object namespace {namespace}: service {namespace.service!r} has nothing "
            f"deployed in environment {namespace.environment!r}"
        )
    return deployment.pick([])


def _deployed_migrations(platform: Any, version: VersionSpec) -> list[dict[str, Any]] | None:
    """The migrations of the version serving the environment now (None when there is none),
    so that a new version cannot drop or rewrite what was already applied."""
    resolve = getattr(platform, "resolve_service", None)
    if resolve is None:
        return None
    try:
        version_id = current_version(
            platform,
            NamespaceKey(version.account, version.script_name, version.environment, "-"),
        )
        spec = platform.runtime.loaded(version_id).spec
    except Exception:  # nothing deployed (yet), or not loaded here: nothing to compare with
        return None
    for other in spec.bindings:
        if other.type == "durable_object" and other.settings.get("migrations") is not None:
            return list(other.settings["migrations"])
    return None


DURABLE_OBJECT = BindingType(
    "durable_object", make_durable_object, required=("class_name",), wrangler=DURABLE_OBJECTS
)


__all__ = [
    "DURABLE_OBJECT",
    "AlarmInfo",
    "AlarmScheduler",
    "DurableObjectAbort",
    "DurableObjectConfig",
    "DurableObjectId",
    "DurableObjectManager",
    "DurableObjectNamespace",
    "DurableObjectState",
    "DurableObjectStub",
    "Migration",
    "MigrationError",
    "NamespaceKey",
    "ObjectStorage",
    "RangeError",
    "SqlCursor",
    "SqlStorage",
    "Transaction",
    "check_migrations",
    "current_version",
    "live_classes",
    "make_durable_object",
]
