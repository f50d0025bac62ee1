"""The events a runtime can deliver to a loaded version."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(slots=True)
class FetchEvent:
    request: Any  # hearth.fetch.Request


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


Event = FetchEvent | RpcEvent | ScheduledEvent
