"""The scheduler: one task that sleeps until the next cron of any environment is due.

It holds each environment's parsed crons and their next fire time in memory; `set` and
`remove` (called from change events, never by polling) wake it to recompute. Each firing runs
in a task of its own, so a slow or failing `scheduled` handler delays nothing else. A firing
that was missed (the node was down, or busy past the minute) is not made up: the cron fires at
its next time, as Cloudflare's do.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ..patterns import Cron, InvalidCron, parse_cron
from ._clock import Clock, SystemClock

__all__ = ["CronScheduler", "FireCron"]

log = logging.getLogger("hearth.triggers")

#: Runs one firing: (environment id, cron expression, scheduled time in ms since the epoch).
FireCron = Callable[[str, str, int], Awaitable[Any]]

#: The longest real sleep: the clock is read again at least this often (it may be set).
MAX_SLEEP_SECONDS = 60.0


@dataclass(slots=True)
class _Schedule:
    cron: Cron
    next: datetime


class CronScheduler:
    def __init__(self, fire: FireCron, clock: Clock | None = None) -> None:
        self.clock: Clock = clock or SystemClock()
        self._fire = fire
        self._schedules: dict[str, list[_Schedule]] = {}  # by environment id
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._firing: set[asyncio.Task[None]] = set()

    # -- what to run --------------------------------------------------------------------------

    def set(self, environment_id: str, crons: Iterable[str]) -> None:
        """Replace an environment's crons. A cron it already had keeps its next time, so a
        change of the others neither repeats nor skips it."""
        now = self.clock.now()
        known = {s.cron.expression: s for s in self._schedules.get(environment_id, ())}
        schedules = []
        for expression in dict.fromkeys(crons):
            schedule = known.get(expression)
            if schedule is None:
                try:
                    cron = parse_cron(expression)
                except InvalidCron as error:  # stored before a stricter check: skip, say so
                    log.warning("environment %s: %s", environment_id, error)
                    continue
                schedule = _Schedule(cron, cron.next_after(now))
            schedules.append(schedule)
        if schedules:
            self._schedules[environment_id] = schedules
        else:
            self._schedules.pop(environment_id, None)
        self._wake.set()

    def remove(self, environment_id: str) -> None:
        if self._schedules.pop(environment_id, None) is not None:
            self._wake.set()

    def next_fire(self, environment_id: str) -> dict[str, datetime]:
        """Each cron of the environment → when it fires next."""
        return {s.cron.expression: s.next for s in self._schedules.get(environment_id, ())}

    # -- running ------------------------------------------------------------------------------

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.ensure_future(self._run())

    async def stop(self) -> None:
        tasks = [t for t in (self._task, *self._firing) if t is not None]
        self._task = None
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    async def _run(self) -> None:
        while True:
            self._wake.clear()
            now = self.clock.now()
            upcoming: datetime | None = None
            for environment_id, schedules in list(self._schedules.items()):
                for schedule in schedules:
                    if schedule.next <= now:
                        self._start(environment_id, schedule)
                        schedule.next = schedule.cron.next_after(now)
                    if upcoming is None or schedule.next < upcoming:
                        upcoming = schedule.next
            delay = MAX_SLEEP_SECONDS
            if upcoming is not None:
                delay = min(delay, (upcoming - now).total_seconds() / self.clock.speed)
            try:
                await asyncio.wait_for(self._wake.wait(), timeout=max(delay, 0.0))
            except TimeoutError:
                pass

    def _start(self, environment_id: str, schedule: _Schedule) -> None:
        scheduled_time = int(schedule.next.timestamp() * 1000)
        task = asyncio.ensure_future(
            self._fire_safely(environment_id, schedule.cron.expression, scheduled_time)
        )
        self._firing.add(task)
        task.add_done_callback(self._firing.discard)

    async def _fire_safely(self, environment_id: str, cron: str, scheduled_time: int) -> None:
        try:
            await self._fire(environment_id, cron, scheduled_time)
        except Exception:  # the scheduler outlives any one firing
            log.exception("cron %r of environment %s failed to fire", cron, environment_id)
