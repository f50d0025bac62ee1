"""Firing a cron by hand in `hearth dev`, as `wrangler dev` does.

`GET /cdn-cgi/handler/scheduled?cron=*+*+*+*+*` (always) and `GET /__scheduled?cron=…` (with
`--test-scheduled`, wrangler's older path) run the worker's `scheduled` handler and answer with
the outcome: `ok` (200) or `exception` (500, the error on the next line). `time=<ms>` sets
`scheduledTime` (default: now). The cron is passed as given, unchecked, as wrangler does; crons
of the config never fire on their own in `hearth dev`.
"""

from __future__ import annotations

from urllib.parse import parse_qs

from ..fetch import Response
from ..runtime import Runtime
from ._invoke import run_scheduled

__all__ = ["HANDLER_PATH", "LEGACY_PATH", "scheduled_paths", "scheduled_response"]

HANDLER_PATH = "/cdn-cgi/handler/scheduled"
LEGACY_PATH = "/__scheduled"


def scheduled_paths(test_scheduled: bool) -> frozenset[str]:
    return frozenset({HANDLER_PATH, LEGACY_PATH} if test_scheduled else {HANDLER_PATH})


async def scheduled_response(runtime: Runtime, version_id: str, query_string: bytes) -> Response:
    params = parse_qs(query_string.decode("latin-1"))
    cron = params.get("cron", [""])[0]
    time = params.get("time", [None])[0]
    # isdigit() alone also accepts digits int() refuses, such as "²".
    if time is not None and not (time.isascii() and time.isdigit()):
        return Response(f"time must be milliseconds since the epoch, not {time!r}\n", status=400)
    result = await run_scheduled(runtime, version_id, cron, int(time) if time else None)
    if result.outcome == "ok":
        return Response("ok")
    return Response(f"{result.outcome}\n{result.error}\n", status=500)
