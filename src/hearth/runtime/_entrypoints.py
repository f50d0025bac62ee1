"""Which handlers a worker's main module exports, resolved once when a version loads."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any

from ._classes import DurableObject, WorkerEntrypoint

#: Module-level handler names of the legacy style (workerd's SUPPORTED_HANDLER_NAMES).
HANDLER_NAMES = ("fetch", "alarm", "scheduled", "trace", "queue", "pubsub")


class EntrypointError(TypeError):
    """The module's exports do not make a worker (raised at load, named in the upload error)."""


@dataclass(slots=True)
class Entrypoints:
    global_handlers: bool
    default: type | None = None  # the `Default` WorkerEntrypoint class
    handlers: dict[str, Callable[..., Any]] = field(default_factory=dict)  # legacy on_*
    named: dict[str, type] = field(default_factory=dict)  # other WorkerEntrypoint classes
    durable_objects: dict[str, type] = field(default_factory=dict)

    def handler_method(self, cls: type, handler: str) -> str | None:
        """The method a class implements `handler` with (`on_fetch` in legacy mode)."""
        names = (f"on_{handler}", handler) if self.global_handlers else (handler,)
        for name in names:
            if callable(getattr(cls, name, None)):
                return name
        return None


def resolve_entrypoints(module: ModuleType, global_handlers: bool, main: str) -> Entrypoints:
    found = Entrypoints(global_handlers=global_handlers)
    for name, value in vars(module).items():
        if not isinstance(value, type) or value.__module__ != module.__name__:
            continue
        if issubclass(value, WorkerEntrypoint) and value is not WorkerEntrypoint:
            if name == "Default":
                found.default = value
            else:
                found.named[name] = value
        elif issubclass(value, DurableObject) and value is not DurableObject:
            found.durable_objects[name] = value
    if global_handlers:
        for handler in HANDLER_NAMES:
            func = getattr(module, f"on_{handler}", None)
            if callable(func):
                found.handlers[handler] = func
        if found.default is not None and found.handlers:
            raise EntrypointError("Cannot define multiple default entrypoints")
    if not (found.default or found.handlers or found.named or found.durable_objects):
        if global_handlers:
            raise EntrypointError(
                f"{main} does not define the handler 'on_fetch' (module-level handlers are "
                "used because compatibility_date is before 2025-08-14), nor a "
                "'class Default(WorkerEntrypoint)'"
            )
        raise EntrypointError(
            f"{main} does not define 'class Default(WorkerEntrypoint)' (class-based handlers "
            "are used from compatibility_date 2025-08-14; set an earlier date to use "
            "module-level 'on_fetch')"
        )
    return found


def positional_arity(func: Callable[..., Any], bound: bool = False) -> int:
    """How many of (request, env, ctx) a relaxed handler signature accepts."""
    count = 0
    for param in inspect.signature(func).parameters.values():
        if param.kind is param.VAR_POSITIONAL:
            return 3
        if param.kind in (param.POSITIONAL_ONLY, param.POSITIONAL_OR_KEYWORD):
            count += 1
    return max(0, min(3, count - (1 if bound else 0)))
