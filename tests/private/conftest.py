"""A real node (tests/server's `platform`, both store backends) plus its admin API on a
second loopback port, so a test can change an environment through the API and at once ask
the workers listener what it serves."""

from __future__ import annotations

import asyncio
import textwrap
from collections.abc import AsyncIterator
from dataclasses import dataclass

import httpx
import pytest

from hearth.api import create_api
from hearth.edge._server import free_port, make_server
from tests.server.conftest import DOMAIN, Platform, data_dir, database_url, platform, postgres_url

__all__ = ["Node", "data_dir", "database_url", "platform", "postgres_url"]


def module(source: str) -> dict[str, bytes]:
    return {"entry.py": textwrap.dedent(source).encode()}


HELLO = """
from workers import Response, WorkerEntrypoint

class Default(WorkerEntrypoint):
    async def fetch(self, request):
        return Response(f"hello from {self.env.WHO}")
"""


@dataclass
class Node:
    """The platform and an admin API client (`/api/v1` is its base URL)."""

    platform: Platform
    api: httpx.AsyncClient
    admin_base: str  # http://127.0.0.1:<port>, no token needed (the ask endpoint)

    async def deploy(
        self, service: str, environment: str = "production", who: str = "", **kw: object
    ) -> None:
        plane, admin = self.platform.plane, self.platform.admin
        if service not in {s.name for s in await plane.services.list(admin)}:
            await plane.services.create(admin, service)
        if environment not in {e.name for e in await plane.environments.list(admin, service)}:
            await plane.environments.create(admin, service, environment)
        kw.setdefault("vars", {"WHO": who or f"{service}/{environment}"})
        await self.platform.upload(service, environment, module(HELLO), deploy=True, **kw)

    async def get(self, host: str, path: str = "/") -> httpx.Response:
        return await self.platform.get(host, path)


@pytest.fixture
async def node(platform: Platform) -> AsyncIterator[Node]:
    token = await platform.plane.accounts.issue_token("main", "ci", "admin")
    app = create_api(
        platform.plane,
        domain=DOMAIN,
        workers_url=f"http://{DOMAIN}:{platform.port}",
        node=platform.node,
    )
    port = free_port()
    server = make_server(app, "127.0.0.1", port)
    task = asyncio.ensure_future(server.serve())
    while not server.started:
        if task.done():
            task.result()
        await asyncio.sleep(0.01)
    base = f"http://127.0.0.1:{port}"
    headers = {"authorization": f"Bearer {token.value}"}
    async with httpx.AsyncClient(base_url=f"{base}/api/v1", headers=headers, timeout=30) as api:
        yield Node(platform, api, base)
    server.should_exit = True
    await task
