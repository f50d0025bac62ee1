"""The platform's own logs are JSON lines; a worker's output never lands in them."""

from __future__ import annotations

import json
import logging

from hearth.server._logging import JsonFormatter


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
