"""The events a runtime can deliver to a loaded version."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(slots=True)
class FetchEvent:
    request: Any  # hearth.fetch.Request


@dataclass(slots=True)
class EntrypointFetchEvent(FetchEvent):
    """`fetch` of a named WorkerEntrypoint (a service binding with `entrypoint = "Admin"`).

    Its own type so that the runtime's hot path (`type(event) is FetchEvent`, Default's fetch)
    does not have to look for an entrypoint on every request."""

    entrypoint: str = "Default"


@dataclass(slots=True)
class RpcEvent:
    method: str
    args: tuple[Any, ...] = ()
    kwargs: dict[str, Any] = field(default_factory=dict)
    entrypoint: str | None = None  # a named WorkerEntrypoint class; None = Default


@dataclass(slots=True)
class ScheduledEvent:
    cron: str
    scheduled_time: int  # ms since the epoch

    @property
    def scheduledTime(self) -> int:  # noqa: N802 - Cloudflare's name
        return self.scheduled_time

    type = "scheduled"


Event = FetchEvent | EntrypointFetchEvent | RpcEvent | ScheduledEvent
