"""Cron triggers on a `hearth serve` node: the scheduler, fed by the control plane's events,
firing each environment's current deployment.

The crons come from the store once at start (`snapshot_triggers`) and then from events
(`TriggersChanged`, `EnvironmentDeleted`, `ServiceDeleted`), never by polling. A firing picks a
version of the environment's deployment as a request without headers would (the split applies)
from the edge's in-memory state, so it touches the database once: to claim the firing, which
is what keeps several nodes sharing one database from running it twice.
"""

from __future__ import annotations

import logging
from typing import Any

from ..control import (
    EnvironmentDeleted,
    Event,
    ServiceDeleted,
    TriggersChanged,
    environment_crons,
    snapshot_triggers,
)
from ._clock import Clock
from ._invoke import ScheduledResult, run_scheduled
from ._scheduler import CronScheduler

__all__ = ["NodeCrons", "NothingDeployed"]

log = logging.getLogger("hearth.triggers")


class NothingDeployed(LookupError):
    """The environment serves no deployment, so no version can run its crons."""


class NodeCrons:
    """`node.crons`: needs the node's `plane`, `edge` and `runtime` once started."""

    def __init__(self, node: Any, clock: Clock | None = None) -> None:
        self.node = node
        self.scheduler = CronScheduler(self._on_schedule, clock)
        self._unsubscribe: Any = None

    async def start(self) -> None:
        plane = self.node.plane
        for environment_id, crons in (await snapshot_triggers(plane.store)).items():
            self.scheduler.set(environment_id, crons)
        self._unsubscribe = plane.bus.subscribe(self._apply)
        self.scheduler.start()

    async def stop(self) -> None:
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None
        await self.scheduler.stop()

    async def fire(
        self, environment_id: str, cron: str, scheduled_time: int | None = None
    ) -> ScheduledResult:
        """Run the environment's `scheduled` handler now (the API's manual trigger, and each
        firing the scheduler claimed). Raises `NothingDeployed`."""
        live = self.node.edge.environments.get(environment_id)
        if live is None or live.deployment is None:
            raise NothingDeployed(f"environment {environment_id} has no deployment")
        version_id = live.deployment.pick([])
        return await run_scheduled(self.node.runtime, version_id, cron, scheduled_time)

    async def _on_schedule(self, environment_id: str, cron: str, scheduled_time: int) -> None:
        live = self.node.edge.environments.get(environment_id)
        if live is None or live.deployment is None:
            log.info("cron %r of environment %s: nothing deployed", cron, environment_id)
            return
        if not await self.node.plane.triggers.claim(environment_id, cron, scheduled_time):
            return  # another node runs this one
        result = await self.fire(environment_id, cron, scheduled_time)
        level = logging.INFO if result.outcome == "ok" else logging.WARNING
        log.log(
            level,
            "cron %r of %s/%s: %s%s",
            cron,
            live.view.service,
            live.view.environment,
            result.outcome,
            f" ({result.error})" if result.error else "",
        )

    async def _apply(self, event: Event) -> None:
        if isinstance(event, TriggersChanged):
            crons = await environment_crons(self.node.plane.store, event.environment_id)
            self.scheduler.set(event.environment_id, crons)
        elif isinstance(event, EnvironmentDeleted):
            self.scheduler.remove(event.environment_id)
        elif isinstance(event, ServiceDeleted):
            for environment_id in event.environment_ids:
                self.scheduler.remove(environment_id)
