"""Private environments over real HTTP, on a real node: a private environment answers exactly
like a host nobody serves, its service binding still works, and wrangler's two switches
(`workers_dev`, `preview_urls`) turn each kind of generated hostname off on its own. Every
change is made through the API and is in effect when the call returns."""

from __future__ import annotations

import httpx

from tests.private.conftest import Node
from tests.server.conftest import DOMAIN

GATEWAY = """
from workers import Response, WorkerEntrypoint

class Default(WorkerEntrypoint):
    async def fetch(self, request):
        reply = await self.env.AUTH.fetch("https://auth.internal/")
        return Response("via binding: " + await reply.text())
"""


def same_answer(a: httpx.Response, b: httpx.Response, host_a: str, host_b: str) -> None:
    """Two responses are indistinguishable, once each host name is taken out of the body."""
    assert (a.status_code, a.reason_phrase) == (b.status_code, b.reason_phrase)
    skip = {"date"}
    assert {k: v for k, v in a.headers.items() if k not in skip} == {
        k: v for k, v in b.headers.items() if k not in skip
    }
    assert a.text.replace(host_a, "HOST") == b.text.replace(host_b, "HOST")


async def patch(node: Node, service: str, env: str, body: dict) -> dict:
    response = await node.api.patch(f"/services/{service}/environments/{env}", json=body)
    assert response.status_code == 200, response.text
    return response.json()


async def test_a_private_environment_gets_the_404_of_an_unknown_host_and_its_binding_works(
    node: Node,
) -> None:
    await node.deploy("auth", "staging")
    await node.deploy("auth", "production")
    staging = node.platform.host("auth", "staging")
    assert (await node.get(staging)).status_code == 200

    shown = await patch(node, "auth", "staging", {"private": True})
    assert (shown["private"], shown["workers_dev"], shown["preview_urls"]) == (True, False, False)
    assert shown["url"] is None

    hidden = await node.get(staging)
    unknown_host = f"nothing.auth.main.{DOMAIN}"
    assert len(unknown_host) == len(staging)
    same_answer(hidden, await node.get(unknown_host), staging, unknown_host)
    assert hidden.status_code == 404
    # Its versions' hostnames are gone too; production, public, still answers.
    assert (await node.get(f"v1.{staging}")).status_code == 404
    assert (await node.get(node.platform.host("auth"))).text == "hello from auth/production"

    # A binding from the same account reaches it.
    bindings = [{"type": "service", "name": "AUTH", "service": "auth", "environment": "staging"}]
    plane, admin = node.platform.plane, node.platform.admin
    await plane.services.create(admin, "gateway")
    await node.platform.upload(
        "gateway", "production", {"entry.py": GATEWAY.encode()}, bindings=bindings, deploy=True
    )
    via = await node.get(node.platform.host("gateway"))
    assert via.text == "via binding: hello from auth/staging"

    # And once the environment is gone for good, its host answers byte for byte the same.
    await node.api.delete("/services/auth/environments/staging")
    same_answer(hidden, await node.get(staging), staging, staging)


async def test_production_can_be_private_while_staging_is_public_and_back(node: Node) -> None:
    await node.deploy("api", "production")
    await node.deploy("api", "staging")
    await patch(node, "api", "production", {"private": True})
    assert (await node.get(node.platform.host("api"))).status_code == 404
    assert (await node.get(node.platform.host("api", "staging"))).status_code == 200

    listed = (await node.api.get("/services/api/environments")).json()["items"]
    assert [(e["name"], e["private"], e["url"] is None) for e in listed] == [
        ("production", True, True),
        ("staging", False, False),
    ]
    service = (await node.api.get("/services/api")).json()
    assert service["private"] is False and service["url"] is None

    # Public again: both hostnames answer as soon as the call returns.
    shown = await patch(node, "api", "production", {"private": False})
    assert (shown["private"], shown["workers_dev"], shown["preview_urls"]) == (False, True, True)
    assert shown["url"] == f"http://api.main.{DOMAIN}:{node.platform.port}/"
    assert (await node.get(node.platform.host("api"))).status_code == 200
    assert (await node.get("v1." + "production." + node.platform.host("api"))).status_code == 200


async def test_workers_dev_and_preview_urls_switch_each_hostname_on_its_own(node: Node) -> None:
    await node.deploy("web", "staging")
    host = node.platform.host("web", "staging")

    shown = await patch(node, "web", "staging", {"workers_dev": False})
    assert (shown["private"], shown["workers_dev"], shown["preview_urls"]) == (False, False, True)
    assert shown["url"] is None
    assert (await node.get(host)).status_code == 404
    assert (await node.get(f"v1.{host}")).text == "hello from web/staging"

    shown = await patch(node, "web", "staging", {"workers_dev": True, "preview_urls": False})
    assert (shown["workers_dev"], shown["preview_urls"]) == (True, False)
    assert (await node.get(host)).text == "hello from web/staging"
    assert (await node.get(f"v1.{host}")).status_code == 404

    # Both off is not private: routes may still lead here (wrangler's routed worker).
    shown = await patch(node, "web", "staging", {"workers_dev": False, "preview_urls": False})
    assert shown["private"] is False
    route = await node.api.post(
        "/routes",
        json={"pattern": "shop.example.com/*", "service": "web", "environment": "staging"},
    )
    assert route.status_code == 201, route.text
    assert (await node.get("shop.example.com")).text == "hello from web/staging"
    assert (await node.get(host)).status_code == 404
