"""Cron triggers: Cloudflare's cron syntax (`parse_cron`), the scheduler that fires each
environment's crons against its current deployment on a `hearth serve` node (`NodeCrons`),
and firing one by hand (`run_scheduled`; `hearth dev`'s `/cdn-cgi/handler/scheduled`).
See README.md in this folder."""

from ..patterns import Cron, InvalidCron, parse_cron
from ._clock import Clock, FastClock, SystemClock
from ._dev import scheduled_paths, scheduled_response
from ._invoke import ScheduledResult, run_scheduled
from ._platform import NodeCrons, NothingDeployed
from ._scheduler import CronScheduler

__all__ = [
    "Clock",
    "Cron",
    "CronScheduler",
    "FastClock",
    "InvalidCron",
    "NodeCrons",
    "NothingDeployed",
    "ScheduledResult",
    "SystemClock",
    "parse_cron",
    "run_scheduled",
    "scheduled_paths",
    "scheduled_response",
]
