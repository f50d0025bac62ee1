"""The scheduler's sense of time, injectable so that tests need not wait a minute per cron."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from typing import Protocol

__all__ = ["Clock", "FastClock", "SystemClock"]


class Clock(Protocol):
    #: Clock seconds per real second: the scheduler sleeps `seconds / speed` real seconds.
    speed: float

    def now(self) -> datetime: ...


class SystemClock:
    """Wall-clock UTC: what `hearth serve` uses."""

    speed = 1.0

    def now(self) -> datetime:
        return datetime.now(UTC)


class FastClock:
    """A clock that runs `speed` times faster than real time from `start` (default: now), so a
    `* * * * *` cron fires every real second at speed 60. For tests and demonstrations."""

    def __init__(self, speed: float, start: datetime | None = None) -> None:
        if speed <= 0:
            raise ValueError("a clock's speed must be positive")
        self.speed = float(speed)
        self._start = start or datetime.now(UTC)
        self._real_start = time.monotonic()

    def now(self) -> datetime:
        elapsed = (time.monotonic() - self._real_start) * self.speed
        return self._start + timedelta(seconds=elapsed)
