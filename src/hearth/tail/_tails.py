"""One live tail on the server: a trace bus subscription feeding a bounded queue.

The bus callback runs inside the worker's invocation path: it filters, and when the queue has
room it queues the event as JSON (made once per event, however many tails take it); when the
queue is full the event is dropped and counted, so a stalled client costs the workers nothing
but the filter. Queuing text rather than the event lets the invocation's objects go at once:
a queue of live events kept thousands of young objects alive per second, and the garbage
collector's passes over them cost more than the serialisation.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from typing import Any

import orjson

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
BATCH_SIZE = QUEUE_SIZE  # events per message at most (all that can wait)…
BATCH_BYTES = 2**20  # …and about this much JSON (a client's message limit is 16 MiB)
TAILS_PER_ENVIRONMENT = 10  # Cloudflare's limit of concurrent tail clients per Worker


def dump(message: dict[str, Any]) -> bytes:
    """Compact JSON as UTF-8. orjson: a busy tail serialises every request's event, and the
    standard library's encoder cost ~7 µs an event where orjson takes ~0.5."""
    try:
        # default=str: a log argument that is not JSON (it should be text already) must not
        # end the tail.
        return orjson.dumps(message, default=str)
    except orjson.JSONEncodeError:  # lone surrogates, integers past 64 bits: escaped instead
        return json.dumps(message, separators=(",", ":"), default=str).encode()


def _event_json(event: TraceEvent) -> bytes:
    return dump(event.to_dict())


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
        self._queue: asyncio.Queue[bytes] = asyncio.Queue(size)
        self._head: bytes | None = None  # taken off the queue by `wait`, not yet sent
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
            self._queue.put_nowait(event.serialized(_event_json))

    @property
    def waiting(self) -> int:
        """Events queued and not yet sent."""
        return self._queue.qsize() + (self._head is not None)

    async def wait(self, timeout: float | None = None) -> bool:
        """Until there is something to send (an event, or a drop report); False when nothing
        came within `timeout` seconds."""
        if self._head is None and self._queue.empty() and not self.dropped:
            try:
                self._head = await asyncio.wait_for(self._queue.get(), timeout)
            except TimeoutError:
                return False
        return True

    def take(self) -> tuple[str, str]:
        """The next message, as its type and JSON text: `{"type": "event", "event": {…}}`, or
        the events waiting now as one `{"type": "events", "events": […]}` (one socket write
        for all: a write per event cost more than the request it described), at most
        `BATCH_SIZE` events and about `BATCH_BYTES` so a client's message limit is never
        reached. A `{"type": "dropped", "count": N}` report comes once the client has caught
        up (nothing waits), so it follows the events that were queued before the drops."""
        queue = self._queue
        parts = [] if self._head is None else [self._head]
        self._head = None
        size = sum(map(len, parts))
        while len(parts) < BATCH_SIZE and size < BATCH_BYTES and not queue.empty():
            parts.append(queue.get_nowait())
            size += len(parts[-1])
        if not parts:
            count, self.dropped = self.dropped, 0
            return "dropped", dump({"type": "dropped", "count": count}).decode()
        if len(parts) == 1:
            return "event", (b'{"type":"event","event":' + parts[0] + b"}").decode()
        return "events", (b'{"type":"events","events":[' + b",".join(parts) + b"]}").decode()

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
