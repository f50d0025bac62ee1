"""Fixtures of the KV REST API tests: the API of a real node (`platform`, both store backends)
served over HTTP on a loopback port, with clients holding an admin token, a read token and an
admin token of another account."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import httpx
import pytest

from hearth.edge._server import free_port, make_server
from hearth.server import platform_api
from tests.server.conftest import DOMAIN, Platform, data_dir, database_url, platform, postgres_url

__all__ = ["KVApi", "data_dir", "database_url", "kv_api", "platform", "postgres_url", "serve_api"]


@dataclass
class KVApi:
    platform: Platform
    namespaces: str  # http://127.0.0.1:<port>/api/v1/kv/namespaces
    admin: httpx.AsyncClient
    reader: httpx.AsyncClient  # a `read` token of the same account
    outsider: httpx.AsyncClient  # an `admin` token of another account

    async def create(self, title: str) -> str:
        """A new namespace of the account; its id."""
        created = await self.admin.post(self.namespaces, json={"title": title})
        assert created.status_code == 201, created.text
        return created.json()["id"]

    def url(self, namespace_id: str, *parts: str) -> str:
        return "/".join([self.namespaces, namespace_id, *parts])

    def value(self, namespace_id: str, key: str) -> str:
        """A value's URL: the key percent-encoded, `/` included (it may stay a `/` too)."""
        return self.url(namespace_id, "values", quote(key, safe=""))

    def metadata(self, namespace_id: str, key: str) -> str:
        return self.url(namespace_id, "metadata", quote(key, safe=""))

    async def keys(self, namespace_id: str, **params: Any) -> dict[str, Any]:
        listed = await self.admin.get(self.url(namespace_id, "keys"), params=params)
        assert listed.status_code == 200, listed.text
        return listed.json()


async def serve_api(platform: Platform, *, node: Any) -> AsyncIterator[str]:
    """Serve the node's REST API on a loopback port; yields its base URL (`…/api/v1`)."""
    port = free_port()
    app = platform_api(
        platform.plane, domain=DOMAIN, workers_url=f"http://x:{platform.port}", node=node
    )
    server = make_server(app, "127.0.0.1", port)
    task = asyncio.ensure_future(server.serve())
    while not server.started:
        await asyncio.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{port}/api/v1"
    finally:
        server.should_exit = True
        await task


def _client(token: str) -> httpx.AsyncClient:
    return httpx.AsyncClient(headers={"authorization": f"Bearer {token}"}, timeout=60)


@pytest.fixture
async def kv_api(platform: Platform) -> AsyncIterator[KVApi]:
    plane = platform.plane
    admin = await plane.accounts.issue_token("main", "ci", "admin")
    reader = await plane.accounts.issue_token("main", "viewer", "read")
    await plane.accounts.create("other")
    outsider = await plane.accounts.issue_token("other", "theirs", "admin")
    async for base in serve_api(platform, node=platform.node):
        async with (
            _client(admin.value) as admin_client,
            _client(reader.value) as reader_client,
            _client(outsider.value) as outsider_client,
        ):
            yield KVApi(
                platform, f"{base}/kv/namespaces", admin_client, reader_client, outsider_client
            )
