"""The Workers Services model end to end on a real node: environments, versions, promotion,
rollback and gradual deployments, served over HTTP by generated hostnames."""

from __future__ import annotations

from collections import Counter

import pytest

from hearth.control import Invalid

from .conftest import Platform, worker

V1 = worker('return Response(f"v1 says {self.env.GREETING}")')
V2 = worker('return Response(f"v2 says {self.env.GREETING}")')


async def test_the_full_story_of_a_service(platform: Platform):
    plane, admin = platform.plane, platform.admin
    await plane.services.create(admin, "shop")
    first = await platform.upload("shop", "production", V1, vars={"GREETING": "hi"}, deploy=True)
    assert (await platform.get(platform.host("shop"))).text == "v1 says hi"

    await plane.environments.clone(admin, "shop", "production", "staging")
    assert (await platform.get(platform.host("shop", "staging"))).text == "v1 says hi"

    await platform.upload("shop", "staging", V2, deploy=True, message="new code")
    await plane.settings.set_vars(admin, "shop", "staging", {"GREETING": "staging hello"})
    staging = await plane.versions.list(admin, "shop", "staging")
    assert [v.number for v in staging.items] == [3, 2, 1]
    assert [v.triggered_by for v in staging.items] == ["dashboard", "upload", "clone"]
    assert (await platform.get(platform.host("shop", "staging"))).text == "v2 says staging hello"
    assert (await platform.get(platform.host("shop"))).text == "v1 says hi"  # both at once

    promoted = await plane.promotion.promote(admin, "shop", "staging", "production")
    assert (promoted.number, promoted.triggered_by) == (2, "promotion")
    assert promoted.promoted_from == staging.items[0].id
    assert (await platform.get(platform.host("shop"))).text == "v2 says hi"  # its own vars

    await plane.deployments.rollback(admin, "shop", "production")
    assert (await platform.get(platform.host("shop"))).text == "v1 says hi"
    assert first.startup_time_ms is not None and first.startup_time_ms > 0


async def test_a_gradual_deployment_splits_traffic_and_a_version_key_pins(platform: Platform):
    await platform.plane.services.create(platform.admin, "shop")
    old = await platform.upload("shop", "production", V1, vars={"GREETING": "x"}, deploy=True)
    new = await platform.upload("shop", "production", V2)
    await platform.plane.deployments.create(
        platform.admin, "shop", "production", {old.id: 90, new.id: 10}
    )
    host = platform.host("shop")
    counts = Counter([(await platform.get(host)).text[:2] for _ in range(2000)])
    assert 0.08 <= counts["v2"] / 2000 <= 0.12
    pinned = {
        (await platform.get(host, headers={"hearth-version-key": "user-42"})).text
        for _ in range(30)
    }
    assert len(pinned) == 1
    override = await platform.get(host, headers={"hearth-version-override": f'shop="{new.id}"'})
    assert override.text == "v2 says x"


async def test_a_deploy_is_live_and_loaded_when_the_call_returns(platform: Platform):
    await platform.plane.services.create(platform.admin, "shop")
    version = await platform.upload("shop", "production", V1, vars={"GREETING": "x"}, deploy=True)
    assert platform.node.runtime.is_loaded(version.id)  # no cold start on the first request
    assert (await platform.get(platform.host("shop"))).text == "v1 says x"


async def test_every_version_answers_at_its_preview_hostname(platform: Platform):
    await platform.plane.services.create(platform.admin, "shop")
    await platform.upload("shop", "production", V1, vars={"GREETING": "one"}, deploy=True)
    await platform.upload("shop", "production", V2)  # uploaded, not deployed
    preview = "v2.production.shop.main.hearth.test"
    assert (await platform.get(preview)).text == "v2 says one"
    assert (await platform.get("v1.production.shop.main.hearth.test")).text == "v1 says one"
    assert (await platform.get(platform.host("shop"))).text == "v1 says one"
    assert (await platform.get("v9.production.shop.main.hearth.test")).status_code == 404


async def test_renaming_an_environment_moves_its_hostname(platform: Platform):
    await platform.plane.services.create(platform.admin, "shop")
    await platform.upload("shop", "production", V1, vars={"GREETING": "x"}, deploy=True)
    await platform.plane.environments.clone(platform.admin, "shop", "production", "staging")
    await platform.plane.environments.rename(platform.admin, "shop", "staging", "preview")
    assert (await platform.get(platform.host("shop", "staging"))).status_code == 404
    assert (await platform.get(platform.host("shop", "preview"))).text == "v1 says x"
    await platform.plane.environments.delete(platform.admin, "shop", "preview")
    assert (await platform.get(platform.host("shop", "preview"))).status_code == 404


async def test_unknown_hosts_get_a_404_naming_the_host(platform: Platform):
    response = await platform.get("nothing.main.hearth.test")
    assert response.status_code == 404
    assert "nothing.main.hearth.test" in response.text


async def test_a_worker_that_raises_answers_500_without_its_traceback(platform: Platform):
    await platform.plane.services.create(platform.admin, "shop")
    await platform.upload(
        "shop", "production", worker("raise KeyError('internal detail')"), deploy=True
    )
    response = await platform.get(platform.host("shop"))
    assert response.status_code == 500
    assert "internal detail" not in response.text


@pytest.mark.parametrize(
    "files, message",
    [
        ({"entry.py": b"def broken(:\n"}, "entry.py:1: SyntaxError"),
        ({"entry.py": b"import nowhere_to_be_found\n"}, "No module named 'nowhere_to_be_found'"),
        ({"entry.py": b"x = 1\n"}, "does not define 'class Default(WorkerEntrypoint)'"),
        ({"entry.py": b"raise RuntimeError('top-level failure')\n"}, "top-level failure"),
    ],
    ids=["syntax", "import", "no-handler", "top-level"],
)
async def test_a_version_that_does_not_load_is_rejected_and_never_serves(
    platform: Platform, files: dict[str, bytes], message: str
):
    await platform.plane.services.create(platform.admin, "shop")
    await platform.upload("shop", "production", V1, vars={"GREETING": "ok"}, deploy=True)
    with pytest.raises(Invalid) as caught:
        await platform.upload("shop", "production", files, deploy=True)
    assert message in caught.value.message
    assert "Traceback" in caught.value.detail["traceback"]
    assert (await platform.get(platform.host("shop"))).text == "v1 says ok"
    versions = await platform.plane.versions.list(platform.admin, "shop", "production")
    assert versions.total == 1


async def test_a_restarted_node_serves_what_was_deployed(platform: Platform):
    from hearth.server import Node

    await platform.plane.services.create(platform.admin, "shop")
    await platform.upload("shop", "production", V1, vars={"GREETING": "durable"}, deploy=True)
    again = Node(platform.node.settings)
    await again.start()
    try:
        live = next(iter(again.edge.environments.values()))
        version_id = live.deployment.versions[0].id
        assert again.runtime.is_loaded(version_id)
    finally:
        await again.stop()


async def test_routes_and_custom_domains_send_traffic_to_environments(platform: Platform):
    plane, admin = platform.plane, platform.admin
    await plane.services.create(admin, "shop")
    await platform.upload("shop", "production", V1, vars={"GREETING": "prod"}, deploy=True)
    await plane.environments.clone(admin, "shop", "production", "staging")
    await plane.settings.set_vars(admin, "shop", "staging", {"GREETING": "staging"})
    await plane.routes.add(admin, "example.com/*", service="shop", environment="production")
    await plane.routes.add(admin, "example.com/beta/*", service="shop", environment="staging")
    await plane.routes.add(admin, "example.com/static/*")  # a hole: no worker
    await plane.routes.add_domain(admin, "shop.example.org", "shop", "staging")

    assert (await platform.get("example.com", "/cart")).text == "v1 says prod"
    assert (await platform.get("EXAMPLE.com", "/beta/x")).text == "v1 says staging"
    assert (await platform.get("example.com", "/static/logo.png")).status_code == 404
    assert (await platform.get("shop.example.org", "/")).text == "v1 says staging"
    route = next(r for r in await plane.routes.list(admin) if r.pattern == "example.com/beta/*")
    await plane.routes.remove(admin, route.id)
    assert (await platform.get("example.com", "/beta/x")).text == "v1 says prod"
