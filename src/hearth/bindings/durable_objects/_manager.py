"""Live objects: exactly one instance per object id in the platform, and delivering events to it.

The manager holds, per (namespace, id), the instance, its `DurableObjectState` and storage. An
event waits for a running `blockConcurrencyWhile`, then runs through the runtime (`invoke` with
a `DurableObjectEvent`: a trace event, `ctx`, timing, like any invocation), and its result is
released only after the object's pending writes are committed (the output gate). An object
left idle for `idle_seconds` is evicted (its storage closed); the next event makes a new one.
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ...fetch import Response
from ...runtime import DurableObject, DurableObjectEvent, Runtime, current_invocation
from ._alarms import AlarmInfo, AlarmScheduler, ObjectAlarm
from ._ids import DurableObjectId, IdMinter, NamespaceKey
from ._migrations import current_class
from ._state import DurableObjectState
from ._storage import ObjectStorage

#: Not callable over RPC on a Durable Object (Cloudflare reserves them).
_NOT_RPC = frozenset(
    {"fetch", "alarm", "webSocketMessage", "webSocketClose", "webSocketError", "dup"}
    | {"constructor", "connect"}
) | frozenset(dir(DurableObject))


class LiveObject:
    """One object's running instance (replaced when the version that runs it changes)."""

    def __init__(self, manager: DurableObjectManager, key: tuple[NamespaceKey, str]) -> None:
        self.manager = manager
        self.key = key
        self.storage: ObjectStorage | None = None
        self.state: DurableObjectState | None = None
        self.instance: Any = None
        self.version_id: str | None = None
        self.active = 0
        self.last_used = time.monotonic()
        self._blocker: asyncio.Future[Any] | None = None
        self._drained: asyncio.Future[None] | None = None  # set when `active` drops to 0

    def block(self, task: asyncio.Future[Any]) -> None:
        self._blocker = task
        task.add_done_callback(self._unblocked)

    def _unblocked(self, task: asyncio.Future[Any]) -> None:
        if self._blocker is task:
            self._blocker = None
        if not task.cancelled() and task.exception() is not None:
            self.reset()  # Cloudflare resets an object whose blockConcurrencyWhile failed

    async def gate(self) -> None:
        """Wait out a running blockConcurrencyWhile; if it fails, so do the events it held
        (with its error: the object was reset, as on Cloudflare)."""
        while (blocker := self._blocker) is not None:
            await asyncio.wait([blocker])
            if not blocker.cancelled() and (error := blocker.exception()) is not None:
                raise error

    async def drain(self) -> None:
        """Wait until no event is running on the instance."""
        while self.active:
            if self._drained is None or self._drained.done():
                self._drained = asyncio.get_running_loop().create_future()
            await asyncio.shield(self._drained)

    def finished_event(self) -> None:
        self.active -= 1
        if self.active == 0 and self._drained is not None and not self._drained.done():
            self._drained.set_result(None)

    def reset(self) -> None:
        """Forget the instance (its next event makes a new one) and its unconfirmed writes."""
        if self.storage is not None:
            self.storage.discard()
        self.instance = None
        self.version_id = None


class DurableObjectManager:
    """Every object of the platform (`node.durable_objects`, `DevServer.durable_objects`)."""

    def __init__(
        self,
        root: Path,
        runtime: Runtime,
        resolve_version: Callable[[NamespaceKey], str] | None = None,
        *,
        idle_seconds: float = 70.0,
        alarm_retry_base_seconds: float = 2.0,
    ) -> None:
        self.root = root
        self.runtime = runtime
        self.ids = IdMinter(root)
        # Which version runs a namespace's objects when no caller says (alarms).
        self.resolve_version = resolve_version
        self.idle_seconds = idle_seconds
        self.alarms = AlarmScheduler(
            root / "alarms.sqlite", self._deliver_alarm, alarm_retry_base_seconds
        )
        self._live: dict[tuple[NamespaceKey, str], LiveObject] = {}
        self._sweeper: asyncio.Task[None] | None = None

    def start(self) -> None:
        """Run the alarm scheduler and the idle sweeper (in the running event loop)."""
        self.alarms.start()
        if self._sweeper is None:
            self._sweeper = asyncio.ensure_future(self._sweep())

    async def stop(self) -> None:
        if self._sweeper is not None:
            self._sweeper.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._sweeper
            self._sweeper = None
        await self.alarms.stop()
        for live in self._live.values():
            if live.storage is not None:
                live.storage.close()
        self._live.clear()

    def storage_path(self, namespace: NamespaceKey, object_id: str) -> Path:
        parts = (
            namespace.account,
            namespace.service,
            namespace.environment,
            namespace.stored_class,
        )
        for part in parts:
            if not part or "/" in part or part.startswith("."):
                raise ValueError(f"unusable name in Durable Object namespace {namespace}: {part!r}")
        return self.root.joinpath(*parts, f"{object_id}.sqlite")

    @property
    def live_count(self) -> int:
        return sum(1 for live in self._live.values() if live.instance is not None)

    # -- delivering events ---------------------------------------------------------------------

    async def fetch(self, object_id: DurableObjectId, version_id: str, request: Any) -> Response:
        return await self._call(object_id, version_id, "fetch", "fetch", (request,), {})

    async def rpc(
        self,
        object_id: DurableObjectId,
        version_id: str,
        method: str,
        args: tuple[Any, ...],
        kwargs: dict[str, Any],
    ) -> Any:
        if method.startswith("_") or method in _NOT_RPC:
            raise TypeError(f"Method {method} is not an RPC method")
        return await self._call(object_id, version_id, "rpc", method, args, kwargs)

    async def _deliver_alarm(
        self, namespace: NamespaceKey, hex_id: str, info: AlarmInfo, time_ms: int
    ) -> None:
        if self.resolve_version is None:
            raise RuntimeError("this platform cannot run alarms")
        version_id = self.resolve_version(namespace)
        spec = self.runtime.loaded(version_id).spec  # type: ignore[attr-defined]
        running = current_class(spec, namespace.class_name)
        if running != namespace.class_name:
            namespace = NamespaceKey(
                namespace.account,
                namespace.service,
                namespace.environment,
                running,
                namespace.class_name,
            )
        object_id = DurableObjectId(hex_id, namespace)
        await self._call(object_id, version_id, "alarm", "alarm", (info,), {}, time_ms)

    async def _call(
        self,
        object_id: DurableObjectId,
        version_id: str,
        kind: str,
        method: str,
        args: tuple[Any, ...],
        kwargs: dict[str, Any],
        scheduled_time: int | None = None,
    ) -> Any:
        live = await self._object(object_id, version_id)
        await live.gate()
        if live.instance is None:  # reset while waiting
            self._instantiate(live, object_id, version_id)
            await live.gate()
        instance, version_id = live.instance, live.version_id or version_id
        if kind in ("fetch", "alarm"):  # `on_fetch` / `on_alarm` in legacy handler mode
            loaded = self.runtime.loaded(version_id)  # type: ignore[attr-defined]
            method = loaded.entrypoints.handler_method(type(instance), method) or method
        handler = getattr(instance, method, None)
        if not callable(handler):
            if kind == "rpc":
                raise TypeError(f'The RPC receiver does not implement the method "{method}".')
            raise TypeError(f"Durable Object {type(instance).__name__} has no {method}() handler")
        if kind == "alarm" and _takes_no_argument(handler):
            args = ()
        event = DurableObjectEvent(
            (lambda: _response_of(handler(*args)))
            if kind == "fetch"
            else (lambda: handler(*args, **kwargs)),
            kind,
            method,
            type(instance).__name__,
            args[0] if kind == "fetch" else None,
            scheduled_time,
        )
        live.active += 1
        try:
            return await self.runtime.invoke(version_id, event)
        finally:
            live.finished_event()
            live.last_used = time.monotonic()
            if live.storage is not None:
                live.storage.flush()  # the output gate: nothing leaves before it is durable

    async def _object(self, object_id: DurableObjectId, version_id: str) -> LiveObject:
        key = (object_id.namespace.stored(), object_id.toString())
        while True:
            live = self._live.get(key)
            if live is None:
                live = self._live[key] = LiveObject(self, key)
            if live.instance is None:
                break
            # An instance keeps its version while that version is loaded (deployed): a gradual
            # deployment does not bounce it between versions; a deploy that retires it
            # replaces it, once its running events are done (one instance at a time).
            current = live.version_id
            if current == version_id or (current is not None and self.runtime.is_loaded(current)):
                return live
            if not live.active:
                break
            await live.drain()
        self._instantiate(live, object_id, version_id)
        return live

    def _instantiate(self, live: LiveObject, object_id: DurableObjectId, version_id: str) -> None:
        namespace = object_id.namespace
        loaded = self.runtime.loaded(version_id)  # type: ignore[attr-defined]
        cls = loaded.entrypoints.durable_objects.get(namespace.class_name)
        if cls is None:
            raise TypeError(
                f"Durable Object class {namespace.class_name!r} is not exported by "
                f"{loaded.spec.main_module} of service {namespace.service!r}"
            )
        if live.storage is None:
            alarm = ObjectAlarm(self.alarms, live.key)
            live.storage = ObjectStorage(self.storage_path(namespace, live.key[1]), alarm)
        live.state = DurableObjectState(live, object_id, live.storage)
        live.version_id = version_id
        live.instance = cls(live.state, loaded.env)

    async def _sweep(self) -> None:
        """Evict objects idle for `idle_seconds` (their storage closes; the data stays)."""
        while True:
            await asyncio.sleep(min(max(self.idle_seconds / 4, 0.05), 1.0))
            horizon = time.monotonic() - self.idle_seconds
            for key, live in list(self._live.items()):
                if live.active == 0 and live._blocker is None and live.last_used < horizon:
                    del self._live[key]
                    if live.storage is not None:
                        live.storage.close()


async def _response_of(result: Any) -> Response:
    """A fetch handler's Response, its status recorded on the invocation (its trace event)."""
    response = await result if inspect.isawaitable(result) else result
    if not isinstance(response, Response):
        raise TypeError(
            f"The fetch handler must return a Response, but it returned {type(response).__name__}"
        )
    invocation = current_invocation.get()
    if invocation is not None:
        invocation.status = response.status
    return response


def _takes_no_argument(handler: Callable[..., Any]) -> bool:
    try:
        return not inspect.signature(handler).parameters
    except (TypeError, ValueError):
        return False
