"""Trace events: one per invocation, in the shape of Cloudflare's tail events."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime
from operator import attrgetter
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ._context import ExecutionContext


log = logging.getLogger("hearth.runtime")


class TraceEvent:
    """What happened in one invocation: a read-only view of its `ExecutionContext`,
    made only when a subscriber is listening, and serialised only when asked (`to_dict`)."""

    __slots__ = ("_ctx", "_search_text", "_serialized")

    def __init__(self, ctx: ExecutionContext) -> None:
        self._ctx = ctx
        self._search_text: str | None = None
        self._serialized: bytes | None = None

    # attrgetter properties: read per event by every subscriber (the dev log, each tail's
    # filter), at about half the cost of a Python-level getter.
    id = property(attrgetter("_ctx.trace_id"))
    parent_id = property(
        lambda self: None if self._ctx.parent is None else self._ctx.parent.trace_id
    )
    version = property(attrgetter("_ctx.version"))
    kind = property(attrgetter("_ctx.kind"))
    event = property(attrgetter("_ctx.event"))
    entrypoint = property(attrgetter("_ctx.entrypoint"))
    status = property(attrgetter("_ctx.status"))
    outcome = property(attrgetter("_ctx.outcome"))
    logs = property(lambda self: self._ctx.logs or [])
    exceptions = property(lambda self: self._ctx.exceptions or [])
    wall_time_ms = property(attrgetter("_ctx.wall_time_ms"))
    cpu_time_ms = property(attrgetter("_ctx.cpu_time_ms"))
    event_timestamp = property(lambda self: int(self._ctx.timestamp * 1000))
    script_name = property(attrgetter("_ctx.version.script_name"))
    environment = property(attrgetter("_ctx.version.environment"))

    @property
    def search_text(self) -> str:
        """The log lines and exceptions' `Name: message`, lower-cased, one per line: what a
        tail's `search` looks in. Made once per event, however many tails search it."""
        text = self._search_text
        if text is None:
            lines = [str(part) for log in self.logs for part in log.get("message", ())]
            lines += [f"{e.get('name', '')}: {e.get('message', '')}" for e in self.exceptions]
            text = self._search_text = "\n".join(lines).lower()
        return text

    @property
    def request(self) -> Any:
        return self._ctx.request if self.kind == "fetch" else None

    def serialized(self, encode: Callable[[TraceEvent], bytes]) -> bytes:
        """`encode(self)`, made once per event however many subscribers ask (every tail
        encodes alike)."""
        data = self._serialized
        if data is None:
            data = self._serialized = encode(self)
        return data

    def to_dict(self) -> dict[str, Any]:
        # Read off the context directly: a busy tail serialises every request's event, and
        # the properties above cost a call each.
        ctx = self._ctx
        kind = ctx.kind
        event: dict[str, Any]
        if kind == "fetch":
            req = ctx.request
            event = {
                "request": {
                    "url": req.url,
                    "method": req.method,
                    "headers": dict(req.headers.items()),
                }
            }
            if ctx.status is not None:
                event["response"] = {"status": ctx.status}
        elif kind == "rpc":
            event = {"rpcMethod": ctx.event.method}
        elif kind == "scheduled":
            event = {"cron": ctx.event.cron, "scheduledTime": ctx.event.scheduled_time}
        else:  # an alarm: Cloudflare gives its time as an ISO string, a cron's as ms
            when = datetime.fromtimestamp(ctx.event.scheduled_time / 1000, UTC)
            event = {
                "scheduledTime": when.isoformat(timespec="milliseconds").replace("+00:00", "Z")
            }
        version = ctx.version
        parent = ctx.parent
        return {
            "id": ctx.trace_id,
            "parentId": None if parent is None else parent.trace_id,
            "outcome": ctx.outcome,
            "scriptName": version.script_name,
            "environment": version.environment,
            "scriptVersion": {"id": version.id},
            "entrypoint": ctx.entrypoint,
            "eventTimestamp": int(ctx.timestamp * 1000),
            "event": event,
            "logs": ctx.logs or [],
            "exceptions": ctx.exceptions or [],
            "wallTime": round(ctx.wall_time_ms, 3),
            "cpuTime": round(ctx.cpu_time_ms, 3),
        }


TraceSubscriber = Callable[[TraceEvent], None]


class TraceBus:
    """In-process fan-out of trace events to `hearth tail`, the dashboard and `hearth dev`.

    Subscribers are called synchronously and must be cheap: a slow consumer keeps its own
    bounded buffer, so it can never slow the worker that produced the event.
    """

    __slots__ = ("subscribers", "_cpu_time")

    def __init__(self) -> None:
        self.subscribers: list[TraceSubscriber] = []
        self._cpu_time: list[TraceSubscriber] = []

    def subscribe(
        self, subscriber: TraceSubscriber, *, cpu_time: bool = True
    ) -> Callable[[], None]:
        """`cpu_time=False`: the subscriber never reads `cpu_time_ms`, so while only such
        subscribers listen the handlers' steps are not timed (~4k instructions a request)."""
        self.subscribers.append(subscriber)
        if cpu_time:
            self._cpu_time.append(subscriber)

        def unsubscribe() -> None:
            self.subscribers.remove(subscriber)
            if cpu_time:
                self._cpu_time.remove(subscriber)

        return unsubscribe

    @property
    def cpu_time(self) -> bool:
        """Whether a subscriber wants the invocations' CPU time measured."""
        return bool(self._cpu_time)

    @property
    def active(self) -> bool:
        return bool(self.subscribers)

    def publish(self, ctx: ExecutionContext) -> None:
        # Called as the invocation ends: a failing subscriber (a tail, a console printer) must
        # never turn the worker's response into an error, nor keep the others from the event.
        event = TraceEvent(ctx)
        for subscriber in list(self.subscribers):
            try:
                subscriber(event)
            except Exception:
                log.exception("trace subscriber %r failed", subscriber)
