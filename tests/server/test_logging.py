"""The platform's own logs: JSON lines for collectors, readable lines on a terminal; a
worker's output never lands in them."""

from __future__ import annotations

import io
import json
import logging

import pytest

from hearth.server._logging import HumanFormatter, JsonFormatter, configure_logging


def test_platform_log_records_are_one_json_object_with_their_fields():
    record = logging.LogRecord(
        "hearth.server", logging.INFO, "x.py", 1, "environment live", None, None
    )
    record.service = "shop"
    record.split = [("v-1", 100)]
    entry = json.loads(JsonFormatter().format(record))
    assert entry["level"] == "info"
    assert entry["logger"] == "hearth.server"
    assert entry["message"] == "environment live"
    assert entry["service"] == "shop"
    assert entry["split"] == [["v-1", 100]]
    assert entry["time"].endswith("+00:00")


def test_a_human_log_line_reads_time_level_logger_message_and_fields():
    record = logging.LogRecord("hearth.edge", logging.WARNING, "x.py", 1, "no route", None, None)
    record.host = "shop.example.com"
    line = HumanFormatter().format(record)
    assert line[8:] == " warning hearth.edge  no route  host=shop.example.com"


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize(
    ("stream", "log_format", "formatter"),
    [
        (Terminal, "auto", HumanFormatter),
        (io.StringIO, "auto", JsonFormatter),  # a pipe or a file: for log collectors
        (Terminal, "json", JsonFormatter),
        (io.StringIO, "human", HumanFormatter),
    ],
)
def test_auto_is_human_on_a_terminal_and_json_elsewhere(stream, log_format, formatter):
    platform = logging.getLogger("hearth")
    saved = platform.handlers[:], platform.level, platform.propagate
    try:
        configure_logging(log_format, stream=stream())
        (handler,) = platform.handlers
        assert type(handler.formatter) is formatter
    finally:
        platform.handlers[:], platform.level, platform.propagate = saved
