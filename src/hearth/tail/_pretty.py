"""`hearth tail --format pretty`: one trace event as wrangler prints it."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

__all__ = ["format_pretty"]

_OUTCOMES = {
    "ok": "Ok",
    "canceled": "Canceled",
    "exception": "Exception Thrown",
    "exceededCpu": "Exceeded CPU Limit",
    "exceededMemory": "Exceeded Memory Limit",
    "unknown": "Unknown",
}


def format_pretty(event: dict[str, Any]) -> str:
    """`GET https://host/path - Ok @ 11/29/2026, 3:04:05 AM` (local time), then one
    `  (level) message` line per log and each exception as `  Name: message` followed by its
    traceback. A multi-line string without a trailing newline."""
    lines = [_headline(event)]
    for log in event.get("logs") or ():
        text = " ".join(_text(part) for part in log.get("message") or ())
        lines.append(_indent(f"({log.get('level', 'log')}) {text}", "  ", "    "))
    for exception in event.get("exceptions") or ():
        summary = f"{exception.get('name', 'Error')}: {exception.get('message', '')}"
        lines.append(f"  {summary}")
        stack = (exception.get("stack") or "").rstrip("\n").split("\n")
        if stack and stack[-1] == summary:  # a Python traceback ends with the summary
            stack.pop()
        lines.extend(f"    {line}" for line in stack if line)
    return "\n".join(lines)


def _headline(event: dict[str, Any]) -> str:
    outcome = _OUTCOMES.get(event.get("outcome", ""), str(event.get("outcome", "Unknown")))
    when = _local_time(event.get("eventTimestamp"))
    detail = event.get("event") or {}
    if "request" in detail:
        request = detail["request"]
        return f"{request.get('method', '?')} {request.get('url', '?')} - {outcome} @ {when}"
    if "cron" in detail:
        return f'"{detail["cron"]}" @ {when} - {outcome}'
    if "rpcMethod" in detail:
        return f"RPC {detail['rpcMethod']} - {outcome} @ {when}"
    if "queue" in detail:
        count = detail.get("batchSize", 0)
        return f"Queue {detail['queue']} ({count} messages) - {outcome} @ {when}"
    if "scheduledTime" in detail:
        return f"Alarm @ {when} - {outcome}"
    return f"Unknown Event - {outcome} @ {when}"


def _local_time(timestamp_ms: Any) -> str:
    if not isinstance(timestamp_ms, int | float):
        return "?"
    moment = datetime.fromtimestamp(timestamp_ms / 1000)
    hour = moment.hour % 12 or 12
    half = "AM" if moment.hour < 12 else "PM"
    return (
        f"{moment.month}/{moment.day}/{moment.year}, "
        f"{hour}:{moment.minute:02}:{moment.second:02} {half}"
    )


def _text(part: Any) -> str:
    return part if isinstance(part, str) else json.dumps(part, default=str)


def _indent(text: str, first: str, rest: str) -> str:
    head, *tail = text.split("\n")
    return "\n".join([first + head, *(rest + line for line in tail)])
