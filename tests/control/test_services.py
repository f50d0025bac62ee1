"""Services: named like DNS labels, born with a production environment, deleted whole."""

from __future__ import annotations

import pytest

from hearth.control import Conflict, ControlPlane, Invalid, NotFound, Principal
from tests.store.backends import row_counts


async def test_a_service_is_created_with_an_empty_production_environment(
    plane: ControlPlane, admin: Principal
) -> None:
    service = await plane.services.create(admin, "web")
    assert (service.name, service.private, service.environments) == ("web", False, ["production"])
    assert await plane.versions.list(admin, "web", "production") is not None
    assert await plane.deployments.current(admin, "web", "production") is None


@pytest.mark.parametrize(
    "name", ["", "-api", "api-", "API", "my_api", "a.b", "x" * 64, "café", " api"]
)
async def test_service_names_are_dns_labels_else_rejected_and_nothing_written(
    plane: ControlPlane, admin: Principal, name: str
) -> None:
    before = await row_counts(plane.store)
    with pytest.raises(Invalid) as caught:
        await plane.services.create(admin, name)
    assert caught.value.code == "invalid_name"
    assert "lower-case letters, digits and '-'" in caught.value.message
    assert await row_counts(plane.store) == before


@pytest.mark.parametrize("name", ["a", "0", "my-api-2", "x" * 63])
async def test_valid_service_names(plane: ControlPlane, admin: Principal, name: str) -> None:
    assert (await plane.services.create(admin, name)).name == name


async def test_a_service_name_is_unique_in_its_account(
    plane: ControlPlane, admin: Principal
) -> None:
    with pytest.raises(Conflict) as caught:
        await plane.services.create(admin, "api")
    assert caught.value.status == 409


async def test_services_are_listed_by_name_with_their_environments(
    plane: ControlPlane, admin: Principal
) -> None:
    await plane.services.create(admin, "web", private=True)
    await plane.environments.create(admin, "api", "staging")
    await plane.environments.create(admin, "api", "dev")
    listed = await plane.services.list(admin)
    assert [(s.name, s.private, s.environments) for s in listed] == [
        ("api", False, ["production", "dev", "staging"]),
        ("web", True, ["production"]),
    ]
    assert (await plane.services.get(admin, "api")).environments == listed[0].environments


async def test_a_service_can_be_made_private(plane: ControlPlane, admin: Principal) -> None:
    assert (await plane.services.set_private(admin, "api", True)).private is True


async def test_deleting_a_service_deletes_its_environments_versions_deployments_and_routes(
    plane: ControlPlane, admin: Principal, upload
) -> None:
    before = await row_counts(plane.store)
    await upload(secrets={"KEY": "v"}, deploy=True)
    await plane.environments.clone(admin, "api", "production", "staging")
    await plane.promotion.set_pipeline(admin, "api", ["staging", "production"])
    await plane.routes.add(admin, "example.com/*", "api", "staging")
    await plane.routes.add_domain(admin, "shop.example.com", "api")
    await plane.services.delete(admin, "api")
    after = await row_counts(plane.store)
    with pytest.raises(NotFound):
        await plane.services.get(admin, "api")
    # Code stays (bundles are shared by content); everything else of the service is gone.
    kept = {"blobs", "bundles"}
    assert {t: n for t, n in after.items() if t not in kept} == {
        t: n for t, n in before.items() if t not in kept
    } | {"environments": before["environments"] - 1, "services": before["services"] - 1}
    assert await plane.routes.list(admin) == []
    assert await plane.routes.list_domains(admin) == []
