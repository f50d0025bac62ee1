"""Services and environments: CRUD, URLs, isolation between accounts, refused input."""

from __future__ import annotations

from tests.api.conftest import Api, error_of


async def test_service_lifecycle(api: Api) -> None:
    created = await api.admin.post("/services", json={"name": "api"})
    assert created.status_code == 201, created.text
    service = created.json()
    assert service["name"] == "api" and service["private"] is False
    assert service["url"] == "http://api.acme.hearth.test:8787/"
    assert service["environments"] == [
        {"name": "production", "url": "http://api.acme.hearth.test:8787/"}
    ]

    got = (await api.admin.get("/services/api")).json()
    assert got == service

    patched = await api.admin.patch("/services/api", json={"private": True})
    assert patched.status_code == 200
    assert patched.json()["private"] is True and patched.json()["url"] is None
    assert patched.json()["environments"][0]["url"] is None

    assert (await api.admin.delete("/services/api")).status_code == 204
    assert error_of(await api.admin.get("/services/api"), 404)["code"] == "service_not_found"
    assert (await api.admin.get("/services")).json()["total"] == 0


async def test_private_service_has_no_urls(api: Api) -> None:
    created = await api.admin.post("/services", json={"name": "internal", "private": True})
    assert created.json()["url"] is None
    env = (await api.admin.get("/services/internal/environments/production")).json()
    assert env["url"] is None
    version = (await api.deployed("internal"))["version"]
    assert version["preview_url"] is None


async def test_service_list_is_paginated(api: Api) -> None:
    for name in ("c", "a", "b", "d", "e"):
        assert (await api.admin.post("/services", json={"name": name})).status_code == 201
    first = (await api.admin.get("/services", params={"per_page": 2})).json()
    assert [s["name"] for s in first["items"]] == ["a", "b"]
    assert (first["page"], first["per_page"], first["total"]) == (1, 2, 5)
    last = (await api.admin.get("/services", params={"per_page": 2, "page": 3})).json()
    assert [s["name"] for s in last["items"]] == ["e"]
    beyond = (await api.admin.get("/services", params={"per_page": 2, "page": 4})).json()
    assert beyond["items"] == [] and beyond["total"] == 5


async def test_bad_service_input_stores_nothing(api: Api) -> None:
    cases = [
        ({"name": "Bad_Name"}, "invalid_name", "service name"),
        ({"name": "-api"}, "invalid_name", "service name"),
        ({"name": "a" * 64}, "invalid_name", "service name"),
        ({"name": "api", "privat": True}, "invalid_request", "privat"),
        ({"name": "api", "private": "yes"}, "invalid_request", "private"),
        ({}, "invalid_request", "name"),
        ({"name": 42}, "invalid_request", "name"),
    ]
    for body, code, named in cases:
        error = error_of(await api.admin.post("/services", json=body), 400)
        assert error["code"] == code, (body, error)
        assert named in error["message"], (body, error)
    assert (await api.admin.get("/services")).json()["total"] == 0
    await api.admin.post("/services", json={"name": "api"})
    error = error_of(await api.admin.patch("/services/api", json={"private": 1}), 400)
    assert "private" in error["message"]
    error = error_of(await api.admin.post("/services", json={"name": "api"}), 409)
    assert error["code"] == "service_exists"


async def test_unknown_field_error_names_the_field(api: Api) -> None:
    error = error_of(await api.admin.post("/services", json={"name": "x", "colour": "red"}), 400)
    assert error["message"] == "colour: unknown field"
    assert error["fields"] == [{"field": "colour", "message": "unknown field"}]


async def test_another_accounts_service_is_not_found(api: Api) -> None:
    await api.admin.post("/services", json={"name": "api"})
    await api.deployed()
    for path in (
        "/services/api",
        "/services/api/environments",
        "/services/api/environments/production",
        "/services/api/environments/production/versions",
        "/services/api/environments/production/versions/1",
        "/services/api/environments/production/deployments",
        "/services/api/environments/production/deployments/current",
        "/services/api/environments/production/secrets",
        "/services/api/environments/production/vars",
        "/services/api/environments/production/bindings",
        "/services/api/pipeline",
    ):
        error = error_of(await api.outsider.get(path), 404)
        assert error["code"] == "service_not_found", path
    for method, path, body in (
        ("PATCH", "/services/api", {"private": True}),
        ("DELETE", "/services/api", None),
        ("POST", "/services/api/environments", {"name": "staging"}),
        ("DELETE", "/services/api/environments/production", None),
        ("PUT", "/services/api/environments/production/vars", {"vars": {"A": "1"}}),
        ("PUT", "/services/api/environments/production/secrets/K", {"text": "v"}),
        ("POST", "/services/api/environments/production/rollback", {}),
        ("POST", "/services/api/promote", {"from": "production", "to": "staging"}),
    ):
        response = await api.outsider.request(method, path, json=body)
        assert response.status_code == 404, (method, path, response.text)
    response = await api.upload(client=api.outsider)
    assert error_of(response, 404)["code"] == "service_not_found"
    # The owner still sees everything unchanged.
    assert (await api.admin.get("/services/api")).json()["private"] is False
    versions = (await api.admin.get("/services/api/environments/production/versions")).json()
    assert versions["total"] == 1
    # …and the other account can have its own `api`.
    assert (await api.outsider.post("/services", json={"name": "api"})).status_code == 201
    assert (await api.outsider.get("/services/api")).json()["url"].startswith("http://api.globex.")


async def test_environment_lifecycle(api: Api) -> None:
    await api.admin.post("/services", json={"name": "api"})
    created = await api.admin.post("/services/api/environments", json={"name": "staging"})
    assert created.status_code == 201, created.text
    env = created.json()
    assert env["name"] == "staging" and env["service"] == "api"
    assert env["url"] == "http://staging.api.acme.hearth.test:8787/"
    assert env["deployment"] is None
    versions = (await api.admin.get("/services/api/environments/staging/versions")).json()
    assert versions["total"] == 0

    listed = (await api.admin.get("/services/api/environments")).json()
    assert [e["name"] for e in listed["items"]] == ["production", "staging"]
    assert listed["total"] == 2

    renamed = await api.admin.patch("/services/api/environments/staging", json={"name": "preview"})
    assert renamed.status_code == 200, renamed.text
    assert renamed.json()["url"] == "http://preview.api.acme.hearth.test:8787/"
    assert renamed.json()["id"] == env["id"]
    error_of(await api.admin.get("/services/api/environments/staging"), 404)

    assert (await api.admin.delete("/services/api/environments/preview")).status_code == 204
    listed = (await api.admin.get("/services/api/environments")).json()
    assert [e["name"] for e in listed["items"]] == ["production"]


async def test_clone_environment(api: Api) -> None:
    await api.admin.post("/services", json={"name": "api"})
    await api.deployed(vars={"GREETING": "hi"}, secrets={"KEY": "s3cret"})
    cloned = await api.admin.post(
        "/services/api/environments", json={"name": "staging", "from": "production"}
    )
    assert cloned.status_code == 201, cloned.text
    deployment = cloned.json()["deployment"]
    assert deployment["triggered_by"] == "clone"
    assert deployment["versions"][0]["percentage"] == 100
    version = (await api.admin.get("/services/api/environments/staging/versions/1")).json()
    assert version["triggered_by"] == "clone"
    assert version["vars"] == {"GREETING": "hi"} and version["secrets"] == ["KEY"]
    assert version["preview_url"] == "http://v1.staging.api.acme.hearth.test:8787/"
    error = error_of(
        await api.admin.post(
            "/services/api/environments", json={"name": "other", "from": "nowhere"}
        ),
        404,
    )
    assert error["code"] == "environment_not_found"
    error = error_of(
        await api.admin.post(
            "/services/api/environments", json={"name": "other", "source": "production"}
        ),
        400,
    )
    assert "source" in error["message"]


async def test_bad_environment_input_stores_nothing(api: Api) -> None:
    await api.admin.post("/services", json={"name": "api"})
    for body, status, named in (
        ({"name": "Staging"}, 400, "environment name"),
        ({"name": "staging", "clone": "production"}, 400, "clone"),
        ({"name": "production"}, 409, "production"),
    ):
        error = error_of(await api.admin.post("/services/api/environments", json=body), status)
        assert named in error["message"], error
    error = error_of(await api.admin.delete("/services/api/environments/production"), 409)
    assert error["code"] == "production_environment"
    error = error_of(
        await api.admin.patch("/services/api/environments/production", json={"name": "prod"}),
        409,
    )
    assert error["code"] == "production_environment"
    listed = (await api.admin.get("/services/api/environments")).json()
    assert [e["name"] for e in listed["items"]] == ["production"]


async def test_read_token_reads_but_cannot_change_environments(api: Api) -> None:
    await api.admin.post("/services", json={"name": "api"})
    assert (await api.reader.get("/services/api/environments")).status_code == 200
    error = error_of(
        await api.reader.post("/services/api/environments", json={"name": "staging"}), 403
    )
    assert error["code"] == "read_only_token"
    error_of(await api.reader.patch("/services/api", json={"private": True}), 403)
    error_of(await api.reader.delete("/services/api"), 403)
    assert (await api.admin.get("/services/api/environments")).json()["total"] == 1
