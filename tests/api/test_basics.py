"""Health, identity, tokens, authentication and the error shape of the API itself."""

from __future__ import annotations

import httpx
import pytest

from tests.api.conftest import Api, error_of


async def test_health_needs_no_token(api: Api) -> None:
    response = await api.anonymous.get("/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


async def test_whoami(api: Api) -> None:
    response = await api.admin.get("/whoami")
    assert response.json() == {
        "account": "acme",
        "subdomain": "acme",
        "token": "ci",
        "scope": "admin",
    }
    assert (await api.reader.get("/whoami")).json()["scope"] == "read"


async def test_missing_token_is_401(api: Api) -> None:
    response = await api.anonymous.get("/services")
    error = error_of(response, 401)
    assert error["code"] == "unauthorized"
    assert response.headers["www-authenticate"] == "Bearer"


async def test_wrong_token_is_401(api: Api) -> None:
    for headers in (
        {"authorization": "Bearer hearth_not-a-real-token-at-all"},
        {"authorization": "Bearer"},
        {"authorization": "Basic dXNlcjpwYXNz"},
    ):
        response = await api.anonymous.get("/services", headers=headers)
        error = error_of(response, 401)
        assert error["code"] in ("unauthorized", "invalid_token")
    response = await api.anonymous.get("/whoami", headers={"authorization": "Bearer nope"})
    assert error_of(response, 401)["code"] == "invalid_token"


async def test_tokens(api: Api) -> None:
    created = await api.admin.post("/tokens", json={"name": "deploy bot", "scope": "read"})
    assert created.status_code == 201, created.text
    token = created.json()
    assert token["name"] == "deploy bot" and token["scope"] == "read"
    assert token["value"].startswith("hearth_")

    listed = (await api.admin.get("/tokens")).json()
    assert [t["name"] for t in listed["items"]] == ["ci", "deploy bot", "viewer"]
    assert all("value" not in t for t in listed["items"])
    assert listed["total"] == 3 and listed["page"] == 1

    # The new token works, with its scope.
    headers = {"authorization": f"Bearer {token['value']}"}
    whoami = await api.anonymous.get("/whoami", headers=headers)
    assert whoami.json()["token"] == "deploy bot"

    assert (await api.admin.delete("/tokens/deploy bot")).status_code == 204
    response = await api.anonymous.get("/whoami", headers=headers)
    assert error_of(response, 401)["code"] == "invalid_token"
    assert error_of(await api.admin.delete("/tokens/deploy bot"), 404)["code"] == "token_not_found"


async def test_token_input_is_checked(api: Api) -> None:
    error = error_of(await api.admin.post("/tokens", json={"name": "x", "scope": "root"}), 400)
    assert "scope" in error["message"]
    error = error_of(await api.admin.post("/tokens", json={"name": "", "scope": "read"}), 400)
    assert "token name" in error["message"]
    error = error_of(await api.admin.post("/tokens", json={"name": "ci"}), 409)
    assert error["code"] == "token_exists"
    listed = (await api.admin.get("/tokens")).json()
    assert listed["total"] == 2


async def test_read_token_cannot_write(api: Api) -> None:
    error = error_of(await api.reader.post("/tokens", json={"name": "mine"}), 403)
    assert error["code"] == "read_only_token"
    error_of(await api.reader.delete("/tokens/ci"), 403)
    error_of(await api.reader.post("/services", json={"name": "web"}), 403)
    assert (await api.reader.get("/tokens")).status_code == 200
    assert (await api.admin.get("/services")).json()["total"] == 0


async def test_tokens_of_another_account_are_invisible(api: Api) -> None:
    listed = (await api.outsider.get("/tokens")).json()
    assert [t["name"] for t in listed["items"]] == ["ci"]
    assert error_of(await api.outsider.delete("/tokens/viewer"), 404)["code"] == "token_not_found"


async def test_unknown_endpoint_and_method(api: Api) -> None:
    error = error_of(await api.admin.get("/nothing-here"), 404)
    assert error["code"] == "not_found" and "/api/v1/nothing-here" in error["message"]
    response = await api.admin.put("/services")
    error = error_of(response, 405)
    assert error["code"] == "method_not_allowed"
    # Allow names every method of the resource, not only the first route's (RFC 9110).
    assert response.headers["allow"] == "GET, HEAD, OPTIONS, POST"
    assert "(allowed: GET, HEAD, OPTIONS, POST)" in error["message"]


async def test_options_answers_204_with_the_resources_methods(api: Api) -> None:
    response = await api.anonymous.options("/services/shop/environments/production")
    assert response.status_code == 204 and response.content == b""
    assert response.headers["allow"] == "DELETE, GET, HEAD, OPTIONS, PATCH"
    tokens = await api.admin.options("/tokens/ci")
    assert tokens.headers["allow"] == "DELETE, OPTIONS"
    assert (await api.admin.options("/nothing-here")).status_code == 404
    document = await api.anonymous.post("/openapi.json")
    assert document.status_code == 405 and document.headers["allow"] == "GET, HEAD, OPTIONS"


async def test_malformed_json_is_400(api: Api) -> None:
    response = await api.admin.post(
        "/services", content=b"{not json", headers={"content-type": "application/json"}
    )
    error = error_of(response, 400)
    assert error["code"] == "invalid_request" and "JSON" in error["message"]


async def test_openapi_document_and_docs(api: Api) -> None:
    doc = (await api.anonymous.get("/openapi.json")).json()
    assert doc["info"]["title"] == "Hearth API"
    paths = doc["paths"]
    for path in (
        "/api/v1/services",
        "/api/v1/services/{service}/environments/{environment}/versions",
        "/api/v1/services/{service}/promote",
        "/api/v1/routes",
        "/api/v1/domains",
    ):
        assert path in paths
    upload = paths["/api/v1/services/{service}/environments/{environment}/versions"]["post"]
    assert "multipart/form-data" in upload["requestBody"]["content"]
    assert "HTTPBearer" in doc["components"]["securitySchemes"]
    docs = await api.anonymous.get("/docs")
    assert docs.status_code == 200 and "swagger" in docs.text.lower()


async def test_pagination_parameters_are_checked(api: Api) -> None:
    for query in ("page=0", "per_page=0", "per_page=101", "page=x"):
        error = error_of(await api.admin.get(f"/services?{query}"), 400)
        assert error["code"] == "invalid_request"
        assert query.split("=")[0] in error["message"]


async def test_http_client_sees_json_content_type(api: Api) -> None:
    response: httpx.Response = await api.admin.get("/nothing")
    assert response.headers["content-type"] == "application/json"


async def test_unexpected_errors_keep_the_error_shape(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def broken(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("database on fire")

    monkeypatch.setattr(api.plane.services, "list", broken)
    error = error_of(await api.admin.get("/services"), 500)
    assert error == {"code": "internal_error", "message": "internal error; see the server's log"}
