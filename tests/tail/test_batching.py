"""Events already waiting in a tail's queue travel together as one `events` message (one
socket write), in order, bounded in count and size; a quiet tail still gets `event`s."""

from __future__ import annotations

import json

from hearth.runtime import TraceBus
from hearth.tail._tails import BATCH_BYTES, BATCH_SIZE, Tail


class Event:
    def __init__(self, n: int, size: int = 10) -> None:
        self.n, self.size = n, size

    def to_dict(self) -> dict[str, object]:
        return {"n": self.n, "logs": "x" * self.size}


def tail_with(events: list[Event]) -> Tail:
    bus = TraceBus()
    tail = Tail(bus, lambda event: True)
    for event in events:
        bus.subscribers[0](event)  # as the runtime's publish calls each subscriber
    return tail


async def test_waiting_events_go_in_one_message_in_order() -> None:
    tail = tail_with([Event(n) for n in range(5)])
    first = await tail.next()
    assert first is not None
    kind, text = tail.batch(first)
    assert kind == "events"
    assert [e["n"] for e in json.loads(text)["events"]] == [0, 1, 2, 3, 4]


async def test_a_lone_event_is_an_event_message() -> None:
    tail = tail_with([Event(7)])
    first = await tail.next()
    assert first is not None
    kind, text = tail.batch(first)
    assert (kind, json.loads(text)) == (
        "event",
        {"type": "event", "event": {"n": 7, "logs": "x" * 10}},
    )


async def test_a_batch_is_bounded_in_events_and_in_bytes() -> None:
    tail = tail_with([Event(n) for n in range(BATCH_SIZE + 5)])
    kind, text = tail.batch(await tail.next() or {})
    assert len(json.loads(text)["events"]) == BATCH_SIZE
    big = tail_with([Event(n, size=BATCH_BYTES // 3) for n in range(10)])
    kind, text = big.batch(await big.next() or {})
    assert len(json.loads(text)["events"]) == 3  # the one that crosses the budget is the last
    assert len(text) < BATCH_BYTES * 2
