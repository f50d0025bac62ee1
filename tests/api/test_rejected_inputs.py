"""Inputs that crashed the API (a 500 on one backend or both) are clear 4xx errors, and a
refused PATCH of an environment changes nothing."""

from __future__ import annotations

import pytest

from hearth.api._context import Urls
from tests.api.conftest import Api, error_of

ENV = "/services/api/environments/production"


@pytest.fixture
async def deployed(api: Api) -> None:
    assert (await api.admin.post("/services", json={"name": "api"})).status_code == 201
    await api.deployed()


@pytest.mark.usefixtures("deployed")
@pytest.mark.parametrize("ref", ["\u00b2", "\u0661", "99999999999999999999", "2147483648"])
async def test_a_version_reference_no_version_has_is_not_found(api: Api, ref: str) -> None:
    """'²' is a digit to str.isdigit() but no number; a number past the column's range
    names no version: both are the 404 of any unknown version."""
    error = error_of(await api.admin.get(f"{ENV}/versions/{ref}"), 404)
    assert error["code"] == "version_not_found"
    response = await api.admin.post(f"{ENV}/rollback", json={"version": ref})
    assert response.status_code == 404, response.text


@pytest.mark.usefixtures("deployed")
@pytest.mark.parametrize("number", [2**31, 2**40, 2**63])
async def test_deploying_a_version_number_past_any_version_is_not_found(
    api: Api, number: int
) -> None:
    response = await api.admin.post(
        f"{ENV}/deployments", json={"versions": [{"version_id": number, "percentage": 100}]}
    )
    assert error_of(response, 404)["code"] == "version_not_found"


@pytest.mark.usefixtures("deployed")
@pytest.mark.parametrize("path", ["/versions", "/deployments"])
async def test_a_page_past_a_million_is_a_400_naming_the_page(api: Api, path: str) -> None:
    response = await api.admin.get(ENV + path, params={"page": 10**18})
    error = error_of(response, 400)
    assert error["message"].startswith("page: "), error


@pytest.mark.usefixtures("deployed")
async def test_a_control_character_in_a_deployment_message_is_a_400(api: Api) -> None:
    response = await api.admin.post(
        f"{ENV}/deployments",
        json={"versions": [{"version_id": 1, "percentage": 100}], "message": "hi\u0000"},
    )
    error = error_of(response, 400)
    assert (error["code"], "control character" in error["message"]) == ("invalid_message", True)


@pytest.mark.usefixtures("deployed")
@pytest.mark.usefixtures("deployed")
@pytest.mark.parametrize(
    "pattern", ["example.com/" + "a" * 1100 + "*", "example.org/" + "\u00e9" * 200 + "*"]
)
async def test_a_route_pattern_longer_than_1024_characters_is_a_400(api: Api, pattern: str) -> None:
    response = await api.admin.post("/routes", json={"pattern": pattern, "service": "api"})
    assert "longer than 1024 characters" in error_of(response, 400)["message"]


@pytest.mark.usefixtures("deployed")
async def test_a_route_over_a_parent_of_the_platform_domain_is_a_400(api: Api) -> None:
    response = await api.admin.post("/routes", json={"pattern": "*.test/*", "service": "api"})
    error = error_of(response, 400)
    assert error["code"] == "reserved_hostname"
    assert "platform domain 'hearth.test'" in error["message"]


async def test_a_refused_patch_does_not_rename_the_environment(api: Api) -> None:
    """Rename and make private in one PATCH, while a route leads to the environment: the 409
    says why, and the environment keeps its name (it was renamed before, despite the 409)."""
    assert (await api.admin.post("/services", json={"name": "api"})).status_code == 201
    created = await api.admin.post("/services/api/environments", json={"name": "staging"})
    assert created.status_code == 201, created.text
    route = {"pattern": "staging.example.com/*", "service": "api", "environment": "staging"}
    assert (await api.admin.post("/routes", json=route)).status_code == 201

    response = await api.admin.patch(
        "/services/api/environments/staging", json={"name": "qa", "private": True}
    )
    assert error_of(response, 409)["code"] == "environment_has_routes"
    listed = await api.admin.get("/services/api/environments")
    assert [e["name"] for e in listed.json()["items"]] == ["production", "staging"]


async def test_a_patch_renames_and_changes_visibility_together(api: Api) -> None:
    assert (await api.admin.post("/services", json={"name": "api"})).status_code == 201
    created = await api.admin.post("/services/api/environments", json={"name": "staging"})
    assert created.status_code == 201, created.text
    response = await api.admin.patch(
        "/services/api/environments/staging", json={"name": "qa", "private": True}
    )
    assert response.status_code == 200, response.text
    assert (response.json()["name"], response.json()["private"]) == ("qa", True)
    listed = await api.admin.get("/services/api/environments")
    assert [e["name"] for e in listed.json()["items"]] == ["production", "qa"]


def test_urls_use_the_platform_domain_without_its_trailing_dot() -> None:
    urls = Urls.from_workers_url("Hearth.Test.", "http://hearth.test:8787")
    assert urls.domain == "hearth.test"
