"""Promotion: another environment's current code, this environment's own configuration."""

from __future__ import annotations

import asyncio

import pytest

from hearth.control import (
    Conflict,
    ControlError,
    ControlPlane,
    Invalid,
    Principal,
    version_runtime_view,
)
from tests.store.backends import row_counts

from .conftest import RecordingValidator, worker

NEW_CODE = worker("new")


@pytest.fixture
async def staged(plane: ControlPlane, admin: Principal, upload):
    """production v1 (own vars/secrets/bindings); staging cloned, then new code in staging v2."""
    await upload(
        vars={"MODE": "prod"},
        secrets={"DB": "prod-db"},
        bindings=[{"type": "kv", "name": "CACHE", "namespace_id": "prod-ns"}],
        deploy=True,
    )
    await plane.environments.clone(admin, "api", "production", "staging")
    await plane.settings.set_vars(admin, "api", "staging", {"MODE": "staging"})
    await plane.secrets.put(admin, "api", "staging", "DB", "staging-db")
    return await upload(
        NEW_CODE,
        environment="staging",
        compatibility_date="2025-10-01",
        compatibility_flags=["python_workers"],
        bindings=[{"type": "kv", "name": "CACHE", "namespace_id": "staging-ns"}],
        tag="rc1",
        deploy=True,
    )


async def test_promotion_takes_the_code_and_keeps_the_targets_configuration(
    plane: ControlPlane, admin: Principal, staged
) -> None:
    version = await plane.promotion.promote(admin, "api", "staging", "production")
    assert (version.number, version.triggered_by, version.promoted_from) == (
        2,
        "promotion",
        staged.id,
    )
    assert version.bundle_digest == staged.bundle_digest  # same code, not a copy
    assert (version.main_module, version.compatibility_date, version.compatibility_flags) == (
        "entry.py",
        "2025-10-01",
        ["python_workers"],
    )
    assert version.vars == {"MODE": "prod"}
    assert version.bindings == [{"type": "kv", "name": "CACHE", "namespace_id": "prod-ns"}]
    assert (await version_runtime_view(plane.store, version.id)).secrets == {"DB": "prod-db"}
    current = await plane.deployments.current(admin, "api", "production")
    assert current is not None and current.single_version == version.id
    assert current.triggered_by == "promotion"


async def test_promotion_with_config_takes_the_sources_configuration_too(
    plane: ControlPlane, admin: Principal, staged
) -> None:
    version = await plane.promotion.promote(admin, "api", "staging", "production", with_config=True)
    assert version.vars == {"MODE": "staging"}
    assert version.bindings == staged.bindings
    assert (await version_runtime_view(plane.store, version.id)).secrets == {"DB": "staging-db"}


async def test_promotion_needs_a_single_deployed_version_in_the_source(
    plane: ControlPlane, admin: Principal, staged, upload
) -> None:
    await plane.environments.create(admin, "api", "empty")
    with pytest.raises(Conflict) as caught:
        await plane.promotion.promote(admin, "api", "empty", "production")
    assert caught.value.code == "nothing_deployed"
    canary = await upload(environment="staging")
    await plane.deployments.create(admin, "api", "staging", {staged.id: 90, canary.id: 10})
    before = await row_counts(plane.store)
    with pytest.raises(Conflict) as caught:
        await plane.promotion.promote(admin, "api", "staging", "production")
    assert caught.value.code == "gradual_deployment"
    with pytest.raises(Invalid):
        await plane.promotion.promote(admin, "api", "staging", "staging")
    assert await row_counts(plane.store) == before


async def test_a_pipeline_moves_a_version_one_stage_on(
    plane: ControlPlane, admin: Principal, staged, upload
) -> None:
    await plane.environments.create(admin, "api", "dev")
    dev = await upload(worker("dev"), environment="dev", deploy=True)
    assert await plane.promotion.set_pipeline(admin, "api", ["dev", "staging", "production"])
    assert await plane.promotion.get_pipeline(admin, "api") == ["dev", "staging", "production"]
    in_staging = await plane.promotion.promote_next(admin, "api", "dev")
    assert (in_staging.environment, in_staging.promoted_from) == ("staging", dev.id)
    in_production = await plane.promotion.promote_next(admin, "api", "staging")
    assert (in_production.environment, in_production.promoted_from) == ("production", in_staging.id)
    assert in_production.bundle_digest == dev.bundle_digest
    with pytest.raises(Conflict) as caught:
        await plane.promotion.promote_next(admin, "api", "production")
    assert caught.value.code == "end_of_pipeline"


async def test_a_pipeline_follows_renames_and_forgets_deleted_environments(
    plane: ControlPlane, admin: Principal, staged
) -> None:
    await plane.environments.create(admin, "api", "dev")
    await plane.promotion.set_pipeline(admin, "api", ["dev", "staging", "production"])
    await plane.environments.rename(admin, "api", "staging", "qa")
    await plane.environments.delete(admin, "api", "dev")
    assert await plane.promotion.get_pipeline(admin, "api") == ["qa", "production"]
    with pytest.raises(Conflict) as caught:
        await plane.promotion.promote_next(admin, "api", "dev-unknown")
    assert caught.value.code == "not_in_pipeline"


@pytest.mark.parametrize("stages", [["staging", "staging"], ["staging"], ["staging", "nope"]])
async def test_invalid_pipelines_are_rejected_and_write_nothing(
    plane: ControlPlane, admin: Principal, staged, stages: list[str]
) -> None:
    before = await row_counts(plane.store)
    with pytest.raises(ControlError) as caught:
        await plane.promotion.set_pipeline(admin, "api", stages)
    assert caught.value.status in (400, 404)
    assert await row_counts(plane.store) == before


async def test_concurrent_pipeline_updates_all_succeed(
    plane: ControlPlane, admin: Principal, staged
) -> None:
    """Several clients setting the same pipeline at once each get it set (on PostgreSQL the
    second used to fail with a 500 on the stages' primary key); the last one wins."""
    await plane.environments.create(admin, "api", "dev")
    for _ in range(5):
        await asyncio.gather(
            plane.promotion.set_pipeline(admin, "api", ["staging", "production"]),
            plane.promotion.set_pipeline(admin, "api", ["staging", "production"]),
            plane.promotion.set_pipeline(admin, "api", ["dev", "staging", "production"]),
        )
        assert await plane.promotion.get_pipeline(admin, "api") in (
            ["staging", "production"],
            ["dev", "staging", "production"],
        )


async def test_a_rollback_of_the_source_during_a_promotion_stops_it(
    plane: ControlPlane,
    admin: Principal,
    runtime: RecordingValidator,
    staged,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Rolling staging back while its version is being promoted (the promoted version is
    still being validated) withdraws that code: the promotion fails with a 409 asking to
    retry, and production keeps serving what it served."""
    before = await plane.deployments.current(admin, "api", "production")
    entered, gate = asyncio.Event(), asyncio.Event()
    validate = runtime.loader.validate

    async def paused(draft):  # noqa: ANN001, ANN202
        entered.set()
        await gate.wait()
        return await validate(draft)

    monkeypatch.setattr(runtime.loader, "validate", paused)
    promotion = asyncio.create_task(plane.promotion.promote(admin, "api", "staging", "production"))
    await entered.wait()
    monkeypatch.setattr(runtime.loader, "validate", validate)
    rollback = await plane.deployments.rollback(admin, "api", "staging")
    assert rollback.versions[0].version_id != staged.id
    gate.set()
    with pytest.raises(Conflict) as caught:
        await promotion
    assert caught.value.code == "concurrent_change"
    assert "staging" in caught.value.message
    after = await plane.deployments.current(admin, "api", "production")
    assert after.id == before.id
