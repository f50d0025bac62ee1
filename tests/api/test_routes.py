"""Routes and custom domains through the API."""

from __future__ import annotations

import pytest

from tests.api.conftest import Api, error_of


@pytest.fixture
async def service(api: Api) -> None:
    assert (await api.admin.post("/services", json={"name": "api"})).status_code == 201
    staging = await api.admin.post("/services/api/environments", json={"name": "staging"})
    assert staging.status_code == 201


@pytest.mark.usefixtures("service")
async def test_routes_and_holes(api: Api) -> None:
    route = await api.admin.post(
        "/routes", json={"pattern": "shop.example.com/api/*", "service": "api"}
    )
    assert route.status_code == 201, route.text
    body = route.json()
    assert body["pattern"] == "shop.example.com/api/*"
    assert (body["service"], body["environment"], body["hole"]) == ("api", "production", False)

    staging = await api.admin.post(
        "/routes",
        json={"pattern": "*.staging.example.com/*", "service": "api", "environment": "staging"},
    )
    assert staging.json()["environment"] == "staging"
    hole = await api.admin.post("/routes", json={"pattern": "shop.example.com/api/static/*"})
    assert hole.status_code == 201
    assert hole.json()["hole"] is True and hole.json()["service"] is None

    listed = (await api.admin.get("/routes")).json()
    assert listed["total"] == 3
    assert {r["id"] for r in listed["items"]} == {
        body["id"],
        staging.json()["id"],
        hole.json()["id"],
    }
    page = (await api.admin.get("/routes", params={"per_page": 2, "page": 2})).json()
    assert len(page["items"]) == 1 and page["total"] == 3

    # Another account can neither see nor delete them.
    assert (await api.outsider.get("/routes")).json()["total"] == 0
    error = error_of(await api.outsider.delete(f"/routes/{body['id']}"), 404)
    assert error["code"] == "route_not_found"

    assert (await api.admin.delete(f"/routes/{body['id']}")).status_code == 204
    assert (await api.admin.get("/routes")).json()["total"] == 2
    error_of(await api.admin.delete(f"/routes/{body['id']}"), 404)


@pytest.mark.usefixtures("service")
async def test_invalid_routes_store_nothing(api: Api) -> None:
    await api.admin.post("/routes", json={"pattern": "example.com/*", "service": "api"})
    cases = [
        ({"pattern": "example.com/a*b", "service": "api"}, 400, "'*' may only appear"),
        ({"pattern": "exa*mple.com/", "service": "api"}, 400, "'*' may only appear"),
        ({"pattern": "example.com/?q=1", "service": "api"}, 400, "query string"),
        ({"pattern": "ftp://example.com/*", "service": "api"}, 400, "scheme"),
        ({"pattern": "*/*", "service": "api"}, 400, "catch-all"),
        ({"pattern": "api.acme.hearth.test/*", "service": "api"}, 400, "platform domain"),
        ({"pattern": "x.example.com/*", "environment": "staging"}, 400, "needs its service"),
        ({"pattern": "x.example.com/*", "service": "nope"}, 404, "nope"),
        ({"pattern": "x.example.com/*", "service": "api", "environment": "qa"}, 404, "qa"),
        ({"pattern": "x.example.com/*", "service": "api", "zone": "z"}, 400, "zone"),
        ({"service": "api"}, 400, "pattern"),
        ({"pattern": "EXAMPLE.com/*", "service": "api"}, 409, "already exists"),
    ]
    for body, status, named in cases:
        error = error_of(await api.admin.post("/routes", json=body), status)
        assert named in error["message"], (body, error)
    assert (await api.admin.get("/routes")).json()["total"] == 1
    error = error_of(await api.reader.post("/routes", json={"pattern": "y.example.com/*"}), 403)
    assert error["code"] == "read_only_token"
    assert (await api.reader.get("/routes")).json()["total"] == 1


@pytest.mark.usefixtures("service")
async def test_custom_domains(api: Api) -> None:
    created = await api.admin.post(
        "/domains", json={"hostname": "Shop.Example.com", "service": "api"}
    )
    assert created.status_code == 201, created.text
    domain = created.json()
    assert domain["hostname"] == "shop.example.com"
    assert (domain["service"], domain["environment"]) == ("api", "production")
    assert domain["url"] == "http://shop.example.com:8787/"
    staging = await api.admin.post(
        "/domains",
        json={"hostname": "staging.example.com", "service": "api", "environment": "staging"},
    )
    assert staging.json()["environment"] == "staging"
    listed = (await api.admin.get("/domains")).json()
    assert [d["hostname"] for d in listed["items"]] == ["shop.example.com", "staging.example.com"]

    assert (await api.outsider.get("/domains")).json()["total"] == 0
    error_of(await api.outsider.delete("/domains/shop.example.com"), 404)
    assert (await api.admin.delete("/domains/shop.example.com")).status_code == 204
    assert (await api.admin.get("/domains")).json()["total"] == 1


@pytest.mark.usefixtures("service")
async def test_invalid_domains_store_nothing(api: Api) -> None:
    cases = [
        ({"hostname": "bad host.com", "service": "api"}, 400, "invalid character"),
        ({"hostname": "example.com:8080", "service": "api"}, 400, "port"),
        ({"hostname": "x.hearth.test", "service": "api"}, 400, "platform domain"),
        ({"hostname": "ok.example.com"}, 400, "service"),
        ({"hostname": "ok.example.com", "service": "nope"}, 404, "nope"),
        ({"hostname": "ok.example.com", "service": "api", "env": "x"}, 400, "env"),
    ]
    for body, status, named in cases:
        error = error_of(await api.admin.post("/domains", json=body), status)
        assert named in error["message"], (body, error)
    assert (await api.admin.get("/domains")).json()["total"] == 0
    error_of(
        await api.reader.post("/domains", json={"hostname": "r.example.com", "service": "api"}),
        403,
    )


async def test_deleting_a_service_removes_its_routes(api: Api) -> None:
    await api.admin.post("/services", json={"name": "api"})
    await api.admin.post("/routes", json={"pattern": "example.com/*", "service": "api"})
    await api.admin.post("/routes", json={"pattern": "example.com/hole/*"})
    await api.admin.post("/domains", json={"hostname": "api.example.com", "service": "api"})
    assert (await api.admin.delete("/services/api")).status_code == 204
    routes = (await api.admin.get("/routes")).json()["items"]
    assert [r["pattern"] for r in routes] == ["example.com/hole/*"]
    assert (await api.admin.get("/domains")).json()["total"] == 0
