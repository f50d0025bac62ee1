"""Trace events: one per invocation, in the shape of Cloudflare's tail events."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any

_ids = itertools.count(1)


class TraceEvent:
    """What happened in one invocation. Serialised only when somebody looks (`to_dict`)."""

    __slots__ = (
        "id",
        "parent_id",
        "version",
        "kind",
        "entrypoint",
        "event",
        "event_timestamp",
        "status",
        "outcome",
        "logs",
        "exceptions",
        "wall_time_ms",
        "cpu_time_ms",
    )

    def __init__(
        self,
        version: Any,  # the VersionSpec that ran
        kind: str,  # "fetch", "rpc", "scheduled", "alarm"
        event: Any,  # the FetchEvent / RpcEvent / ScheduledEvent delivered
        event_timestamp: int,
        parent_id: int | None = None,
        entrypoint: str | None = None,
    ) -> None:
        self.id = next(_ids)
        self.parent_id = parent_id
        self.version = version
        self.kind = kind
        self.entrypoint = entrypoint
        self.event = event
        self.event_timestamp = event_timestamp
        self.status: int | None = None
        self.outcome = "ok"
        self.logs: list[dict[str, Any]] = []
        self.exceptions: list[dict[str, Any]] = []
        self.wall_time_ms = 0.0
        self.cpu_time_ms = 0.0

    @property
    def script_name(self) -> str:
        return self.version.script_name

    @property
    def environment(self) -> str:
        return self.version.environment

    @property
    def request(self) -> Any:
        return self.event.request if self.kind == "fetch" else None

    def to_dict(self) -> dict[str, Any]:
        event: dict[str, Any]
        if self.kind == "fetch":
            req = self.event.request
            event = {
                "request": {
                    "url": req.url,
                    "method": req.method,
                    "headers": dict(req.headers.items()),
                }
            }
            if self.status is not None:
                event["response"] = {"status": self.status}
        elif self.kind == "rpc":
            event = {"rpcMethod": self.event.method}
        elif self.kind == "scheduled":
            event = {"cron": self.event.cron, "scheduledTime": self.event.scheduled_time}
        else:
            event = {"scheduledTime": self.event.scheduled_time}
        return {
            "id": self.id,
            "parentId": self.parent_id,
            "outcome": self.outcome,
            "scriptName": self.version.script_name,
            "environment": self.version.environment,
            "scriptVersion": {"id": self.version.id},
            "entrypoint": self.entrypoint,
            "eventTimestamp": self.event_timestamp,
            "event": event,
            "logs": self.logs,
            "exceptions": self.exceptions,
            "wallTime": round(self.wall_time_ms, 3),
            "cpuTime": round(self.cpu_time_ms, 3),
        }


TraceSubscriber = Callable[[TraceEvent], None]


class TraceBus:
    """In-process fan-out of trace events to `hearth tail`, the dashboard and `hearth dev`.

    Subscribers are called synchronously and must be cheap: a slow consumer keeps its own
    bounded buffer, so it can never slow the worker that produced the event.
    """

    __slots__ = ("_subscribers",)

    def __init__(self) -> None:
        self._subscribers: list[TraceSubscriber] = []

    def subscribe(self, subscriber: TraceSubscriber) -> Callable[[], None]:
        self._subscribers.append(subscriber)
        return lambda: self._subscribers.remove(subscriber)

    @property
    def active(self) -> bool:
        return bool(self._subscribers)

    def publish(self, event: TraceEvent) -> None:
        for subscriber in self._subscribers:
            subscriber(event)
