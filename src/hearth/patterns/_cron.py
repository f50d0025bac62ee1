"""Cloudflare's cron syntax, checked here and computed by `croniter`.

Five fields, always in UTC: minute (0-59), hour (0-23), day of month (1-31, `L`, `LW`, `15W`),
month (1-12 or JAN-DEC), day of week (1-7 or SUN-SAT, **1 = Sunday**, `6L` / `FRIL` = the last
Friday of the month, `MON#2` = its second Monday). `*`, `,`, `-` and `/` work in every field.

croniter counts days of the week from 0 = Sunday and spells "last Friday" `L5`, so each
expression is checked field by field against Cloudflare's rules (so the message can name what
is wrong) and rewritten into croniter's dialect. `LW` (the last weekday of the month) is the
one thing croniter lacks: it is computed from `L` by stepping back over a weekend.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from croniter import croniter
from croniter.croniter import CroniterError

__all__ = ["Cron", "InvalidCron", "parse_cron"]

MAX_LENGTH = 100
_MONTHS = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")
_DAYS = ("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT")
# (name, lowest, highest, names) of the five fields, in order.
_FIELDS = (
    ("minute", 0, 59, ()),
    ("hour", 0, 23, ()),
    ("day of month", 1, 31, ()),
    ("month", 1, 12, _MONTHS),
    ("day of week", 1, 7, _DAYS),
)
_DAY_OF_MONTH, _DAY_OF_WEEK = 2, 4
_VALUE = r"[0-9]+|[A-Za-z]{3}"
_RANGE = re.compile(rf"(?P<low>{_VALUE})(?:-(?P<high>{_VALUE}))?")
_NEAREST_WEEKDAY = re.compile(r"(?P<day>[0-9]+)W", re.IGNORECASE)
_LAST_OF_WEEK = re.compile(rf"(?P<day>{_VALUE})L", re.IGNORECASE)
_NTH_OF_WEEK = re.compile(rf"(?P<day>{_VALUE})#(?P<nth>[0-9]+)")


class InvalidCron(ValueError):
    """An expression Cloudflare's cron syntax does not allow; `str()` says what is wrong."""

    def __init__(self, expression: object, reason: str) -> None:
        super().__init__(f"invalid cron expression {expression!r}: {reason}")
        self.expression = expression
        self.reason = reason


@dataclass(frozen=True, slots=True)
class Cron:
    """A parsed expression: `expression` as written, and when it fires next."""

    expression: str
    croniter_form: str  # the same schedule in croniter's dialect
    last_weekday: bool = False  # `LW`: croniter_form says `L`, then step back over a weekend

    def next_after(self, moment: datetime) -> datetime:
        """The first time strictly after `moment` (aware, any zone) that the cron fires, in
        UTC."""
        moment = moment.astimezone(UTC)
        if not self.last_weekday:
            return croniter(self.croniter_form, moment).get_next(datetime)
        # The last weekday is at most two days before the last day: start early enough not to
        # miss one that a weekend moved before `moment`'s month end.
        candidates = croniter(self.croniter_form, moment - timedelta(days=3))
        while True:
            last_day = candidates.get_next(datetime)
            fire = last_day - timedelta(days=max(0, last_day.weekday() - 4))
            if fire > moment:
                return fire

    def next_after_ms(self, scheduled_time: int) -> int:
        """`next_after` in milliseconds since the epoch (Cloudflare's `scheduledTime`)."""
        moment = datetime.fromtimestamp(scheduled_time / 1000, UTC)
        return int(self.next_after(moment).timestamp() * 1000)


def parse_cron(expression: object) -> Cron:
    """Check `expression` against Cloudflare's cron syntax; raises `InvalidCron` naming the
    field and value at fault."""
    if not isinstance(expression, str):
        raise InvalidCron(expression, "a cron expression is a string")
    if len(expression) > MAX_LENGTH:
        raise InvalidCron(expression, f"longer than {MAX_LENGTH} characters")
    fields = expression.split()
    if len(fields) != 5:
        raise InvalidCron(
            expression,
            f"expected five fields (minute hour day-of-month month day-of-week), got {len(fields)}",
        )
    last_weekday = fields[_DAY_OF_MONTH].upper() == "LW"
    if last_weekday:
        if fields[_DAY_OF_WEEK] not in ("*", "?"):
            raise InvalidCron(expression, "LW (last weekday of the month) takes '*' as day of week")
        fields[_DAY_OF_MONTH] = "L"
    try:
        rewritten = [_field(i, text) for i, text in enumerate(fields)]
    except ValueError as error:
        raise InvalidCron(expression, str(error)) from None
    cron = Cron(expression, " ".join(rewritten), last_weekday)
    try:
        cron.next_after(datetime(2000, 1, 1, tzinfo=UTC))
    except CroniterError as error:
        reason = str(error)
        if "failed to find" in reason:
            reason = "no date ever matches it"
        raise InvalidCron(expression, reason) from None
    return cron


def _field(index: int, text: str) -> str:
    """One field in croniter's dialect, or ValueError naming what is wrong."""
    name = _FIELDS[index][0]
    items = text.split(",")
    if any(not item for item in items):
        raise ValueError(f"{name} {text!r} has an empty list item")
    return ",".join(_item(index, item) for item in items)


def _item(index: int, item: str) -> str:
    name = _FIELDS[index][0]
    base, slash, step = item.partition("/")
    if slash and (not step.isdigit() or int(step) == 0):
        raise ValueError(f"{name} step {step!r} is not a positive number")
    suffix = f"/{int(step)}" if slash else ""
    if base in ("*", "?"):
        return base + suffix
    special = _special(index, base)
    if special is not None:
        if slash:
            raise ValueError(f"{name} {item!r}: a step cannot follow {base!r}")
        return special
    match = _RANGE.fullmatch(base)
    if match is None:
        raise ValueError(f"{name} {item!r} is not valid here")
    low = _value(index, match["low"])
    if match["high"] is None:
        return f"{low}{suffix}"
    return f"{low}-{_value(index, match['high'])}{suffix}"


def _special(index: int, base: str) -> str | None:
    """`L`, `15W` (day of month), `6L`, `MON#2` (day of week) in croniter's spelling."""
    upper = base.upper()
    if index == _DAY_OF_MONTH:
        if upper == "L":
            return "L"
        match = _NEAREST_WEEKDAY.fullmatch(base)
        if match:
            return f"{_value(index, match['day'])}W"
    elif index == _DAY_OF_WEEK:
        if upper == "L":  # alone, as in Quartz: the last day of the week, Saturday
            return "6"
        match = _LAST_OF_WEEK.fullmatch(base)
        if match:
            return f"L{_value(index, match['day'])}"
        match = _NTH_OF_WEEK.fullmatch(base)
        if match:
            nth = int(match["nth"])
            if not 1 <= nth <= 5:
                raise ValueError(f"day of week {base!r}: the week number must be 1-5")
            return f"{_value(index, match['day'])}#{nth}"
    return None


def _value(index: int, text: str) -> int:
    """A number or three-letter name of a field, as croniter numbers it."""
    name, low, high, names = _FIELDS[index]
    if text.isdigit():
        number = int(text)
        if not low <= number <= high:
            extra = " (1 = Sunday) or SUN-SAT" if index == _DAY_OF_WEEK else ""
            raise ValueError(f"{name} {number} is out of range {low}-{high}{extra}")
    elif text.upper() in names:
        number = names.index(text.upper()) + low
    else:
        allowed = f"{names[0]}-{names[-1]}" if names else f"a number {low}-{high}"
        raise ValueError(f"{name} {text!r} is not {allowed}")
    # Cloudflare counts days of the week from 1 = Sunday, croniter from 0 = Sunday.
    return number - 1 if index == _DAY_OF_WEEK else number
