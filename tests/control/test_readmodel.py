"""The edge's read model: everything needed to serve every environment, in a few queries."""

from __future__ import annotations

from hearth.control import (
    ControlPlane,
    Principal,
    environment_runtime_view,
    snapshot_routing,
    version_runtime_view,
)


async def test_the_snapshot_holds_what_the_edge_serves(
    plane: ControlPlane, admin: Principal, outsider: Principal, upload
) -> None:
    v1 = await upload(vars={"A": "1"}, secrets={"KEY": "k1"}, deploy=True)
    v2 = await upload(secrets={"KEY": "k2"})
    await plane.deployments.create(admin, "api", "production", {v1.id: 90, v2.id: 10})
    await plane.environments.create(admin, "api", "staging")
    await plane.services.create(outsider, "internal", private=True)
    route = await plane.routes.add(admin, "example.com/*", "api")
    hole = await plane.routes.add(admin, "example.com/static/*")
    domain = await plane.routes.add_domain(admin, "shop.example.com", "api")

    snapshot = await snapshot_routing(plane.store)
    by_name = {(e.account_subdomain, e.service, e.environment): e for e in snapshot.environments}
    assert set(by_name) == {
        ("acme", "api", "production"),
        ("acme", "api", "staging"),
        ("globex", "internal", "production"),
    }
    production = by_name["acme", "api", "production"]
    assert production.split == [(v1.id, 90.0), (v2.id, 10.0)]
    assert production.version_ids == {1: v1.id, 2: v2.id}
    assert production.private is False
    deployed = production.deployed[v1.id]
    assert (deployed.number, deployed.bundle_digest, deployed.main_module) == (
        1,
        v1.bundle_digest,
        "entry.py",
    )
    assert (deployed.vars, deployed.secrets) == ({"A": "1"}, {"KEY": "k1"})
    assert production.deployed[v2.id].secrets == {"KEY": "k2"}
    assert by_name["acme", "api", "staging"].deployment_id is None
    assert by_name["globex", "internal", "production"].private is True
    routes = {(r.id, r.pattern, r.environment_id) for r in snapshot.routes}
    assert routes == {
        (route.id, "example.com/*", production.environment_id),
        (hole.id, "example.com/static/*", None),
    }
    assert [(d.hostname, d.environment_id) for d in snapshot.custom_domains] == [
        (domain.hostname, production.environment_id)
    ]


async def test_views_of_one_environment_and_one_version(
    plane: ControlPlane, admin: Principal, upload
) -> None:
    deployed = await upload(deploy=True)
    preview = await upload(tag="preview")
    env = await plane.environments.get(admin, "api", "production")
    view = await environment_runtime_view(plane.store, env.id)
    assert view is not None and list(view.deployed) == [deployed.id]
    assert view.version_ids == {1: deployed.id, 2: preview.id}
    version = await version_runtime_view(plane.store, preview.id)
    assert version is not None and (version.number, version.tag) == (2, "preview")
    await plane.services.delete(admin, "api")
    assert await environment_runtime_view(plane.store, env.id) is None
    assert await version_runtime_view(plane.store, preview.id) is None
