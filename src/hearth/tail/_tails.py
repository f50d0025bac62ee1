"""One live tail on the server: a trace bus subscription feeding a bounded queue.

The bus callback runs inside the worker's invocation path, so it only filters and
`put_nowait`s; when the queue is full the event is dropped and counted. Serialisation
(`TraceEvent.to_dict`) happens when the tail's own task takes the event off the queue, so a
slow or stalled client costs the workers nothing but the filter.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from ..control import ControlError
from ..runtime import TraceBus, TraceEvent

__all__ = ["QUEUE_SIZE", "TAILS_PER_ENVIRONMENT", "Tail", "TailRegistry", "TooManyTails"]

QUEUE_SIZE = 1000
TAILS_PER_ENVIRONMENT = 10  # Cloudflare's limit of concurrent tail clients per Worker

Message = dict[str, Any]


class TooManyTails(ControlError):
    status = 429
    default_code = "too_many_tails"


class Tail:
    """Events of one environment (or version) for one client, in order, with drops counted."""

    def __init__(
        self,
        bus: TraceBus,
        matches: Callable[[TraceEvent], bool],
        *,
        size: int = QUEUE_SIZE,
        on_close: Callable[[], None] | None = None,
    ) -> None:
        self._queue: asyncio.Queue[TraceEvent] = asyncio.Queue(size)
        self._matches = matches
        self._on_close = on_close
        self.dropped = 0
        self._unsubscribe: Callable[[], None] | None = bus.subscribe(self._on_trace)

    def _on_trace(self, event: TraceEvent) -> None:
        if not self._matches(event):
            return
        if self._queue.full():  # no exception on the path a flood takes
            self.dropped += 1
        else:
            self._queue.put_nowait(event)

    async def next(self, timeout: float | None = None) -> Message | None:
        """The next message, or None when nothing came within `timeout` seconds.

        A `{"type": "dropped", "count": N}` report comes once the client has caught up (the
        queue is empty again), so it follows the events that were queued before the drops."""
        if self.dropped and self._queue.empty():
            count, self.dropped = self.dropped, 0
            return {"type": "dropped", "count": count}
        try:
            event = await asyncio.wait_for(self._queue.get(), timeout)
        except TimeoutError:
            return None
        return {"type": "event", "event": event.to_dict()}

    def close(self) -> None:
        """Unsubscribe and free the slot; safe to call more than once."""
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None
            if self._on_close is not None:
                self._on_close()


class TailRegistry:
    """Counts open tails per environment and refuses the one over the limit."""

    def __init__(self, limit: int = TAILS_PER_ENVIRONMENT) -> None:
        self.limit = limit
        self._open: dict[tuple[str, str, str], int] = {}

    def open(
        self,
        key: tuple[str, str, str],  # (account id, service, environment)
        bus: TraceBus,
        matches: Callable[[TraceEvent], bool],
    ) -> Tail:
        count = self._open.get(key, 0)
        if count >= self.limit:
            raise TooManyTails(
                f"too many live tails of {key[1]}/{key[2]}: at most {self.limit} at once; "
                "close another tail first"
            )
        self._open[key] = count + 1
        return Tail(bus, matches, on_close=lambda: self._release(key))

    def _release(self, key: tuple[str, str, str]) -> None:
        left = self._open[key] - 1
        if left:
            self._open[key] = left
        else:
            del self._open[key]
