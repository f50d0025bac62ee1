"""The rules around private environments, through the API of a real node: no route or custom
domain may lead to a private environment, an environment (or service) with routes is not made
private behind the user's back, and bad requests are refused with what was wrong, changing
nothing."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from hearth.control import snapshot_routing
from tests.private.conftest import Node


def error_of(response: httpx.Response, status: int) -> dict[str, Any]:
    assert response.status_code == status, (response.status_code, response.text)
    return response.json()["error"]


async def test_routes_and_custom_domains_to_a_private_environment_are_refused(node: Node) -> None:
    await node.deploy("auth", "staging")
    await node.api.patch("/services/auth/environments/staging", json={"private": True})

    route = {"pattern": "auth.example.com/*", "service": "auth", "environment": "staging"}
    error = error_of(await node.api.post("/routes", json=route), 409)
    assert error["code"] == "environment_private"
    assert "environment 'staging' of 'auth' is private" in error["message"]
    domain = {"hostname": "auth.example.com", "service": "auth", "environment": "staging"}
    assert error_of(await node.api.post("/domains", json=domain), 409)["code"] == (
        "environment_private"
    )
    assert (await node.api.get("/routes")).json()["items"] == []
    assert (await node.api.get("/domains")).json()["items"] == []
    assert (await node.get("auth.example.com")).status_code == 404


async def test_an_environment_with_routes_is_not_made_private(node: Node) -> None:
    """Refused, naming the routes and domains to remove first: nothing is removed silently,
    and the environment keeps serving as before."""
    await node.deploy("shop")
    assert (
        await node.api.post("/routes", json={"pattern": "shop.example.com/*", "service": "shop"})
    ).status_code == 201
    assert (
        await node.api.post("/domains", json={"hostname": "buy.example.com", "service": "shop"})
    ).status_code == 201

    refused = await node.api.patch("/services/shop/environments/production", json={"private": True})
    error = error_of(refused, 409)
    assert error["code"] == "environment_has_routes"
    assert error["routes"] == ["buy.example.com", "shop.example.com/*"]
    assert "remove them first" in error["message"]
    # The whole service cannot go private either.
    error = error_of(await node.api.patch("/services/shop", json={"private": True}), 409)
    assert error["code"] == "environment_has_routes"

    shown = (await node.api.get("/services/shop/environments/production")).json()
    assert (shown["private"], shown["workers_dev"], shown["preview_urls"]) == (False, True, True)
    for host in ("shop.example.com", "buy.example.com", node.platform.host("shop")):
        assert (await node.get(host)).status_code == 200, host


async def test_a_private_service_makes_every_environment_private(node: Node) -> None:
    await node.api.post("/services", json={"name": "vault", "private": True})
    await node.deploy("vault", "staging")
    shown = (await node.api.get("/services/vault/environments/staging")).json()
    assert (shown["private"], shown["workers_dev"], shown["url"]) == (True, False, None)
    assert (await node.get(node.platform.host("vault", "staging"))).status_code == 404

    for body in ({"private": False}, {"workers_dev": True}):
        refused = await node.api.patch("/services/vault/environments/staging", json=body)
        assert error_of(refused, 409)["code"] == "service_private"
    # Turning things off is fine, and takes effect once the service is public.
    await node.api.patch("/services/vault/environments/staging", json={"preview_urls": False})
    await node.api.patch("/services/vault", json={"private": False})
    shown = (await node.api.get("/services/vault/environments/staging")).json()
    assert (shown["private"], shown["workers_dev"], shown["preview_urls"]) == (False, True, False)
    host = node.platform.host("vault", "staging")
    assert (await node.get(host)).status_code == 200
    assert (await node.get(f"v1.{host}")).status_code == 404


@pytest.mark.parametrize(
    "body, status, code, says",
    [
        ({}, 400, "invalid_request", "nothing to change"),
        ({"private": None}, 400, "invalid_request", "nothing to change"),
        ({"private": True, "workers_dev": True}, 400, "invalid_visibility", "workers_dev"),
        ({"private": "yes"}, 400, "invalid_request", "private"),
        ({"preview_url": False}, 400, "invalid_request", "preview_url"),
    ],
    ids=["empty", "null", "private-with-hostname", "not-a-boolean", "typo"],
)
async def test_bad_visibility_requests_say_what_is_wrong_and_change_nothing(
    node: Node, body: dict, status: int, code: str, says: str
) -> None:
    await node.deploy("web")
    error = error_of(
        await node.api.patch("/services/web/environments/production", json=body), status
    )
    assert error["code"] == code and says in error["message"], error
    shown = (await node.api.get("/services/web/environments/production")).json()
    assert (shown["private"], shown["workers_dev"], shown["preview_urls"]) == (False, True, True)


async def test_turning_a_hostname_on_in_a_private_environment_is_refused(node: Node) -> None:
    await node.deploy("auth")
    await node.api.patch("/services/auth/environments/production", json={"private": True})
    refused = await node.api.patch(
        "/services/auth/environments/production", json={"preview_urls": True}
    )
    error = error_of(refused, 409)
    assert error["code"] == "environment_private" and "private: false" in error["message"]


async def test_a_read_token_cannot_change_visibility(node: Node) -> None:
    await node.deploy("web")
    reader = await node.platform.plane.accounts.issue_token("main", "viewer", "read")
    refused = await node.api.patch(
        "/services/web/environments/production",
        json={"private": True},
        headers={"authorization": f"Bearer {reader.value}"},
    )
    assert refused.status_code == 403
    assert (await node.get(node.platform.host("web"))).status_code == 200


async def test_visibility_is_stored_and_read_back_at_the_next_start(node: Node) -> None:
    """What a restarted node's edge starts from (`snapshot_routing`) carries the settings."""
    await node.deploy("web", "staging")
    await node.deploy("auth", "staging")
    await node.api.patch("/services/web/environments/staging", json={"workers_dev": False})
    await node.api.patch("/services/auth/environments/staging", json={"private": True})
    assert node.platform.node.store is not None
    snapshot = await snapshot_routing(node.platform.node.store)
    seen = {
        (v.service, v.environment): (v.private, v.workers_dev, v.preview_urls)
        for v in snapshot.environments
    }
    assert seen == {
        ("web", "production"): (False, True, True),
        ("web", "staging"): (False, False, True),
        ("auth", "production"): (False, True, True),
        ("auth", "staging"): (True, False, False),
    }


async def test_version_preview_urls_follow_the_environments_preview_urls(node: Node) -> None:
    """The API shows a version's preview URL only where that hostname answers."""
    await node.deploy("docs", "staging")
    await node.deploy("docs")
    await node.api.patch("/services/docs/environments/staging", json={"preview_urls": False})

    staging = (await node.api.get("/services/docs/environments/staging/versions/1")).json()
    production = (await node.api.get("/services/docs/environments/production/versions")).json()
    assert staging["preview_url"] is None
    assert production["items"][0]["preview_url"].startswith("http://v1.production.docs.")
