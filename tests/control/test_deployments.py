"""Deployments: one version at 100 %, or two split; rollback deploys an earlier version."""

from __future__ import annotations

import uuid

import pytest

from hearth.control import Conflict, ControlPlane, Invalid, NotFound, Principal
from tests.store.backends import row_counts


async def test_a_deployment_is_one_version_at_100_percent(
    plane: ControlPlane, admin: Principal, upload
) -> None:
    version = await upload()
    deployment = await plane.deployments.create(
        admin, "api", "production", {version.id: 100}, message="go"
    )
    assert [(v.version_id, v.number, v.percentage) for v in deployment.versions] == [
        (version.id, 1, 100.0)
    ]
    assert (deployment.author, deployment.message, deployment.triggered_by) == (
        "acme-admin",
        "go",
        "deployment",
    )
    assert await plane.deployments.current(admin, "api", "production") == deployment


async def test_a_gradual_deployment_splits_two_versions_summing_to_100(
    plane: ControlPlane, admin: Principal, upload
) -> None:
    old, new = await upload(), await upload()
    deployment = await plane.deployments.create(
        admin, "api", "production", {old.id: 90, new.id: 10}
    )
    assert [(v.number, v.percentage) for v in deployment.versions] == [(1, 90.0), (2, 10.0)]
    assert deployment.single_version is None
    smoke = await plane.deployments.create(admin, "api", "production", {old.id: 100, new.id: 0})
    assert [v.percentage for v in smoke.versions] == [100.0, 0.0]  # 0 %: reachable by override


async def test_invalid_splits_are_rejected_and_write_nothing(
    plane: ControlPlane, admin: Principal, upload
) -> None:
    a, b, c = await upload(), await upload(), await upload()
    await plane.environments.create(admin, "api", "staging")
    elsewhere = await upload(environment="staging")
    before = await row_counts(plane.store)
    invalid = [
        {},
        {a.id: 50},
        {a.id: 60, b.id: 50},
        {a.id: 50, b.id: 25, c.id: 25},
        {a.id: -10, b.id: 110},
        {a.id: "100"},
        {a.id: 100.0, b.id: float("nan")},
        {elsewhere.id: 100},
        {str(uuid.uuid4()): 100},
    ]
    for split in invalid:
        with pytest.raises(Invalid):
            await plane.deployments.create(admin, "api", "production", split)
    assert await row_counts(plane.store) == before


async def test_deployments_are_listed_newest_first(
    plane: ControlPlane, admin: Principal, upload
) -> None:
    a, b = await upload(), await upload()
    for version in (a, b, a):
        await plane.deployments.create(admin, "api", "production", {version.id: 100})
    page = await plane.deployments.list(admin, "api", "production")
    assert [d.number for d in page.items] == [3, 2, 1]
    assert [d.versions[0].number for d in page.items] == [1, 2, 1]
    assert page.total == 3


async def test_rollback_defaults_to_the_previous_version_deployed_at_100_percent(
    plane: ControlPlane, admin: Principal, upload
) -> None:
    v1 = await upload(deploy=True)
    v2 = await upload(deploy=True)
    v3 = await upload()
    await plane.deployments.create(admin, "api", "production", {v2.id: 50, v3.id: 50})
    rollback = await plane.deployments.rollback(admin, "api", "production", message="bad canary")
    assert rollback.single_version == v2.id  # the split is skipped: it had no version at 100 %
    assert (rollback.triggered_by, rollback.message) == ("rollback", "bad canary")
    # The version serving now is not a rollback target: the one before it is.
    again = await plane.deployments.rollback(admin, "api", "production")
    assert again.single_version == v1.id


async def test_rollback_to_a_named_version(plane: ControlPlane, admin: Principal, upload) -> None:
    v1 = await upload(deploy=True)
    await upload(deploy=True)
    await upload(deploy=True)
    rollback = await plane.deployments.rollback(admin, "api", "production", v1.id)
    assert rollback.single_version == v1.id
    with pytest.raises(Conflict):
        await plane.deployments.rollback(admin, "api", "production", v1.id)  # already serving
    with pytest.raises(NotFound):
        await plane.deployments.rollback(admin, "api", "production", str(uuid.uuid4()))


async def test_rollback_needs_something_to_roll_back_to(
    plane: ControlPlane, admin: Principal, upload
) -> None:
    with pytest.raises(Conflict) as caught:
        await plane.deployments.rollback(admin, "api", "production")
    assert caught.value.code == "nothing_deployed"
    await upload(deploy=True)
    with pytest.raises(Conflict) as caught:
        await plane.deployments.rollback(admin, "api", "production")
    assert caught.value.code == "no_rollback_target"
