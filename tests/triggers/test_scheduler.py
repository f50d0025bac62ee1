"""The scheduler on a fast clock (a minute per 0.1 real second): what fires, when, and that a
failing firing stops nothing."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from hearth.triggers import CronScheduler, FastClock

SPEED = 600.0  # a minute of clock time in 0.1 s
START = datetime(2026, 11, 29, 2, 0, 30, tzinfo=UTC)


class Recorder:
    """What the scheduler asked to fire: (environment id, cron, scheduled time ms)."""

    def __init__(self, failing: str | None = None) -> None:
        self.fired: list[tuple[str, str, int]] = []
        self.failing = failing

    async def __call__(self, environment_id: str, cron: str, scheduled_time: int) -> None:
        self.fired.append((environment_id, cron, scheduled_time))
        if environment_id == self.failing:
            raise RuntimeError("this firing fails")

    def of(self, environment_id: str) -> list[tuple[str, int]]:
        return [(cron, t) for env, cron, t in self.fired if env == environment_id]


async def wait_for(predicate, timeout: float = 5.0) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not predicate():
        assert asyncio.get_running_loop().time() < deadline, "timed out"
        await asyncio.sleep(0.01)


async def test_a_cron_fires_at_each_scheduled_minute() -> None:
    recorder = Recorder()
    scheduler = CronScheduler(recorder, FastClock(SPEED, START))
    scheduler.set("env-1", ["* * * * *"])
    scheduler.start()
    try:
        await wait_for(lambda: len(recorder.fired) >= 3)
    finally:
        await scheduler.stop()
    times = [t for _, t in recorder.of("env-1")]
    first = int(datetime(2026, 11, 29, 2, 1, tzinfo=UTC).timestamp() * 1000)
    assert times[:3] == [first, first + 60_000, first + 120_000]
    assert {cron for cron, _ in recorder.of("env-1")} == {"* * * * *"}


async def test_a_failing_firing_does_not_stop_the_scheduler() -> None:
    recorder = Recorder(failing="broken")
    scheduler = CronScheduler(recorder, FastClock(SPEED, START))
    scheduler.set("broken", ["* * * * *"])
    scheduler.set("fine", ["* * * * *"])
    scheduler.start()
    try:
        await wait_for(lambda: len(recorder.of("broken")) >= 3 and len(recorder.of("fine")) >= 3)
    finally:
        await scheduler.stop()
    assert len(recorder.of("broken")) >= 3  # it kept firing after each failure


async def test_setting_crons_replaces_them_and_removing_stops_them() -> None:
    recorder = Recorder()
    clock = FastClock(SPEED, START)
    scheduler = CronScheduler(recorder, clock)
    scheduler.set("env-1", ["* * * * *", "*/2 * * * *"])
    kept = scheduler.next_fire("env-1")["* * * * *"]
    scheduler.set("env-1", ["* * * * *"])  # the kept cron keeps its next firing
    assert scheduler.next_fire("env-1") == {"* * * * *": kept}
    scheduler.start()
    try:
        await wait_for(lambda: len(recorder.fired) >= 2)
        scheduler.remove("env-1")
        count = len(recorder.fired)
        await asyncio.sleep(0.3)  # three clock minutes
    finally:
        await scheduler.stop()
    assert {cron for _, cron, _ in recorder.fired} == {"* * * * *"}
    assert len(recorder.fired) <= count + 1  # at most one that had started already
    assert scheduler.next_fire("env-1") == {}


async def test_an_empty_list_removes_the_environment_and_duplicates_fire_once() -> None:
    recorder = Recorder()
    scheduler = CronScheduler(recorder, FastClock(SPEED, START))
    scheduler.set("env-1", ["* * * * *", "* * * * *"])
    assert list(scheduler.next_fire("env-1")) == ["* * * * *"]
    scheduler.set("env-1", [])
    assert scheduler.next_fire("env-1") == {}


async def test_an_invalid_stored_cron_is_skipped_not_fatal(caplog) -> None:
    scheduler = CronScheduler(Recorder(), FastClock(SPEED, START))
    scheduler.set("env-1", ["not a cron", "0 * * * *"])
    assert list(scheduler.next_fire("env-1")) == ["0 * * * *"]
    assert "invalid cron expression 'not a cron'" in caplog.text
