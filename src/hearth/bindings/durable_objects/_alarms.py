"""Alarms: one per object, kept in one SQLite index so that they survive a restart.

The scheduler sleeps until the earliest alarm (woken early when an earlier one is set), then
delivers `alarm(alarm_info)` to the object through the manager. At least once: the alarm is
removed only after its handler returned; a handler that raises is retried with exponential
backoff from `retry_base_seconds` (Cloudflare: 2 s), at most `max_retries` times (6).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sqlite3
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path

from ._ids import NamespaceKey

log = logging.getLogger("hearth.durable_objects")

#: (namespace, object id): an alarm's identity.
AlarmKey = tuple[NamespaceKey, str]


@dataclass(frozen=True, slots=True)
class AlarmInfo:
    """The `alarm_info` an `alarm(self, alarm_info)` handler receives."""

    retryCount: int  # noqa: N815 - Cloudflare's name
    isRetry: bool  # noqa: N815

    @property
    def retry_count(self) -> int:
        return self.retryCount

    @property
    def is_retry(self) -> bool:
        return self.isRetry


@dataclass(slots=True)
class _Alarm:
    time_ms: int
    retry_count: int = 0


Deliver = Callable[[NamespaceKey, str, AlarmInfo, int], Awaitable[None]]


class AlarmScheduler:
    def __init__(
        self,
        path: Path,
        deliver: Deliver,
        retry_base_seconds: float = 2.0,
        max_retries: int = 6,
    ) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = db = sqlite3.connect(path, isolation_level=None)
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=FULL")
        db.execute(
            "CREATE TABLE IF NOT EXISTS alarms (account TEXT, service TEXT, environment TEXT, "
            "class_name TEXT, object_id TEXT, time_ms INTEGER NOT NULL, "
            "retry_count INTEGER NOT NULL DEFAULT 0, "
            "PRIMARY KEY (account, service, environment, class_name, object_id))"
        )
        self._alarms: dict[AlarmKey, _Alarm] = {}
        for account, service, env, cls, object_id, at, retries in db.execute(
            "SELECT * FROM alarms"
        ):
            key = (NamespaceKey(account, service, env, cls), object_id)
            self._alarms[key] = _Alarm(at, retries)
        self._deliver = deliver
        self.retry_base_seconds = retry_base_seconds
        self.max_retries = max_retries
        self._running: dict[AlarmKey, _Alarm] = {}  # the alarms whose handler is running
        self._firing: set[asyncio.Task[None]] = set()
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    # -- what storage.getAlarm/setAlarm/deleteAlarm do --------------------------------------

    def get(self, key: AlarmKey) -> int | None:
        """The alarm's time; None while its own handler runs, unless set again since (as on
        Cloudflare, so that `if getAlarm() is None: setAlarm(…)` re-arms from the handler)."""
        alarm = self._alarms.get(key)
        if alarm is None or self._running.get(key) is alarm:
            return None
        return alarm.time_ms

    def set(self, key: AlarmKey, time_ms: int) -> None:
        self._write(key, _Alarm(time_ms))
        self._wake.set()

    def delete(self, key: AlarmKey) -> None:
        if self._alarms.pop(key, None) is not None:
            namespace, object_id = key
            self._db.execute(
                "DELETE FROM alarms WHERE account = ? AND service = ? AND environment = ? "
                "AND class_name = ? AND object_id = ?",
                (*_columns(namespace), object_id),
            )

    def _write(self, key: AlarmKey, alarm: _Alarm) -> None:
        namespace, object_id = key
        self._db.execute(
            "INSERT OR REPLACE INTO alarms VALUES (?, ?, ?, ?, ?, ?, ?)",
            (*_columns(namespace), object_id, alarm.time_ms, alarm.retry_count),
        )
        self._alarms[key] = alarm

    # -- running them -------------------------------------------------------------------------

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.ensure_future(self._run())

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        # Handlers still running would go on against closed storage: stop them (their alarms
        # stay in the index and run again after a restart).
        for task in list(self._firing):
            task.cancel()
        if self._firing:
            await asyncio.gather(*self._firing, return_exceptions=True)
        self._db.close()

    async def _run(self) -> None:
        while True:
            self._wake.clear()
            now = time.time() * 1000
            waiting = [
                (alarm.time_ms, key)
                for key, alarm in self._alarms.items()
                if key not in self._running
            ]
            for at, key in waiting:
                if at <= now:
                    alarm = self._running[key] = self._alarms[key]
                    task = asyncio.ensure_future(self._fire(key, alarm))
                    self._firing.add(task)
                    task.add_done_callback(self._firing.discard)
            later = [at for at, _ in waiting if at > now]
            timeout = (min(later) - now) / 1000 if later else None
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout)

    async def _fire(self, key: AlarmKey, alarm: _Alarm) -> None:
        info = AlarmInfo(alarm.retry_count, alarm.retry_count > 0)
        namespace, object_id = key
        try:
            await self._deliver(namespace, object_id, info, alarm.time_ms)
        except Exception as error:
            if self._alarms.get(key) is alarm:  # not set again nor deleted by the handler
                if alarm.retry_count < self.max_retries:
                    delay = self.retry_base_seconds * 2**alarm.retry_count
                    retry = _Alarm(int(time.time() * 1000 + delay * 1000), alarm.retry_count + 1)
                    self._write(key, retry)
                else:
                    log.warning(
                        "alarm of %s %s gave up after retries: %s", namespace, object_id, error
                    )
                    self.delete(key)
        else:
            if self._alarms.get(key) is alarm:
                self.delete(key)
        finally:
            self._running.pop(key, None)
            self._wake.set()


class ObjectAlarm:
    """One object's view of the scheduler: what its storage's alarm methods call."""

    def __init__(self, scheduler: AlarmScheduler, key: AlarmKey) -> None:
        self._scheduler = scheduler
        self._key = key

    def get(self) -> int | None:
        return self._scheduler.get(self._key)

    def set(self, time_ms: int) -> None:
        self._scheduler.set(self._key, time_ms)

    def delete(self) -> None:
        self._scheduler.delete(self._key)


def _columns(namespace: NamespaceKey) -> tuple[str, str, str, str]:
    return (namespace.account, namespace.service, namespace.environment, namespace.class_name)
