"""Versions: multipart upload, reading by id or number, pagination, refused uploads."""

from __future__ import annotations

import json

import pytest

from tests.api.conftest import Api, error_of

VERSIONS = "/services/api/environments/production/versions"


@pytest.fixture
async def service(api: Api) -> None:
    assert (await api.admin.post("/services", json={"name": "api"})).status_code == 201


async def _count(api: Api) -> int:
    return (await api.admin.get(VERSIONS)).json()["total"]


@pytest.mark.usefixtures("service")
async def test_upload_without_deploying(api: Api) -> None:
    response = await api.upload(
        message="first cut",
        tag="v1.0.0",
        git_commit="ABCDEF1234",
        compatibility_flags=["python_workers"],
        vars={"GREETING": "hi", "LIMITS": {"max": 3}},
        bindings=[{"type": "kv", "name": "CACHE"}],
        secrets={"API_KEY": "s3cret"},
    )
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["deployment"] is None
    version = body["version"]
    assert version["number"] == 1 and version["service"] == "api"
    assert version["environment"] == "production"
    assert version["author"] == "ci" and version["triggered_by"] == "upload"
    assert (version["message"], version["tag"]) == ("first cut", "v1.0.0")
    assert version["git_commit"] == "abcdef1234"
    assert version["compatibility_date"] == "2025-09-01"
    assert version["compatibility_flags"] == ["python_workers"]
    assert version["main_module"] == "entry.py"
    assert version["vars"] == {"GREETING": "hi", "LIMITS": {"max": 3}}
    assert version["bindings"] == [{"type": "kv", "name": "CACHE"}]
    assert version["secrets"] == ["API_KEY"]
    assert "s3cret" not in response.text
    assert version["promoted_from"] is None
    assert isinstance(version["startup_time_ms"], float) and version["startup_time_ms"] >= 0
    assert version["preview_url"] == "http://v1.production.api.acme.hearth.test:8787/"
    assert len(version["id"]) == 36 and version["created_at"]
    # Uploaded, not deployed.
    current = await api.admin.get("/services/api/environments/production/deployments/current")
    assert error_of(current, 404)["code"] == "nothing_deployed"


@pytest.mark.usefixtures("service")
async def test_upload_and_deploy_in_one_call(api: Api) -> None:
    body = await api.deployed(message="ship it")
    assert body["deployment"]["versions"] == [
        {"version_id": body["version"]["id"], "version_number": 1, "percentage": 100.0}
    ]
    assert body["deployment"]["triggered_by"] == "upload"
    current = await api.admin.get("/services/api/environments/production/deployments/current")
    assert current.json()["id"] == body["deployment"]["id"]


@pytest.mark.usefixtures("service")
async def test_bundle_files_keep_their_paths(api: Api) -> None:
    files = {
        "entry.py": b"from src.helpers import util\n",
        "src/helpers/util.py": b"VALUE = 1\n",
        "data/config.json": b'{"a": 1}',
    }
    response = await api.upload(files=files)
    assert response.status_code == 201, response.text
    digest = response.json()["version"]["bundle_digest"]
    bundle = await api.plane.store.get_bundle(digest)
    assert bundle.files == files and bundle.main_module == "entry.py"


@pytest.mark.usefixtures("service")
async def test_parts_named_files_use_their_filename(api: Api) -> None:
    metadata = json.dumps({"main_module": "entry.py"})
    response = await api.admin.post(
        VERSIONS,
        files=[
            ("metadata", (None, metadata)),
            ("files", ("entry.py", b"async def on_fetch(request):\n    return 'x'\n")),
            ("files", ("lib.py", b"X = 1\n")),
        ],
    )
    assert response.status_code == 201, response.text
    bundle = await api.plane.store.get_bundle(response.json()["version"]["bundle_digest"])
    assert sorted(bundle.files) == ["entry.py", "lib.py"]


@pytest.mark.usefixtures("service")
async def test_get_by_id_or_number(api: Api) -> None:
    first = (await api.upload(message="one")).json()["version"]
    second = (await api.upload(message="two")).json()["version"]
    assert second["number"] == 2
    assert (await api.admin.get(f"{VERSIONS}/1")).json() == first
    assert (await api.admin.get(f"{VERSIONS}/{second['id']}")).json() == second
    assert error_of(await api.admin.get(f"{VERSIONS}/3"), 404)["code"] == "version_not_found"
    assert error_of(await api.admin.get(f"{VERSIONS}/nope"), 404)["code"] == "version_not_found"


@pytest.mark.usefixtures("service")
async def test_settings_left_out_are_kept(api: Api) -> None:
    await api.upload(vars={"A": "1"}, secrets={"S": "x"})
    kept = (await api.upload()).json()["version"]
    assert kept["vars"] == {"A": "1"} and kept["secrets"] == ["S"]
    cleared = (await api.upload(vars={}, secrets={})).json()["version"]
    assert cleared["vars"] == {} and cleared["secrets"] == []


@pytest.mark.usefixtures("service")
async def test_versions_are_paginated_newest_first(api: Api) -> None:
    for i in range(5):
        assert (await api.upload(message=f"v{i + 1}")).status_code == 201
    page = (await api.admin.get(VERSIONS, params={"per_page": 2})).json()
    assert [v["number"] for v in page["items"]] == [5, 4]
    assert (page["page"], page["per_page"], page["total"]) == (1, 2, 5)
    page = (await api.admin.get(VERSIONS, params={"per_page": 2, "page": 3})).json()
    assert [v["number"] for v in page["items"]] == [1]
    assert (await api.admin.get(VERSIONS)).json()["per_page"] == 20


@pytest.mark.usefixtures("service")
async def test_code_that_does_not_load_is_refused_with_traceback(api: Api) -> None:
    response = await api.upload(code="def on_fetch(request:\n    return 1\n", deploy=True)
    error = error_of(response, 400)
    assert error["code"] == "version_invalid"
    assert "does not load" in error["message"]
    assert "SyntaxError" in error["traceback"] and "entry.py" in error["traceback"]
    assert await _count(api) == 0
    assert (await api.admin.get("/services/api/environments/production")).json()[
        "deployment"
    ] is None


@pytest.mark.usefixtures("service")
async def test_bad_metadata_stores_nothing(api: Api) -> None:
    cases = [
        ({"message": "m" * 101}, "invalid_message", "message"),
        ({"tag": "t" * 26}, "invalid_tag", "tag"),
        ({"git_commit": "not-a-commit"}, "invalid_git_commit", "git commit"),
        ({"compatibility_date": "yesterday"}, "invalid_compatibility_date", "compatibility_date"),
        ({"colour": "red"}, "invalid_request", "metadata.colour: unknown field"),
        ({"deploy": "yes"}, "invalid_request", "metadata.deploy"),
        ({"triggered_by": "promotion"}, "invalid_request", "metadata.triggered_by"),
        ({"main_module": "missing.py"}, "invalid_bundle", "missing.py"),
        ({"vars": {"not valid": "x"}}, "invalid_binding_name", "not valid"),
        ({"bindings": [{"type": "queue", "name": "Q"}]}, "invalid_bindings", "queue"),
        ({"vars": {"K": "1"}, "secrets": {"K": "2"}}, "duplicate_binding_name", "'K'"),
    ]
    for metadata, code, named in cases:
        error = error_of(await api.upload(**metadata), 400)
        assert error["code"] == code, (metadata, error)
        assert named in error["message"], (metadata, error)
    assert await _count(api) == 0
    # Exactly at the limits is fine.
    assert (await api.upload(message="m" * 100, tag="t" * 25)).status_code == 201


@pytest.mark.usefixtures("service")
async def test_malformed_uploads_store_nothing(api: Api) -> None:
    code = b"async def on_fetch(request):\n    return 'x'\n"
    cases = [
        ([("entry.py", ("entry.py", code))], "invalid_metadata", "metadata"),
        ([("metadata", (None, "{not json"))], "invalid_request", "metadata: invalid JSON"),
        (
            [("metadata", (None, "{}")), ("entry.py", ("entry.py", code))],
            "invalid_request",
            "metadata.main_module: field required",
        ),
        ([("metadata", (None, '{"main_module": "entry.py"}'))], "invalid_bundle", "no files"),
        (
            [
                ("metadata", (None, '{"main_module": "entry.py"}')),
                ("entry.py", ("entry.py", code)),
                ("../evil.py", ("evil.py", b"x")),
            ],
            "invalid_bundle",
            "'..'",
        ),
    ]
    for parts, code_, named in cases:
        error = error_of(await api.admin.post(VERSIONS, files=parts), 400)
        assert error["code"] == code_, (parts, error)
        assert named in error["message"], (parts, error)
    error = error_of(await api.admin.post(VERSIONS, json={"main_module": "entry.py"}), 415)
    assert "multipart/form-data" in error["message"]
    assert await _count(api) == 0


@pytest.mark.usefixtures("service")
async def test_read_token_cannot_upload(api: Api) -> None:
    error = error_of(await api.upload(client=api.reader), 403)
    assert error["code"] == "read_only_token"
    assert await _count(api) == 0
    assert (await api.reader.get(VERSIONS)).status_code == 200


async def test_upload_to_unknown_environment(api: Api) -> None:
    await api.admin.post("/services", json={"name": "api"})
    error = error_of(await api.upload(environment="staging"), 404)
    assert error["code"] == "environment_not_found"
    error = error_of(await api.upload(service="nope"), 404)
    assert error["code"] == "service_not_found"


@pytest.mark.usefixtures("service")
async def test_oversized_upload_is_413(api: Api) -> None:
    big = b"#" * (27 * 2**20)
    response = await api.upload(files={"entry.py": b"X = 1\n", "big.bin": big})
    assert error_of(response, 413)["code"] == "payload_too_large"
    assert await _count(api) == 0
