"""Environments: created empty or cloned, renamed, deleted — production excepted."""

from __future__ import annotations

import pytest

from hearth.control import Conflict, ControlPlane, Invalid, NotFound, Principal, snapshot_routing
from tests.store.backends import row_counts

from .conftest import worker


async def test_a_new_environment_is_empty(plane: ControlPlane, admin: Principal) -> None:
    env = await plane.environments.create(admin, "api", "staging")
    assert (env.service, env.name) == ("api", "staging")
    assert (await plane.versions.list(admin, "api", "staging")).total == 0
    assert await plane.deployments.current(admin, "api", "staging") is None
    names = [e.name for e in await plane.environments.list(admin, "api")]
    assert names == ["production", "staging"]


async def test_environment_names_follow_service_name_rules_and_are_unique(
    plane: ControlPlane, admin: Principal
) -> None:
    before = await row_counts(plane.store)
    with pytest.raises(Invalid):
        await plane.environments.create(admin, "api", "Staging")
    with pytest.raises(Conflict):
        await plane.environments.create(admin, "api", "production")
    with pytest.raises(NotFound):
        await plane.environments.create(admin, "nope", "staging")
    assert await row_counts(plane.store) == before


async def test_a_clone_gets_the_current_version_as_its_deployed_version_1(
    plane: ControlPlane, admin: Principal, upload
) -> None:
    source = await upload(
        vars={"A": "1"},
        secrets={"KEY": "secret"},
        bindings=[{"type": "kv", "name": "CACHE", "namespace_id": "ns1"}],
        deploy=True,
    )
    await upload(worker("not deployed"))  # latest, not current
    await plane.environments.clone(admin, "api", "production", "staging")
    clone = (await plane.versions.list(admin, "api", "staging")).items
    assert len(clone) == 1
    copy = clone[0]
    assert (copy.number, copy.triggered_by, copy.author) == (1, "clone", "acme-admin")
    assert copy.bundle_digest == source.bundle_digest  # code shared, not copied
    assert (copy.vars, copy.bindings, copy.secret_names) == (
        source.vars,
        source.bindings,
        source.secret_names,
    )
    assert copy.secrets_digest == source.secrets_digest
    current = await plane.deployments.current(admin, "api", "staging")
    assert current is not None and current.single_version == copy.id
    assert current.triggered_by == "clone"


async def test_cloning_an_environment_with_nothing_deployed_gives_an_empty_one(
    plane: ControlPlane, admin: Principal
) -> None:
    await plane.environments.clone(admin, "api", "production", "staging")
    assert (await plane.versions.list(admin, "api", "staging")).total == 0


async def test_a_clone_that_does_not_load_leaves_no_environment(
    plane: ControlPlane, admin: Principal, upload, runtime
) -> None:
    await upload(deploy=True)
    before = await row_counts(plane.store)

    async def broken(draft):
        raise RuntimeError("binding CACHE does not resolve")

    strict = ControlPlane(plane.store, validate_version=broken)
    with pytest.raises(Invalid) as caught:
        await strict.environments.clone(admin, "api", "production", "staging")
    assert "binding CACHE does not resolve" in caught.value.message
    assert await row_counts(plane.store) == before


async def test_renaming_keeps_versions_and_deployments(
    plane: ControlPlane, admin: Principal, upload
) -> None:
    await plane.environments.create(admin, "api", "staging")
    version = await upload(environment="staging", deploy=True)
    renamed = await plane.environments.rename(admin, "api", "staging", "preview")
    assert renamed.name == "preview"
    with pytest.raises(NotFound):
        await plane.environments.get(admin, "api", "staging")
    assert (await plane.versions.get(admin, "api", "preview", version.id)).environment == "preview"
    snapshot = await snapshot_routing(plane.store)
    assert {e.environment for e in snapshot.environments} == {"production", "preview"}


async def test_production_can_be_neither_renamed_nor_deleted(
    plane: ControlPlane, admin: Principal
) -> None:
    await plane.environments.create(admin, "api", "staging")
    with pytest.raises(Conflict) as caught:
        await plane.environments.rename(admin, "api", "production", "prod")
    assert caught.value.code == "production_environment"
    with pytest.raises(Conflict):
        await plane.environments.delete(admin, "api", "production")
    with pytest.raises(Conflict):
        await plane.environments.rename(admin, "api", "staging", "production")


async def test_deleting_an_environment_deletes_its_history_and_unused_secret_sets(
    plane: ControlPlane, admin: Principal, upload
) -> None:
    await upload(secrets={"KEY": "prod"}, deploy=True)
    before = await row_counts(plane.store)
    await plane.environments.clone(admin, "api", "production", "staging")
    await plane.secrets.put(admin, "api", "staging", "KEY", "staging-only")
    await plane.routes.add(admin, "example.com/*", "api", "staging")
    await plane.environments.delete(admin, "api", "staging")
    after = await row_counts(plane.store)
    # The clone shared production's secret set (kept); its own new set went with it.
    assert after == before
    with pytest.raises(NotFound):
        await plane.environments.delete(admin, "api", "staging")
