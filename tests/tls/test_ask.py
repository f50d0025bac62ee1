"""The on-demand TLS "ask" endpoint (`GET /api/v1/tls/ask?domain=…`, Caddy's form) on a real
node: 200 for what the edge serves now, 404 for anything else, an empty body either way, no
token, and no database query."""

from __future__ import annotations

import httpx
import pytest
import sqlalchemy as sa

from tests.private.conftest import Node, data_dir, database_url, node, platform, postgres_url
from tests.server.conftest import DOMAIN

__all__ = ["data_dir", "database_url", "node", "platform", "postgres_url"]


async def ask(node: Node, domain: str | None) -> httpx.Response:
    params = {} if domain is None else {"domain": domain}
    async with httpx.AsyncClient(base_url=node.admin_base) as anonymous:  # no token
        return await anonymous.get("/api/v1/tls/ask", params=params)


async def allowed(node: Node, domain: str | None) -> bool:
    response = await ask(node, domain)
    assert response.status_code in (200, 404), response.text
    assert response.content == b""  # nothing beyond yes or no
    return response.status_code == 200


@pytest.fixture
async def served(node: Node) -> Node:
    await node.deploy("api")
    await node.deploy("api", "staging")
    await node.deploy("auth", "staging")
    await node.api.patch("/services/auth/environments/staging", json={"private": True})
    for route in (
        {"pattern": "shop.example.com/cart*", "service": "api"},
        {"pattern": "*.tenants.example.com/*", "service": "api", "environment": "staging"},
        {"pattern": "holes.example.com/*"},  # a hole: no worker behind it
    ):
        assert (await node.api.post("/routes", json=route)).status_code == 201
    domain = {"hostname": "api.example.org", "service": "api"}
    assert (await node.api.post("/domains", json=domain)).status_code == 201
    return node


@pytest.mark.parametrize(
    "domain",
    [
        f"api.main.{DOMAIN}",
        f"staging.api.main.{DOMAIN}",
        f"v1.staging.api.main.{DOMAIN}",
        f"v1.production.api.main.{DOMAIN}",
        f"STAGING.Api.main.{DOMAIN}.",
        "api.example.org",
        "shop.example.com",
        "acme.tenants.example.com",
    ],
)
async def test_hostnames_served_now_may_get_a_certificate(served: Node, domain: str) -> None:
    assert await allowed(served, domain)


@pytest.mark.parametrize(
    "domain",
    [
        f"staging.auth.main.{DOMAIN}",  # private
        f"v1.staging.auth.main.{DOMAIN}",  # a private environment's version
        f"v9.staging.api.main.{DOMAIN}",  # no such version
        f"nothing.api.main.{DOMAIN}",
        f"main.{DOMAIN}",
        DOMAIN,
        "tenants.example.com",  # `*.x` covers subdomains only
        "holes.example.com",
        "example.com",
        "",
        "not a hostname",
        "a" * 300,
        None,
    ],
)
async def test_anything_else_gets_a_no(served: Node, domain: str | None) -> None:
    assert not await allowed(served, domain)


async def test_an_environment_qualifies_the_moment_it_exists_and_not_after(node: Node) -> None:
    host = f"preview.web.main.{DOMAIN}"
    await node.deploy("web")
    assert not await allowed(node, host)
    await node.api.post("/services/web/environments", json={"name": "preview"})
    assert await allowed(node, host)  # exists, even before anything is deployed
    await node.api.patch("/services/web/environments/preview", json={"workers_dev": False})
    assert not await allowed(node, host)
    await node.api.patch("/services/web/environments/preview", json={"workers_dev": True})
    await node.api.delete("/services/web/environments/preview")
    assert not await allowed(node, host)


async def test_the_answer_comes_from_memory_without_a_database_query(served: Node) -> None:
    store = served.platform.node.store
    assert store is not None
    queries: list[str] = []

    def count(conn: object, cursor: object, statement: str, *args: object) -> None:
        queries.append(statement)

    sa.event.listen(store.engine.sync_engine, "before_cursor_execute", count)
    try:
        assert await allowed(served, f"api.main.{DOMAIN}")
        assert not await allowed(served, f"nothing.main.{DOMAIN}")
    finally:
        sa.event.remove(store.engine.sync_engine, "before_cursor_execute", count)
    assert queries == []
