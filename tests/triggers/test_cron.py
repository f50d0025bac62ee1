"""Cloudflare's cron syntax: what fires when, and what is refused with which message."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from hearth.config import ConfigError, load_config
from hearth.triggers import InvalidCron, parse_cron

# A Sunday.
SUNDAY = datetime(2026, 11, 29, 2, 0, tzinfo=UTC)


def fires(expression: str, after: datetime = SUNDAY, count: int = 3) -> list[str]:
    """The next `count` firings, as 'Www YYYY-MM-DD HH:MM' (UTC)."""
    cron, moment, out = parse_cron(expression), after, []
    for _ in range(count):
        moment = cron.next_after(moment)
        out.append(moment.strftime("%a %Y-%m-%d %H:%M"))
    return out


def test_every_minute_fires_on_the_next_minute_strictly_after() -> None:
    assert fires("* * * * *") == [
        "Sun 2026-11-29 02:01",
        "Sun 2026-11-29 02:02",
        "Sun 2026-11-29 02:03",
    ]
    assert fires("*/30 * * * *", count=2) == ["Sun 2026-11-29 02:30", "Sun 2026-11-29 03:00"]


def test_days_of_the_week_count_from_one_for_sunday_as_on_cloudflare() -> None:
    """Cloudflare's table: `0 17 * * sun` or `0 17 * * 1` is 5 PM on Sunday, and
    `10 7 * * mon-fri` or `10 7 * * 2-6` is 7:10 AM on weekdays."""
    assert fires("0 17 * * 1") == fires("0 17 * * sun") == fires("0 17 * * SUN")
    assert fires("0 17 * * 1", count=1) == ["Sun 2026-11-29 17:00"]
    assert fires("10 7 * * 2-6", count=6) == fires("10 7 * * mon-fri", count=6)
    assert [day[:3] for day in fires("10 7 * * 2-6", count=6)] == [
        "Mon",
        "Tue",
        "Wed",
        "Thu",
        "Fri",
        "Mon",
    ]
    assert fires("0 0 * * 7", count=1) == ["Sat 2026-12-05 00:00"]
    # A step counts from the start of the range: 1/2 is Sunday, Tuesday, Thursday, Saturday.
    assert [day[:3] for day in fires("0 0 * * 1/2", count=4)] == ["Tue", "Thu", "Sat", "Sun"]


def test_last_nth_and_nearest_weekday_extensions() -> None:
    # 6L / friL: the last Friday of the month.
    assert (
        fires("0 18 * * 6L")
        == fires("0 18 * * friL")
        == [
            "Fri 2026-12-25 18:00",
            "Fri 2027-01-29 18:00",
            "Fri 2027-02-26 18:00",
        ]
    )
    # MON#2 / 2#2: the second Monday.
    assert fires("0 10 * * mon#2", count=2) == fires("0 10 * * 2#2", count=2)
    assert fires("0 10 * * mon#2", count=2) == ["Mon 2026-12-14 10:00", "Mon 2027-01-11 10:00"]
    # L: the last day of the month; 15W: the weekday nearest the 15th.
    assert fires("0 0 L * *", count=2) == ["Mon 2026-11-30 00:00", "Thu 2026-12-31 00:00"]
    assert fires("0 0 15W * *", count=2) == ["Tue 2026-12-15 00:00", "Fri 2027-01-15 00:00"]


def test_lw_is_the_last_weekday_of_the_month() -> None:
    """January 2027 ends on a Sunday and July 2027 on a Saturday: both step back to Friday."""
    assert fires("59 23 LW * *", count=3) == [
        "Mon 2026-11-30 23:59",
        "Thu 2026-12-31 23:59",
        "Fri 2027-01-29 23:59",
    ]
    assert fires("0 12 LW * *", after=datetime(2027, 7, 1, tzinfo=UTC), count=1) == [
        "Fri 2027-07-30 12:00"
    ]
    # A weekend moved it before the moment asked about: the next month's is next.
    assert fires("0 12 LW * *", after=datetime(2027, 1, 30, tzinfo=UTC), count=1) == [
        "Fri 2027-02-26 12:00"
    ]


def test_months_by_number_or_name_and_lists() -> None:
    assert fires("0 0 1 jan-jun *", count=1) == ["Fri 2027-01-01 00:00"]
    assert fires("0 0 1 1,7 *", count=2) == ["Fri 2027-01-01 00:00", "Thu 2027-07-01 00:00"]


def test_next_after_ms_is_the_scheduled_time_of_the_next_firing() -> None:
    start = int(SUNDAY.timestamp() * 1000)
    assert parse_cron("* * * * *").next_after_ms(start) == start + 60_000


@pytest.mark.parametrize(
    ("expression", "message"),
    [
        ("* * * *", "expected five fields (minute hour day-of-month month day-of-week), got 4"),
        ("* * * * * *", "expected five fields"),  # no seconds field, as on Cloudflare
        ("@daily", "expected five fields"),
        ("61 * * * *", "minute 61 is out of range 0-59"),
        ("0 24 * * *", "hour 24 is out of range 0-23"),
        ("0 0 32 * *", "day of month 32 is out of range 1-31"),
        ("0 0 * 13 *", "month 13 is out of range 1-12"),
        ("0 0 * * 0", "day of week 0 is out of range 1-7 (1 = Sunday) or SUN-SAT"),
        ("0 0 * * 8", "day of week 8 is out of range 1-7"),
        ("0 0 * foo *", "month 'foo' is not JAN-DEC"),
        ("0 0 * * sunday", "day of week 'sunday' is not valid here"),
        ("L * * * *", "minute 'L' is not valid here"),
        ("H * * * *", "minute 'H' is not valid here"),
        ("*/0 * * * *", "minute step '0' is not a positive number"),
        ("1,,2 * * * *", "minute '1,,2' has an empty list item"),
        ("0 0 L/2 * *", "a step cannot follow 'L'"),
        ("0 0 * * mon#6", "the week number must be 1-5"),
        ("0 0 LW * 2", "LW (last weekday of the month) takes '*' as day of week"),
        ("0 0 30 2 *", "no date ever matches it"),
        ("0 0 * * * " + "0" * 100, "longer than 100 characters"),
    ],
)
def test_invalid_expressions_are_refused_naming_what_is_wrong(
    expression: str, message: str
) -> None:
    with pytest.raises(InvalidCron) as caught:
        parse_cron(expression)
    assert str(caught.value).startswith(f"invalid cron expression {expression!r}: ")
    assert message in str(caught.value)


def test_a_cron_is_a_string() -> None:
    with pytest.raises(InvalidCron, match="a cron expression is a string"):
        parse_cron(5)


def test_the_config_reader_refuses_an_invalid_cron_with_file_line_and_key(tmp_path: Path) -> None:
    (tmp_path / "entry.py").write_text("def on_fetch(request):\n    return 'hi'\n")
    (tmp_path / "wrangler.toml").write_text(
        'name = "w"\nmain = "entry.py"\n\n[triggers]\ncrons = ["*/5 * * * *", "0 0 * * 0"]\n'
    )
    with pytest.raises(ConfigError) as caught:
        load_config(tmp_path)
    assert caught.value.key == "triggers.crons[1]"
    assert "day of week 0 is out of range 1-7 (1 = Sunday)" in str(caught.value)
    assert "wrangler.toml:5" in str(caught.value)
