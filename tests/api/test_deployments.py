"""Deployments, rollback, secrets/vars/bindings and promotion through the API."""

from __future__ import annotations

from typing import Any

import pytest

from tests.api.conftest import Api, error_of

PROD = "/services/api/environments/production"
STAGING = "/services/api/environments/staging"


@pytest.fixture
async def service(api: Api) -> None:
    assert (await api.admin.post("/services", json={"name": "api"})).status_code == 201


async def _deployments(api: Api, env: str = PROD) -> dict[str, Any]:
    return (await api.admin.get(f"{env}/deployments")).json()


@pytest.mark.usefixtures("service")
async def test_gradual_deployment_and_rollback(api: Api) -> None:
    v1 = (await api.deployed(message="one"))["version"]
    v2 = (await api.upload(message="two")).json()["version"]

    response = await api.admin.post(
        f"{PROD}/deployments",
        json={
            "versions": [
                {"version_id": v1["id"], "percentage": 90},
                {"version_id": 2, "percentage": 10},
            ],
            "message": "canary",
        },
    )
    assert response.status_code == 201, response.text
    split = response.json()
    assert split["strategy"] == "percentage" and split["message"] == "canary"
    assert split["triggered_by"] == "deployment" and split["author"] == "ci"
    assert [(v["version_number"], v["percentage"]) for v in split["versions"]] == [
        (1, 90.0),
        (2, 10.0),
    ]
    assert (await api.admin.get(f"{PROD}/deployments/current")).json() == split

    listed = await _deployments(api)
    assert listed["total"] == 2
    assert [d["number"] for d in listed["items"]] == [2, 1]  # newest first
    page = (await api.admin.get(f"{PROD}/deployments", params={"per_page": 1, "page": 2})).json()
    assert [d["number"] for d in page["items"]] == [1]

    # Default rollback target: the version last deployed at 100 %.
    back = await api.admin.post(f"{PROD}/rollback", json={"message": "revert"})
    assert back.status_code == 201, back.text
    assert back.json()["triggered_by"] == "rollback"
    assert back.json()["versions"] == [
        {"version_id": v1["id"], "version_number": 1, "percentage": 100.0}
    ]
    forward = await api.admin.post(f"{PROD}/rollback", json={"version": v2["id"]})
    assert forward.json()["versions"][0]["version_number"] == 2
    again = await api.admin.post(f"{PROD}/rollback", json={"version": "2"})
    assert error_of(again, 409)["code"] == "already_deployed"
    by_number = await api.admin.post(f"{PROD}/rollback")  # no body at all
    assert by_number.json()["versions"][0]["version_number"] == 1


@pytest.mark.usefixtures("service")
async def test_bad_deployments_store_nothing(api: Api) -> None:
    v1 = (await api.deployed())["version"]
    await api.upload()
    cases: list[tuple[dict[str, Any], int, str]] = [
        ({"versions": [{"version_id": 1, "percentage": 50}]}, 400, "add up to 100"),
        (
            {
                "versions": [
                    {"version_id": 1, "percentage": 50},
                    {"version_id": 1, "percentage": 50},
                ]
            },
            400,
            "twice",
        ),
        ({"versions": [{"version_id": 1, "percentage": 100}] * 3}, 400, "versions"),
        ({"versions": []}, 400, "versions"),
        ({"versions": [{"version_id": 9, "percentage": 100}]}, 404, "version 9"),
        ({"versions": [{"version_id": "nope", "percentage": 100}]}, 400, "nope"),
        ({"versions": [{"version_id": 1, "percentage": 100}], "message": "m" * 101}, 400, "100"),
        ({"versions": [{"version_id": 1, "percentage": 100, "weight": 1}]}, 400, "weight"),
        ({"versions": [{"version_id": 1, "percentage": "100"}]}, 400, "percentage"),
        ({"version": 1}, 400, "version"),
    ]
    for body, status, named in cases:
        error = error_of(await api.admin.post(f"{PROD}/deployments", json=body), status)
        assert named in error["message"], (body, error)
    assert (await _deployments(api))["total"] == 1
    error_of(await api.reader.post(f"{PROD}/rollback", json={"version": v1["id"]}), 403)
    error = error_of(
        await api.reader.post(
            f"{PROD}/deployments", json={"versions": [{"version_id": 2, "percentage": 100}]}
        ),
        403,
    )
    assert error["code"] == "read_only_token"
    error = error_of(await api.admin.post(f"{PROD}/rollback", json={"versions": 1}), 400)
    assert "versions: unknown field" in error["message"]
    assert (await _deployments(api))["total"] == 1


@pytest.mark.usefixtures("service")
async def test_secrets(api: Api) -> None:
    error = error_of(await api.admin.put(f"{PROD}/secrets/KEY", json={"text": "v"}), 409)
    assert error["code"] == "no_version"
    await api.deployed()

    put = await api.admin.put(f"{PROD}/secrets/API_KEY", json={"text": "s3cret"})
    assert put.status_code == 200, put.text
    assert put.json()["version"]["triggered_by"] == "secret"
    assert put.json()["version"]["secrets"] == ["API_KEY"]
    assert put.json()["deployment"]["versions"][0]["version_number"] == 2
    assert "s3cret" not in put.text

    bulk = await api.admin.patch(f"{PROD}/secrets", json={"A": "1", "B": "2", "API_KEY": None})
    assert bulk.status_code == 200, bulk.text
    assert bulk.json()["version"]["secrets"] == ["A", "B"]
    listed = (await api.admin.get(f"{PROD}/secrets")).json()
    assert listed["items"] == [
        {"name": "A", "type": "secret_text"},
        {"name": "B", "type": "secret_text"},
    ]
    assert listed["total"] == 2

    removed = await api.admin.delete(f"{PROD}/secrets/A", params={"deploy": "false"})
    assert removed.status_code == 200
    assert removed.json()["deployment"] is None
    assert removed.json()["version"]["secrets"] == ["B"]
    # v4 is not deployed: a deploying change builds on v3, what production serves.
    assert [s["name"] for s in (await api.admin.get(f"{PROD}/secrets")).json()["items"]] == [
        "A",
        "B",
    ]
    put = await api.admin.put(f"{PROD}/secrets/C", json={"text": "x"})
    assert put.status_code == 200, put.text
    assert put.json()["version"]["number"] == 5
    assert put.json()["version"]["secrets"] == ["A", "B", "C"]
    error = error_of(
        await api.admin.delete(f"{PROD}/secrets/NOPE", params={"deploy": "false"}), 404
    )
    assert error["code"] == "secret_not_found"


@pytest.mark.usefixtures("service")
async def test_bad_secrets_store_nothing(api: Api) -> None:
    await api.deployed()
    for method, path, body, named in (
        ("PUT", f"{PROD}/secrets/not-valid", {"text": "x"}, "secret name"),
        ("PUT", f"{PROD}/secrets/K", {"value": "x"}, "value: unknown field"),
        ("PUT", f"{PROD}/secrets/K", {"text": 5}, "text"),
        ("PUT", f"{PROD}/secrets/K", {"text": "x" * 6000}, "5 KB"),
        ("PATCH", f"{PROD}/secrets", {}, "no secret"),
        ("PATCH", f"{PROD}/secrets", {"K": 5}, "K"),
    ):
        error = error_of(await api.admin.request(method, path, json=body), 400)
        assert named in error["message"], (path, body, error)
    assert (await api.admin.get(f"{PROD}/versions")).json()["total"] == 1
    error_of(await api.reader.put(f"{PROD}/secrets/K", json={"text": "x"}), 403)
    assert (await api.admin.get(f"{PROD}/secrets")).json()["total"] == 0


@pytest.mark.usefixtures("service")
async def test_vars_and_bindings(api: Api) -> None:
    assert (await api.admin.get(f"{PROD}/vars")).json() == {"vars": {}}
    assert (await api.admin.get(f"{PROD}/bindings")).json() == {"bindings": []}
    await api.deployed(vars={"A": "1"})

    put = await api.admin.put(
        f"{PROD}/vars", json={"vars": {"GREETING": "hi", "N": 3}, "message": "config"}
    )
    assert put.status_code == 200, put.text
    assert put.json()["version"]["triggered_by"] == "dashboard"
    assert put.json()["version"]["message"] == "config"
    assert put.json()["deployment"] is not None
    assert (await api.admin.get(f"{PROD}/vars")).json() == {"vars": {"GREETING": "hi", "N": 3}}

    bindings = [{"type": "service", "name": "AUTH", "service": "auth"}]
    put = await api.admin.put(f"{PROD}/bindings", json={"bindings": bindings})
    assert put.status_code == 200, put.text
    assert (await api.admin.get(f"{PROD}/bindings")).json() == {"bindings": bindings}

    for path, body, named in (
        (f"{PROD}/vars", {"GREETING": "hi"}, "GREETING: unknown field"),
        (f"{PROD}/vars", {"vars": {"a b": "x"}}, "a b"),
        (f"{PROD}/bindings", {"bindings": [{"type": "service", "name": "X"}]}, "service"),
        (f"{PROD}/bindings", {"bindings": {}}, "bindings"),
    ):
        error = error_of(await api.admin.put(path, json=body), 400)
        assert named in error["message"], (body, error)
    assert (await api.admin.get(f"{PROD}/versions")).json()["total"] == 3
    error_of(await api.reader.put(f"{PROD}/vars", json={"vars": {}}), 403)


@pytest.mark.usefixtures("service")
async def test_promotion_and_pipeline(api: Api) -> None:
    prod_v1 = (await api.deployed(vars={"WHERE": "production"}))["version"]
    await api.admin.post(
        "/services/api/environments", json={"name": "staging", "from": "production"}
    )
    staging = await api.deployed(
        environment="staging",
        code="async def on_fetch(r):\n    return 'new'\n",
        vars={"WHERE": "staging"},
        tag="rc1",
    )

    promoted = await api.admin.post(
        "/services/api/promote", json={"from": "staging", "to": "production"}
    )
    assert promoted.status_code == 201, promoted.text
    version = promoted.json()["version"]
    assert version["environment"] == "production" and version["number"] == 2
    assert version["triggered_by"] == "promotion"
    assert version["promoted_from"] == staging["version"]["id"]
    assert version["bundle_digest"] == staging["version"]["bundle_digest"]
    assert version["bundle_digest"] != prod_v1["bundle_digest"]
    assert version["vars"] == {"WHERE": "production"}  # production keeps its own config
    assert version["tag"] == "rc1"
    assert promoted.json()["deployment"]["triggered_by"] == "promotion"
    assert promoted.json()["deployment"]["versions"][0]["version_id"] == version["id"]

    with_config = await api.admin.post(
        "/services/api/promote",
        json={"from": "staging", "to": "production", "with_config": True, "message": "all"},
    )
    assert with_config.json()["version"]["vars"] == {"WHERE": "staging"}
    assert with_config.json()["version"]["message"] == "all"

    # Pipelines.
    assert (await api.admin.get("/services/api/pipeline")).json() == {"environments": []}
    await api.admin.post("/services/api/environments", json={"name": "dev", "from": "staging"})
    put = await api.admin.put(
        "/services/api/pipeline", json={"environments": ["dev", "staging", "production"]}
    )
    assert put.status_code == 200, put.text
    assert (await api.admin.get("/services/api/pipeline")).json() == {
        "environments": ["dev", "staging", "production"]
    }
    step = await api.admin.post("/services/api/promote", json={"environment": "dev"})
    assert step.status_code == 201, step.text
    assert step.json()["version"]["environment"] == "staging"
    end = await api.admin.post("/services/api/promote", json={"environment": "production"})
    assert error_of(end, 409)["code"] == "end_of_pipeline"


@pytest.mark.usefixtures("service")
async def test_bad_promotions_store_nothing(api: Api) -> None:
    await api.deployed()
    await api.admin.post("/services/api/environments", json={"name": "staging"})
    for body, status, named in (
        ({"from": "production"}, 400, "'from' and 'to'"),
        ({"to": "staging", "environment": "production"}, 400, "either"),
        ({}, 400, "either"),
        ({"from": "production", "to": "staging", "config": True}, 400, "config"),
        ({"from": "production", "to": "production"}, 400, "different"),
        ({"from": "staging", "to": "production"}, 409, "nothing deployed"),
        ({"from": "production", "to": "nowhere"}, 404, "nowhere"),
        ({"environment": "production"}, 409, "pipeline"),
        ({"from": "production", "to": "staging", "message": "m" * 101}, 400, "message"),
    ):
        error = error_of(await api.admin.post("/services/api/promote", json=body), status)
        assert named in error["message"], (body, error)
    assert (await api.admin.get(f"{STAGING}/versions")).json()["total"] == 0
    error = error_of(
        await api.reader.post(
            "/services/api/promote", json={"from": "production", "to": "staging"}
        ),
        403,
    )
    assert error["code"] == "read_only_token"
    for body, named in (
        ({"environments": ["production"]}, "two"),
        ({"environments": ["production", "production"]}, "distinct"),
        ({"environments": "production"}, "environments"),
        ({"stages": []}, "stages"),
    ):
        error = error_of(await api.admin.put("/services/api/pipeline", json=body), 400)
        assert named in error["message"], (body, error)
    error = error_of(
        await api.admin.put("/services/api/pipeline", json={"environments": ["staging", "qa"]}),
        404,
    )
    assert "qa" in error["message"]
    assert (await api.admin.get("/services/api/pipeline")).json() == {"environments": []}
