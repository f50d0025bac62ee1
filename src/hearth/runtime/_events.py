"""The events a runtime can deliver to a loaded version."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..fetch import Request


@dataclass(slots=True)
class EntrypointFetchEvent:
    """`fetch` of a named WorkerEntrypoint (a service binding with `entrypoint = "Admin"`).

    Default's fetch needs no event object: its event is the Request itself, one object fewer
    on every request's path."""

    request: Request
    entrypoint: str = "Default"


@dataclass(slots=True)
class RpcEvent:
    method: str
    args: tuple[Any, ...] = ()
    kwargs: dict[str, Any] = field(default_factory=dict)
    entrypoint: str | None = None  # a named WorkerEntrypoint class; None = Default


@dataclass(slots=True)
class ScheduledEvent:
    """Also the `controller` a `scheduled(self, controller, env, ctx)` handler receives."""

    cron: str
    scheduled_time: int  # ms since the epoch
    no_retry_requested: bool = False

    @property
    def scheduledTime(self) -> int:  # noqa: N802 - Cloudflare's name
        return self.scheduled_time

    def noRetry(self) -> None:  # noqa: N802 - Cloudflare's name
        """Ask that this event not be retried if it fails (Hearth's scheduler never retries a
        cron; the request is reported with the outcome)."""
        self.no_retry_requested = True

    no_retry = noRetry
    type = "scheduled"


@dataclass(slots=True)
class DurableObjectEvent:
    """A fetch, RPC call or alarm for one live Durable Object (hearth.bindings.durable_objects
    finds the instance and its method; the runtime only calls `handler`)."""

    handler: Any  # () -> the method's result
    kind: str  # "fetch", "rpc" or "alarm": the trace event's kind
    method: str
    class_name: str  # reported as the invocation's entrypoint
    request: Any = None  # a fetch's Request
    scheduled_time: int | None = None  # an alarm's time, ms since the epoch


#: What `Runtime.invoke` delivers; a Request is the fetch event of the Default entrypoint.
Event = Request | EntrypointFetchEvent | RpcEvent | ScheduledEvent | DurableObjectEvent
