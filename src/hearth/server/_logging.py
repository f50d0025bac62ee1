"""Logs of the platform itself, on stderr: one JSON object per line for log collectors, or
one readable line per record for a person at a terminal (`--log-format auto|human|json`).

Only the `hearth.*` loggers are configured (and do not propagate), so a worker's own `print`
and `logging` output keeps going to its trace events, never into the platform's log stream.
"""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime
from typing import Literal, TextIO

__all__ = ["LOG_FORMATS", "HumanFormatter", "JsonFormatter", "LogFormat", "configure_logging"]

LogFormat = Literal["auto", "human", "json"]
LOG_FORMATS: tuple[LogFormat, ...] = ("auto", "human", "json")

_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime"}


def _fields(record: logging.LogRecord) -> dict[str, object]:
    """What a call passed with `extra=`: the record's attributes that logging did not set."""
    return {k: v for k, v in vars(record).items() if k not in _STANDARD}


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        entry.update(_fields(record))
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str)


class HumanFormatter(logging.Formatter):
    """`12:03:04 warning hearth.edge  version failed to load  service=shop` (local time)."""

    def format(self, record: logging.LogRecord) -> str:
        clock = datetime.fromtimestamp(record.created).strftime("%H:%M:%S")
        fields = "".join(f"  {k}={v}" for k, v in _fields(record).items())
        line = f"{clock} {record.levelname.lower():<7} {record.name}  {record.getMessage()}{fields}"
        if record.exc_info:
            line += "\n" + self.formatException(record.exc_info)
        return line


def configure_logging(
    log_format: LogFormat = "auto", level: int = logging.INFO, stream: TextIO | None = None
) -> None:
    """`auto`: human lines when stderr is a terminal, JSON lines otherwise."""
    stream = stream or sys.__stderr__ or sys.stderr
    human = log_format == "human" or (log_format == "auto" and stream.isatty())
    handler = logging.StreamHandler(stream)
    handler.setFormatter(HumanFormatter() if human else JsonFormatter())
    platform = logging.getLogger("hearth")
    platform.handlers[:] = [handler]
    platform.setLevel(level)
    platform.propagate = False
