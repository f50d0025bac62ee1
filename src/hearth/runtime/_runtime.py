"""Loading versions and invoking their handlers, in this process.

`Runtime` is the one interface the edge and the bindings use (`load`, `invoke`, `unload`),
so a sandbox process can implement it later without anything outside knowing where code runs.
"""

from __future__ import annotations

import asyncio
import inspect
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from time import perf_counter, time
from types import CoroutineType, FunctionType
from typing import Any, Protocol

from ..fetch import Request, Response
from ._classes import WorkerEntrypoint
from ._context import ExecutionContext, current_invocation
from ._entrypoints import Entrypoints, positional_arity, resolve_entrypoints
from ._env import Env
from ._events import (
    DurableObjectEvent,
    EntrypointFetchEvent,
    Event,
    RpcEvent,
    ScheduledEvent,
)
from ._load_errors import load_error
from ._loader import Namespace
from ._logs import install_log_capture
from ._spec import VersionSpec
from ._timing import CpuTimed
from ._trace import TraceBus

#: How long `ctx.waitUntil` work may run after the response (Cloudflare: 30 s).
WAIT_UNTIL_GRACE_SECONDS = 30.0


class VersionNotLoaded(LookupError):
    pass


class HandlerNotDefined(TypeError):
    """The version exports no handler for the event (a cron firing a worker without
    `scheduled`, say); a TypeError with workerd's message, as before."""


class Runtime(Protocol):
    trace_bus: TraceBus

    async def load(self, version: VersionSpec) -> float: ...
    def is_loaded(self, version_id: str) -> bool: ...
    async def unload(self, version_id: str) -> None: ...
    async def invoke(
        self, version_id: str, event: Event, props: dict[str, Any] | None = None
    ) -> Any: ...


#: How to call a handler: (class or None, function or method name, arity, and the method's
#: plain function when the class keeps WorkerEntrypoint's own __init__ and nothing can stand
#: between an instance and that function: then it is called as `function(instance, ...)`).
HandlerPlan = tuple[type | None, Any, int, Callable[..., Any] | None]
_new_object = object.__new__


@dataclass(slots=True)
class LoadedVersion:
    spec: VersionSpec
    namespace: Namespace
    entrypoints: Entrypoints
    env: Env
    startup_time_ms: float
    handler_plans: dict[str, HandlerPlan] = field(default_factory=dict)
    active: int = 0
    retired: bool = False


class InProcessRuntime:
    """Runs every loaded version in this process (`hearth dev`, and one account's sandbox)."""

    def __init__(
        self,
        build_env: Callable[[VersionSpec, Any], Env],
        *,
        trace_bus: TraceBus | None = None,
        platform: Any = None,
    ) -> None:
        # `build_env` (hearth.bindings') is handed in: the runtime runs code and knows no
        # binding type, so bindings sit above it in the layers.
        self.trace_bus = trace_bus or TraceBus()
        self.platform = platform  # handed to binding factories (service bindings need it)
        self._build_env = build_env
        self._versions: dict[str, LoadedVersion] = {}
        install_log_capture()

    # -- loading -------------------------------------------------------------------------

    async def load(self, version: VersionSpec) -> float:
        """Import the version's main module and resolve its handlers; returns startup ms."""
        if version.id in self._versions:
            return self._versions[version.id].startup_time_ms
        namespace = Namespace(version.root)
        started = perf_counter()
        try:
            module = namespace.import_main(version.main_module)
            entrypoints = resolve_entrypoints(
                module, version.uses_global_handlers, version.main_module
            )
            env = self._build_env(version, self.platform)
        except (Exception, SystemExit) as error:  # top-level code may call sys.exit()
            namespace.discard()
            raise load_error(error, version.root, version.root_shown_as) from None
        startup = (perf_counter() - started) * 1000
        self._versions[version.id] = LoadedVersion(version, namespace, entrypoints, env, startup)
        return startup

    def is_loaded(self, version_id: str) -> bool:
        return version_id in self._versions

    def loaded(self, version_id: str) -> LoadedVersion:
        try:
            return self._versions[version_id]
        except KeyError:
            raise VersionNotLoaded(version_id) from None

    async def unload(self, version_id: str) -> None:
        loaded = self._versions.pop(version_id, None)
        if loaded is None:
            return
        loaded.retired = True
        if loaded.active == 0:  # else the last invocation to finish discards it
            loaded.namespace.discard()

    # -- invoking ------------------------------------------------------------------------

    async def invoke(
        self, version_id: str, event: Event, props: dict[str, Any] | None = None
    ) -> Any:
        loaded = self._versions.get(version_id)
        if loaded is None:
            raise VersionNotLoaded(version_id)
        fetch = isinstance(event, Request)  # Default's fetch, whose event is the Request
        # ExecutionContext.__init__'s fields, set here without the call (~0.9k instructions
        # of the ~130k a request costs; a helper function would cost ~0.4k).
        ctx = _new_object(ExecutionContext)
        ctx.env = loaded.env
        ctx.parent = parent = current_invocation.get()
        ctx.depth = 1 if parent is None else parent.depth + 1
        ctx.version = loaded.spec
        ctx.kind = "fetch" if fetch else _KINDS[type(event)]
        ctx.event = event
        ctx.started = perf_counter()
        if props is not None:
            ctx._props = props
        if type(event) is RpcEvent:
            ctx.entrypoint = event.entrypoint
        token = current_invocation.set(ctx)
        loaded.active += 1
        # Timings are read only from trace events: without a subscriber when the invocation
        # starts, the handler is awaited plainly (timing its steps costs ~4k instructions).
        traced = bool(self.trace_bus.subscribers)
        try:
            if fetch:
                result = _call_fetch(loaded, event, ctx)  # type: ignore[arg-type]  # a Request
            else:
                result = self._dispatch(loaded, event, ctx)
            if traced and self.trace_bus.cpu_time:
                result = _start_timed(result, ctx)
                if type(result) is CpuTimed:
                    result = await result
            elif type(result) is CoroutineType or inspect.isawaitable(result):
                result = await result
            if fetch or type(event) is EntrypointFetchEvent:
                if not isinstance(result, Response):
                    raise TypeError(
                        "The fetch handler must return a Response, but it returned "
                        f"{type(result).__name__}"
                    )
                ctx.status = result._status
            return result
        except BaseException as error:
            ctx.outcome = "canceled" if isinstance(error, asyncio.CancelledError) else "exception"
            ctx.record_exception(_exception_record(error))
            raise
        finally:
            if traced:
                ctx.wall_time_ms = (perf_counter() - ctx.started) * 1000
            current_invocation.reset(token)
            if ctx._partial:
                ctx.flush_logs()
            if ctx.pending:
                asyncio.ensure_future(self._settle(loaded, ctx))
            else:
                loaded.active -= 1
                if loaded.retired or self.trace_bus.subscribers:
                    self._release(loaded, ctx)

    def _dispatch(self, loaded: LoadedVersion, event: Event, ctx: ExecutionContext) -> Any:
        env = loaded.env
        if type(event) is ScheduledEvent:
            return self._call_handler(loaded, "scheduled", (event, env, ctx), ctx)
        if type(event) is RpcEvent:
            entry = loaded.entrypoints
            cls = entry.default if event.entrypoint is None else entry.named.get(event.entrypoint)
            if cls is None and event.entrypoint is None:
                legacy = " (it uses module-level handlers)" if entry.global_handlers else ""
                raise TypeError(
                    f"{loaded.spec.script_name} has no class Default(WorkerEntrypoint) to "
                    f"receive RPC calls{legacy}"
                )
            if cls is None:
                raise TypeError(f"Entrypoint {event.entrypoint!r} does not exist")
            if event.method.startswith("_") or event.method in _NOT_RPC:
                raise TypeError(f"Method {event.method} is not an RPC method")
            method = getattr(cls(ctx, env), event.method, None)
            if not callable(method):
                raise TypeError(f'The RPC receiver does not implement the method "{event.method}".')
            return method(*event.args, **event.kwargs)
        if type(event) is DurableObjectEvent:
            ctx.kind = event.kind
            ctx.entrypoint = event.class_name
            return event.handler()
        if type(event) is EntrypointFetchEvent:
            ctx.entrypoint = event.entrypoint
            return self._call_handler(
                loaded, f"fetch@{event.entrypoint}", (event.request, env, ctx), ctx
            )
        raise TypeError(f"unsupported event {event!r}")

    def _call_handler(
        self, loaded: LoadedVersion, handler: str, args: tuple[Any, ...], ctx: ExecutionContext
    ) -> Any:
        plan = loaded.handler_plans.get(handler) or _plan_handler(loaded, handler)
        cls, target, arity, _ = plan
        if cls is None:
            return target(*args[:arity])
        return getattr(cls(ctx, loaded.env), target)(*args[:arity])

    async def _settle(self, loaded: LoadedVersion, ctx: ExecutionContext) -> None:
        """Let `waitUntil` work finish (bounded), then report the invocation.

        Work may register more work (`waitUntil` inside `waitUntil`): wait until none is left,
        all of it within one grace period."""
        deadline = asyncio.get_running_loop().time() + WAIT_UNTIL_GRACE_SECONDS
        waited = 0
        while ctx.pending is not None and waited < len(ctx.pending):
            batch, waited = ctx.pending[waited:], len(ctx.pending)
            timeout = max(0.0, deadline - asyncio.get_running_loop().time())
            done, late = await asyncio.wait(batch, timeout=timeout)
            for future in late:
                future.cancel()
            for future in done:
                error = None if future.cancelled() else future.exception()
                if error is not None:
                    ctx.record_exception(_exception_record(error))
        ctx.flush_logs()
        loaded.active -= 1
        self._release(loaded, ctx)

    def _release(self, loaded: LoadedVersion, ctx: ExecutionContext) -> None:
        """The invocation is over (`active` already counted down): report it, and let a
        retired version go once idle."""
        if loaded.retired and loaded.active == 0:
            loaded.namespace.discard()
        if self.trace_bus.subscribers:
            self.trace_bus.publish(ctx)


def _call_fetch(loaded: LoadedVersion, request: Request, ctx: ExecutionContext) -> Any:
    """Default's `fetch` (the hot path, without `_dispatch`), in the three conventions a
    handler plan knows: a method of a class that keeps WorkerEntrypoint's `__init__` (its
    instance made without the call, the usual), a module-level `on_fetch`, any other class."""
    plan = loaded.handler_plans.get("fetch") or _plan_handler(loaded, "fetch")
    cls, target, arity, function = plan
    if function is not None:
        instance: Any = _new_object(cls)  # type: ignore[arg-type]
        instance.ctx = ctx
        instance.env = loaded.env
        if arity == 1:  # fetch(self, request): no argument tuple
            return function(instance, request)
        return function(instance, *(request, loaded.env, ctx)[:arity])
    if cls is None:
        return target(*(request, loaded.env, ctx)[:arity])
    return getattr(cls(ctx, loaded.env), target)(*(request, loaded.env, ctx)[:arity])


def _start_timed(result: Any, ctx: ExecutionContext) -> Any:
    """The handler's result, run with its CPU time counted into `ctx`: the first step is
    taken here, and most handlers finish in it, needing no wrapper; otherwise the `CpuTimed`
    to await. A result that is not awaitable has taken its time already."""
    if type(result) is CoroutineType:
        started = perf_counter()
        try:
            first = result.send(None)
        except StopIteration as done:
            ctx.cpu_time_ms = (perf_counter() - started) * 1000
            return done.value
        return CpuTimed(result, ctx, first, perf_counter() - started)  # type: ignore[arg-type]
    if inspect.isawaitable(result):
        return CpuTimed(result.__await__(), ctx)
    return result


_NOT_RPC = frozenset({"fetch", "scheduled", "alarm", "queue", "trace", "dup", "constructor"})
_NOT_RPC |= frozenset(dir(WorkerEntrypoint))


_KINDS = {
    EntrypointFetchEvent: "fetch",
    RpcEvent: "rpc",
    ScheduledEvent: "scheduled",
    DurableObjectEvent: "rpc",  # set to the event's own kind by _dispatch
}


def _plan_handler(loaded: LoadedVersion, handler: str) -> HandlerPlan:
    """How to call `handler` on this version.

    Worked out once per version and handler, so a request pays only for the call itself.
    """
    entry = loaded.entrypoints
    cls = entry.default
    handler, _, entrypoint = handler.partition("@")  # "fetch@Admin": a named entrypoint's
    if entrypoint:
        named = entry.named.get(entrypoint)
        if named is None:
            raise TypeError(f"Entrypoint {entrypoint!r} does not exist")
        cls = named
    if cls is None:
        func = entry.handlers.get(handler)
        if func is None:
            name = f"on_{handler}" if entry.global_handlers else f"Default.{handler}"
            raise HandlerNotDefined(f"Handler {name} is not defined in {loaded.spec.main_module}")
        plan: HandlerPlan = (None, func, positional_arity(func), None)
    else:
        method = entry.handler_method(cls, handler)
        if method is None:
            raise HandlerNotDefined(f"Handler does not export a {handler}() function.")
        name = method
        function = inspect.getattr_static(cls, name)
        # A plain function becomes a bound method (self is not one of the arguments); a
        # staticmethod, classmethod or callable object is called as it is found.
        arity = positional_arity(getattr(cls, name), bound=isinstance(function, FunctionType))
        direct = (
            cls.__init__ is WorkerEntrypoint.__init__  # type: ignore[misc]
            and cls.__new__ is object.__new__
            and cls.__getattribute__ is object.__getattribute__
            and isinstance(function, FunctionType)  # not a staticmethod, classmethod, descriptor
        )
        plan = (cls, name, arity, function if direct else None)
    loaded.handler_plans[f"{handler}@{entrypoint}" if entrypoint else handler] = plan
    return plan


def _exception_record(error: BaseException) -> dict[str, Any]:
    return {
        "name": type(error).__name__,
        "message": str(error),
        "timestamp": int(time() * 1000),
        "stack": "".join(traceback.format_exception(error)),
    }
