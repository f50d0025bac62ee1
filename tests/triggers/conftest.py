"""Cron-trigger fixtures: the API on a real store (`api`, both backends), a real node with its
admin API on loopback (`node_api`), and worker code with a `scheduled` handler."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass

import httpx
import pytest

from hearth.api import create_api
from hearth.edge._server import free_port, make_server
from hearth.runtime import TraceEvent
from tests.api.conftest import api, plane
from tests.server.conftest import DOMAIN, Platform, platform
from tests.store.backends import data_dir, database_url, postgres_url, store

__all__ = ["api", "data_dir", "database_url", "plane", "platform", "postgres_url", "store"]

#: A worker whose `scheduled` logs what it was given, and fails for the cron "*/1 * * * *"
#: (every minute, spelt differently from "* * * * *", which succeeds).
SCHEDULED_WORKER = b"""
from workers import Response, WorkerEntrypoint


class Default(WorkerEntrypoint):
    async def fetch(self, request):
        return Response("fetched")

    async def scheduled(self, controller, env, ctx):
        print(f"cron={controller.cron} time={controller.scheduledTime}")
        if controller.cron == "*/1 * * * *":
            controller.noRetry()
            raise ValueError("this cron is unlucky")
"""

#: The same in the module-level style of compatibility dates before 2025-08-14.
LEGACY_SCHEDULED_WORKER = b"""
def on_fetch(request):
    return "fetched"

def on_scheduled(event, env, ctx):
    print("legacy", event.cron, event.scheduledTime, event.type)
"""

FETCH_ONLY_WORKER = b"""
from workers import Response, WorkerEntrypoint


class Default(WorkerEntrypoint):
    async def fetch(self, request):
        return Response("fetched")
"""


@dataclass
class NodeApi:
    """A real node (workers listener, store on both backends) plus its admin API on loopback,
    and every trace event its runtime publishes."""

    platform: Platform
    client: httpx.AsyncClient  # admin token of account `main`
    traces: list[TraceEvent]

    async def deploy(self, service: str, files: dict[str, bytes], **kw: object) -> None:
        p = self.platform
        if service not in [s.name for s in await p.plane.services.list(p.admin)]:
            await p.plane.services.create(p.admin, service)
        await p.upload(service, "production", files, deploy=True, **kw)

    def scheduled_traces(self) -> list[dict]:
        return [t.to_dict() for t in self.traces if t.kind == "scheduled"]


@pytest.fixture
async def node_api(platform: Platform) -> AsyncIterator[NodeApi]:
    node = platform.node
    token = await platform.plane.accounts.issue_token("main", "triggers-test", "admin")
    app = create_api(
        platform.plane, domain=DOMAIN, workers_url=f"http://{DOMAIN}:{platform.port}", node=node
    )
    port = free_port()
    server = make_server(app, "127.0.0.1", port)
    task = asyncio.ensure_future(server.serve())
    while not server.started:
        await asyncio.sleep(0.01)
    traces: list[TraceEvent] = []
    unsubscribe = node.runtime.trace_bus.subscribe(traces.append)
    headers = {"authorization": f"Bearer {token.value}"}
    async with httpx.AsyncClient(
        base_url=f"http://127.0.0.1:{port}/api/v1", headers=headers, timeout=30
    ) as client:
        yield NodeApi(platform, client, traces)
    unsubscribe()
    server.should_exit = True
    await task
