"""A real node with a deployed `shop` service, its workers listener and its admin listener (the
REST API with the tail endpoint) on loopback ports; tokens of its account and of another one."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass

import httpx
import pytest
import uvicorn

from hearth.edge._server import free_port, make_server
from hearth.server import platform_api
from tests.server.conftest import DOMAIN, Platform, platform, worker

__all__ = ["platform"]

# Prints one line (padded with `x-pad` bytes when asked), raises when the path says so.
SHOP = worker(
    """
    path = request.url.split("/", 3)[3]
    size = int(request.headers.get("x-pad") or 0)
    print(f"handling {request.method} /{path}" + "x" * size)
    if path.startswith("boom"):
        raise ValueError(f"kaboom {path}")
    return Response("ok")
    """
)


@pytest.fixture
def database_url() -> None:
    """SQLite only: a tail reads the node's trace bus, never the store; both store backends
    are covered by tests/server and tests/control."""
    return None


@dataclass
class Live:
    platform: Platform
    port: int  # the admin listener's
    token: str  # an admin token of the account `main`
    other_token: str  # a token of another account, `other`
    server: uvicorn.Server | None = None
    task: asyncio.Future[None] | None = None

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def tail_path(self) -> str:
        return f"{self.api_url}/api/v1/services/shop/environments/production/tail"

    @property
    def tails(self) -> int:
        """How many subscribers the node's trace bus has: the open tails."""
        return len(self.platform.node.runtime.trace_bus.subscribers)

    async def start(self) -> None:
        api = platform_api(
            self.platform.plane,
            domain=DOMAIN,
            workers_url=f"http://x:{self.platform.port}",
            node=self.platform.node,
        )
        self.server = make_server(api, "127.0.0.1", self.port)
        self.task = asyncio.ensure_future(self.server.serve())
        while not self.server.started:
            await asyncio.sleep(0.01)

    async def stop(self) -> None:
        assert self.server is not None and self.task is not None
        self.server.should_exit = True
        await self.task

    async def call(
        self, path: str = "/", method: str = "GET", host: str | None = None, **headers: str
    ) -> httpx.Response:
        """A request to the shop's production environment (or `host`) on the workers listener."""
        return await self.platform.client.request(
            method,
            f"http://127.0.0.1:{self.platform.port}{path}",
            headers={"host": host or self.platform.host("shop"), **headers},
        )


async def until(condition: Callable[[], bool], timeout: float = 10.0) -> None:
    """Wait for a condition on real state (a tail subscribed, a slot freed)."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out waiting"
        await asyncio.sleep(0.01)


@pytest.fixture
async def live(platform: Platform) -> AsyncIterator[Live]:
    plane = platform.plane
    await plane.services.create(platform.admin, "shop")
    await platform.upload("shop", "production", SHOP, deploy=True)
    await plane.accounts.create("other")
    token = (await plane.accounts.issue_token("main", "ci", "admin")).value
    other = (await plane.accounts.issue_token("other", "reader", "read")).value
    live = Live(platform, free_port(), token, other)
    await live.start()
    yield live
    if live.server is not None and live.server.started and not live.task.done():
        await live.stop()
