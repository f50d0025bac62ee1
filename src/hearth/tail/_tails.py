"""One live tail on the server: a trace bus subscription feeding a bounded queue.

The bus callback runs inside the worker's invocation path, so it only filters and
`put_nowait`s; when the queue is full the event is dropped and counted. Serialisation
(`TraceEvent.to_dict`) happens when the tail's own task takes the event off the queue, so a
slow or stalled client costs the workers nothing but the filter.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from typing import Any

from ..control import ControlError
from ..runtime import TraceBus, TraceEvent

__all__ = [
    "BATCH_BYTES",
    "BATCH_SIZE",
    "QUEUE_SIZE",
    "TAILS_PER_ENVIRONMENT",
    "Tail",
    "TailRegistry",
    "TooManyTails",
    "dump",
]

QUEUE_SIZE = 1000
BATCH_SIZE = 100  # events per message at most…
BATCH_BYTES = 2**20  # …and about this much JSON (a client's message limit is 16 MiB)
TAILS_PER_ENVIRONMENT = 10  # Cloudflare's limit of concurrent tail clients per Worker

Message = dict[str, Any]


def dump(message: dict[str, Any]) -> str:
    # default=str: a log argument that is not JSON (it should be text already) must not end
    # the tail.
    return json.dumps(message, separators=(",", ":"), default=str)


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
        queue = self._queue
        if queue.empty():
            if self.dropped:
                count, self.dropped = self.dropped, 0
                return {"type": "dropped", "count": count}
            try:
                event = await asyncio.wait_for(queue.get(), timeout)
            except TimeoutError:
                return None
        else:  # a busy tail: no waiting machinery per event
            event = queue.get_nowait()
        return {"type": "event", "event": event.to_dict()}

    def batch(self, first: Message) -> tuple[str, str]:
        """`first` and the events already queued behind it, as one message's type and JSON
        text: a busy environment's events share one WebSocket frame (one socket write; a
        write per event cost more than the request it described). At most `BATCH_SIZE`
        events and about `BATCH_BYTES`, so a client's message limit is never reached."""
        queue = self._queue
        if first["type"] != "event" or queue.empty():
            return first["type"], dump(first)
        parts = [dump(first["event"])]
        size = len(parts[0])
        while len(parts) < BATCH_SIZE and size < BATCH_BYTES and not queue.empty():
            parts.append(dump(queue.get_nowait().to_dict()))
            size += len(parts[-1])
        return "events", '{"type":"events","events":[' + ",".join(parts) + "]}"

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
