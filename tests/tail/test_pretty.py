"""`format_pretty`: a trace event as `hearth tail --format pretty` prints it (wrangler's layout)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator

import pytest

from hearth.tail import follow, format_pretty

from .conftest import Live, until

# 2026-11-29 03:04:05 UTC
STAMP = 1795921445000


@pytest.fixture
def utc(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Local time is UTC for the test (the headline shows local time, as wrangler does)."""
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def test_a_request_with_logs_and_an_exception(utc: None):
    """Headline `METHOD URL - Outcome @ M/D/YYYY, h:mm:ss AM`, one `  (level) …` line per log
    (its arguments joined by spaces, continuation lines indented), then each exception as
    `  Name: message` and its traceback, without repeating the last line."""
    event = {
        "outcome": "exception",
        "eventTimestamp": STAMP,
        "event": {"request": {"method": "POST", "url": "https://shop.example/cart"}},
        "logs": [
            {"level": "log", "message": ["adding", {"sku": 7}, 2]},
            {"level": "warn", "message": ["two\nlines"]},
        ],
        "exceptions": [
            {
                "name": "ValueError",
                "message": "bad sku",
                "stack": 'Traceback (most recent call last):\n  File "entry.py", line 9, in '
                "fetch\n    raise ValueError('bad sku')\nValueError: bad sku\n",
            }
        ],
    }
    assert format_pretty(event) == (
        "POST https://shop.example/cart - Exception Thrown @ 11/29/2026, 3:04:05 AM\n"
        '  (log) adding {"sku": 7} 2\n'
        "  (warn) two\n"
        "    lines\n"
        "  ValueError: bad sku\n"
        "    Traceback (most recent call last):\n"
        '      File "entry.py", line 9, in fetch\n'
        "        raise ValueError('bad sku')"
    )


@pytest.mark.parametrize(
    ("detail", "outcome", "headline"),
    [
        ({"cron": "*/5 * * * *", "scheduledTime": STAMP}, "ok", '"*/5 * * * *" @ {t} - Ok'),
        ({"scheduledTime": STAMP}, "canceled", "Alarm @ {t} - Canceled"),
        ({"rpcMethod": "add"}, "exceededCpu", "RPC add - Exceeded CPU Limit @ {t}"),
        ({"queue": "jobs", "batchSize": 3}, "ok", "Queue jobs (3 messages) - Ok @ {t}"),
        ({}, "unknown", "Unknown Event - Unknown @ {t}"),
    ],
)
def test_other_kinds_of_events_have_their_own_headline(
    utc: None, detail: dict[str, object], outcome: str, headline: str
):
    """Cron triggers, alarms, RPC calls and queue batches, with wrangler's outcome labels; an
    event without logs or exceptions is its headline alone."""
    event = {"outcome": outcome, "eventTimestamp": STAMP + 13 * 3600_000, "event": detail}
    assert format_pretty(event) == headline.format(t="11/29/2026, 4:04:05 PM")


async def test_a_real_event_from_the_tail(live: Live):
    """What a request's print output and exception look like end to end."""
    stream = follow(live.api_url, live.token, "shop", filters=None)
    got = asyncio.ensure_future(anext(stream))
    await until(lambda: live.tails == 1)
    await live.call("/boom/pretty", "DELETE")
    text = format_pretty(await got)
    await stream.aclose()  # type: ignore[attr-defined]
    lines = text.split("\n")
    host = live.platform.host("shop")
    assert lines[0].startswith(f"DELETE http://{host}/boom/pretty - Exception Thrown @ ")
    assert lines[1] == "  (log) handling DELETE /boom/pretty"
    assert lines[2] == "  ValueError: kaboom boom/pretty"
    assert lines[3] == "    Traceback (most recent call last):"
    assert any(line.strip().startswith('File "') and "entry.py" in line for line in lines)
    assert not text.endswith("\n")
