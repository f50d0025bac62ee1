"""Promotion: another environment's current code, this environment's own configuration."""

from __future__ import annotations

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

from .conftest import worker

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
