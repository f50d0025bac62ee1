"""Running a worker's `scheduled` handler once and saying how it went.

The runtime records the invocation (logs, exceptions, outcome) and publishes its trace event
like any other; this adds the summary a caller answers with (`hearth dev`'s
`/cdn-cgi/handler/scheduled`, the API's manual trigger, the scheduler's log line).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from ..runtime import HandlerNotDefined, Runtime, ScheduledEvent

__all__ = ["ScheduledResult", "run_scheduled"]


@dataclass(slots=True)
class ScheduledResult:
    outcome: str  # "ok" or "exception", as in the trace event
    cron: str
    scheduled_time: int  # ms since the epoch
    version_id: str
    no_retry: bool = False  # the handler called controller.noRetry()
    error: str | None = None  # "Name: message" of the exception that ended it
    handler_missing: bool = False  # the version exports no scheduled handler


async def run_scheduled(
    runtime: Runtime, version_id: str, cron: str, scheduled_time: int | None = None
) -> ScheduledResult:
    """Invoke `scheduled(controller, env, ctx)` of a loaded version (legacy `on_scheduled`).
    `scheduled_time` defaults to now. An exception in the handler is the outcome, not raised."""
    if scheduled_time is None:
        scheduled_time = int(time.time() * 1000)
    event = ScheduledEvent(cron, scheduled_time)
    result = ScheduledResult("ok", cron, scheduled_time, version_id)
    try:
        await runtime.invoke(version_id, event)
    except HandlerNotDefined as error:
        result.outcome, result.handler_missing = "exception", True
        result.error = str(error)
    except Exception as error:
        result.outcome = "exception"
        result.error = f"{type(error).__name__}: {error}"
    result.no_retry = event.no_retry_requested
    return result
