"""Alarms on a real node: one set for +100 ms runs within 2 s, once; one whose handler raises
is retried with exponential backoff (base delay shortened here; 2 s by default), and its
handler sees `retryCount`/`isRetry`."""

from __future__ import annotations

import asyncio
import time

from .conftest import CLOCK, Platform, deploy, durable_object


async def _report_when(platform: Platform, name: str, runs: int, within: float) -> dict:
    deadline = time.monotonic() + within
    while True:
        report = (await platform.get(platform.host("clock"), f"/report/{name}")).json()
        if len(report["runs"]) >= runs or time.monotonic() > deadline:
            return report
        await asyncio.sleep(0.02)


async def test_an_alarm_in_100_ms_fires_within_2_s_and_once(platform: Platform):
    await deploy(platform, "clock", CLOCK, bindings=[durable_object("CLOCK", "Clock")])
    armed_at = time.time() * 1000
    alarm = int((await platform.get(platform.host("clock"), "/arm/a")).text)
    assert armed_at + 100 <= alarm <= armed_at + 1000  # getAlarm() gives the time set
    report = await _report_when(platform, "a", 1, within=2.0)
    assert len(report["runs"]) == 1
    run = report["runs"][0]
    assert run["at"] >= alarm and run["at"] - alarm < 2000
    assert (run["retryCount"], run["isRetry"]) == (0, False)
    assert report["alarm"] is None  # done: no alarm left
    await asyncio.sleep(0.3)
    assert len((await _report_when(platform, "a", 2, within=0))["runs"]) == 1  # not run again


async def test_a_throwing_alarm_is_retried_with_backoff(platform: Platform):
    scheduler = platform.node.durable_objects.alarms
    assert scheduler.retry_base_seconds == 2.0 and scheduler.max_retries == 6  # Cloudflare's
    scheduler.retry_base_seconds = 0.1  # so that the test need not wait 2 s + 4 s
    await deploy(platform, "clock", CLOCK, bindings=[durable_object("CLOCK", "Clock")])
    await platform.get(platform.host("clock"), "/arm-failing/b")
    report = await _report_when(platform, "b", 3, within=5.0)
    runs = report["runs"]
    assert [(r["retryCount"], r["isRetry"]) for r in runs] == [(0, False), (1, True), (2, True)]
    first_gap, second_gap = runs[1]["at"] - runs[0]["at"], runs[2]["at"] - runs[1]["at"]
    assert first_gap >= 100 and second_gap >= 200  # 0.1 s, then 0.2 s: exponential
    assert report["alarm"] is None  # the third run succeeded
