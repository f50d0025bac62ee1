"""Trace events: one per invocation, in the shape of Cloudflare's tail events."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from operator import attrgetter
from typing import TYPE_CHECKING, Any

from ..fetch import header_dict

if TYPE_CHECKING:
    from ._context import ExecutionContext


log = logging.getLogger("hearth.runtime")


class TraceEvent:
    """What happened in one invocation, made only when a subscriber is listening, once the
    invocation is over, and serialised only when asked (`to_dict`).

    The fields every subscriber reads (the dev log, each tail's filter) are copied from the
    `ExecutionContext` as plain slots: a read costs a fifth of a property's; the rest are
    views of the context, which no longer changes.
    """

    __slots__ = (
        "_ctx",
        "_search_text",
        "_serialized",
        "version",
        "kind",
        "event",
        "status",
        "outcome",
        "wall_time_ms",
        "parent",
        "logs",
        "exceptions",
    )

    def __init__(self, ctx: ExecutionContext) -> None:
        self._ctx = ctx
        self._search_text: str | None = None
        self._serialized: bytes | None = None
        self.version: Any = ctx.version
        self.kind: str = ctx.kind
        self.event: Any = ctx.event
        self.status: int | None = ctx.status
        self.outcome: str = ctx.outcome
        self.wall_time_ms: float = ctx.wall_time_ms
        #: The invocation that made this one (a service binding's caller), if any.
        self.parent: ExecutionContext | None = ctx.parent
        self.logs: Sequence[dict[str, Any]] = ctx.logs or ()
        self.exceptions: Sequence[dict[str, Any]] = ctx.exceptions or ()

    id = property(attrgetter("_ctx.trace_id"))
    parent_id = property(lambda self: None if self.parent is None else self.parent.trace_id)
    entrypoint = property(attrgetter("_ctx.entrypoint"))
    cpu_time_ms = property(attrgetter("_ctx.cpu_time_ms"))
    event_timestamp = property(lambda self: int(self._ctx.timestamp * 1000))
    script_name = property(attrgetter("version.script_name"))
    environment = property(attrgetter("version.environment"))

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
                    "headers": header_dict(req),
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
            "truncated": ctx.logs_truncated,  # logs past MAX_LOG_BYTES were dropped
            # To the µs, without round(): a third of its cost, for every event of a busy tail.
            "wallTime": int(ctx.wall_time_ms * 1000 + 0.5) / 1000,
            "cpuTime": int(ctx.cpu_time_ms * 1000 + 0.5) / 1000,
        }


TraceSubscriber = Callable[[TraceEvent], None]


class TraceBus:
    """In-process fan-out of trace events to `hearth tail`, the dashboard and `hearth dev`.

    Subscribers are called synchronously and must be cheap: a slow consumer keeps its own
    bounded buffer, so it can never slow the worker that produced the event.
    """

    __slots__ = ("subscribers", "_cpu_time")

    def __init__(self) -> None:
        # Tuples, replaced on (un)subscribing: an event is delivered without copying the list
        # first, and a subscriber that unsubscribes while called cannot disturb the loop.
        self.subscribers: tuple[TraceSubscriber, ...] = ()
        self._cpu_time: tuple[TraceSubscriber, ...] = ()

    def subscribe(
        self, subscriber: TraceSubscriber, *, cpu_time: bool = True
    ) -> Callable[[], None]:
        """`cpu_time=False`: the subscriber never reads `cpu_time_ms`, so while only such
        subscribers listen the handlers' steps are not timed (~4k instructions a request)."""
        self.subscribers += (subscriber,)
        if cpu_time:
            self._cpu_time += (subscriber,)

        def unsubscribe() -> None:
            self.subscribers = _without(self.subscribers, subscriber)
            if cpu_time:
                self._cpu_time = _without(self._cpu_time, subscriber)

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
        for subscriber in self.subscribers:
            try:
                subscriber(event)
            except Exception:
                log.exception("trace subscriber %r failed", subscriber)


def _without(
    subscribers: tuple[TraceSubscriber, ...], subscriber: TraceSubscriber
) -> tuple[TraceSubscriber, ...]:
    # One occurrence: the same callable subscribed twice is two subscriptions.
    at = subscribers.index(subscriber)
    return subscribers[:at] + subscribers[at + 1 :]
