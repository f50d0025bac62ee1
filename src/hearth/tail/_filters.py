"""Tail filters: what a client asks for, as query parameters, and the test applied to each event.

The same `TailFilters` travels both ways: the client library turns it into query parameters
(`to_query`), the server parses and validates them (`parse_query`) and compiles a predicate
(`compile_filters`) that runs in the trace bus callback, so it only reads attributes of the
`TraceEvent` and never serialises it.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..fetch import HTTP_TOKEN

if TYPE_CHECKING:
    from ..runtime import TraceEvent

__all__ = ["STATUSES", "TailFilters", "TailQuery", "compile_filters", "parse_query"]

#: `error` is any outcome but ok and canceled (exception, exceededCpu, exceededMemory, unknown),
#: as `wrangler tail --status error`.
STATUSES = ("ok", "error", "canceled")
_PARAMS = ("status", "method", "header", "search", "sampling_rate", "version", "token")


@dataclass(frozen=True, slots=True)
class TailFilters:
    """Which events of an environment a tail receives; empty means all of them."""

    status: tuple[str, ...] = ()  # "ok", "error", "canceled"
    method: tuple[str, ...] = ()  # "GET", "POST", …
    header: str | None = None  # "name" (present) or "name:value"
    search: str | None = None  # text searched in the event's logs and exceptions
    sampling_rate: float = 1.0  # 0 < rate ≤ 1

    def to_query(self) -> list[tuple[str, str]]:
        """Query parameters of the tail endpoint (repeated keys for lists)."""
        query = [("status", s) for s in self.status] + [("method", m) for m in self.method]
        if self.header is not None:
            query.append(("header", self.header))
        if self.search is not None:
            query.append(("search", self.search))
        if self.sampling_rate != 1.0:
            query.append(("sampling_rate", repr(self.sampling_rate)))
        return query


@dataclass(frozen=True, slots=True)
class TailQuery:
    """The parsed query of a tail request: its filters and the version asked for, if any."""

    filters: TailFilters
    version: str | None = None


class FilterError(ValueError):
    """A bad query parameter; the message names it."""


def parse_query(params: Iterable[tuple[str, str]]) -> TailQuery:
    """Validate the query parameters of a tail request; raises `FilterError` naming the bad one."""
    values: dict[str, list[str]] = {}
    for key, value in params:
        if key not in _PARAMS:
            raise FilterError(
                f"unknown query parameter {key!r}; expected one of: {', '.join(_PARAMS)}"
            )
        values.setdefault(key, []).append(value)
    for key in ("header", "search", "sampling_rate", "version", "token"):
        if len(values.get(key, ())) > 1:
            raise FilterError(f"{key}: given more than once")

    status = tuple(dict.fromkeys(s.strip().lower() for s in values.get("status", ())))
    for s in status:
        if s not in STATUSES:
            raise FilterError(f"status: {s!r} is not one of {', '.join(STATUSES)}")
    method = tuple(dict.fromkeys(m.strip().upper() for m in values.get("method", ())))
    for m in method:
        if not m.isalpha():
            raise FilterError(f"method: {m!r} is not an HTTP method")
    header = _one(values, "header")
    if header is not None:
        name = header.partition(":")[0].strip()
        if not name:
            raise FilterError("header: expected 'name' or 'name:value'")
        if HTTP_TOKEN.fullmatch(name) is None:
            raise FilterError(f"header: {name!r} is not a valid header name")
    search = _one(values, "search")
    if search == "":
        raise FilterError("search: empty text")
    rate_text = _one(values, "sampling_rate")
    rate = 1.0
    if rate_text is not None:
        try:
            rate = float(rate_text)
        except ValueError:
            raise FilterError(f"sampling_rate: {rate_text!r} is not a number") from None
        if not (0 < rate <= 1) or math.isnan(rate):
            raise FilterError(f"sampling_rate: {rate_text} is not in (0, 1]")
    version = _one(values, "version")
    if version == "":
        raise FilterError("version: empty")
    if version is not None and version.isdigit() and not (version.isascii() and len(version) <= 9):
        raise FilterError(f"version: {version!r} is not a version number or id")
    return TailQuery(TailFilters(status, method, header, search, rate), version)


def _one(values: Mapping[str, list[str]], key: str) -> str | None:
    found = values.get(key)
    return found[0] if found else None


def _status_of(outcome: str) -> str:
    return outcome if outcome in ("ok", "canceled") else "error"


def compile_filters(
    filters: TailFilters, *, account: str, service: str, environment: str, version: str | None
) -> Callable[[TraceEvent], bool]:
    """The predicate run on every trace event of the node, in the bus callback: cheap checks
    first (whose event it is), the text search last; sampling applies to matching events."""
    statuses = frozenset(filters.status)
    methods = frozenset(filters.method)
    header_name, has_value, header_value = (filters.header or "").partition(":")
    header_name = header_name.strip().lower()
    header_value = header_value.strip()
    needle = (filters.search or "").lower()
    rate = filters.sampling_rate

    def matches(event: TraceEvent) -> bool:
        spec = event.version
        if version is not None:
            if spec.id != version:
                return False
        elif (
            spec.script_name != service
            or spec.environment != environment
            or spec.account != account
        ):
            return False
        if statuses and _status_of(event.outcome) not in statuses:
            return False
        if methods or header_name:
            request = event.request
            if request is None:  # RPC, scheduled: no method, no headers
                return False
            if methods and request.method.upper() not in methods:
                return False
            if header_name:
                found = request.headers.get(header_name)
                if found is None or (has_value and found != header_value):
                    return False
        if needle and not _mentions(event, needle):
            return False
        return rate >= 1.0 or random.random() < rate

    return matches


def _mentions(event: TraceEvent, needle: str) -> bool:
    return needle in event.search_text
