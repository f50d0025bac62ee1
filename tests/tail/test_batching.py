"""Events already waiting in a tail's queue travel together as one `events` message (one
socket write), in order, bounded in count and size; a quiet tail still gets `event`s, and a
drop report follows the events queued before the drops."""

from __future__ import annotations

import gc
import json

from hearth.runtime import TraceBus
from hearth.tail._tails import BATCH_BYTES, BATCH_SIZE, Tail


class Event:
    def __init__(self, n: int, size: int = 10, log: object = "x") -> None:
        self.n, self.size, self.log = n, size, log

    def serialized(self, encode: object) -> bytes:
        return encode(self)  # type: ignore[operator]

    def to_dict(self) -> dict[str, object]:
        return {"n": self.n, "logs": self.log * self.size}  # type: ignore[operator]


def tail_with(events: list[Event], size: int = 1000) -> Tail:
    bus = TraceBus()
    tail = Tail(bus, lambda event: True, size=size)
    for event in events:
        bus.subscribers[0](event)  # type: ignore[arg-type]  # as the runtime's publish does
    return tail


async def test_waiting_events_go_in_one_message_in_order() -> None:
    tail = tail_with([Event(n) for n in range(5)])
    assert await tail.wait()
    kind, text = tail.take()
    assert kind == "events"
    assert [e["n"] for e in json.loads(text)["events"]] == [0, 1, 2, 3, 4]
    assert tail.waiting == 0


async def test_a_lone_event_is_an_event_message() -> None:
    tail = tail_with([Event(7)])
    assert await tail.wait()
    kind, text = tail.take()
    assert (kind, json.loads(text)) == (
        "event",
        {"type": "event", "event": {"n": 7, "logs": "x" * 10}},
    )


async def test_a_batch_is_bounded_in_events_and_in_bytes() -> None:
    tail = tail_with([Event(n) for n in range(BATCH_SIZE + 5)], size=BATCH_SIZE + 5)
    assert await tail.wait()
    kind, text = tail.take()
    assert len(json.loads(text)["events"]) == BATCH_SIZE
    assert tail.waiting == 5
    big = tail_with([Event(n, size=BATCH_BYTES // 3) for n in range(10)])
    assert await big.wait()
    kind, text = big.take()
    assert len(json.loads(text)["events"]) == 3  # the one that crosses the budget is the last
    assert len(text) < BATCH_BYTES * 2


async def test_drops_are_reported_after_the_events_queued_before_them() -> None:
    tail = tail_with([Event(n) for n in range(5)], size=3)
    assert tail.dropped == 2
    assert await tail.wait()
    assert [e["n"] for e in json.loads(tail.take()[1])["events"]] == [0, 1, 2]
    assert await tail.wait()
    assert tail.take() == ("dropped", '{"type":"dropped","count":2}')
    assert not await tail.wait(timeout=0.01)


async def test_text_that_is_not_utf_8_still_reaches_the_tail() -> None:
    # A lone surrogate printed by a worker: escaped, as the standard library's JSON does.
    tail = tail_with([Event(1, size=1, log="\udcff")])
    assert await tail.wait()
    assert json.loads(tail.take()[1])["event"]["logs"] == "\udcff"


async def test_a_queued_event_holds_no_objects_of_its_invocation() -> None:
    # The queue keeps text, so the garbage collector has nothing of the invocation to visit.
    event = Event(1)
    tail = tail_with([event])
    del event
    gc.collect()
    assert not [o for o in gc.get_objects() if type(o) is Event]
    assert tail.waiting == 1
