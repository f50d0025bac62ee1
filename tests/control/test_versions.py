"""Versions: immutable, numbered per environment, carrying who made them and why."""

from __future__ import annotations

import asyncio
import uuid

import pytest

from hearth.control import Conflict, ControlPlane, Invalid, NotFound, Principal
from tests.store.backends import row_counts

from .conftest import RecordingValidator, Upload, worker


async def test_versions_are_numbered_1_2_3_per_environment(
    plane: ControlPlane, admin: Principal, upload: Upload
) -> None:
    await plane.environments.create(admin, "api", "staging")
    numbers = [(await upload()).number for _ in range(3)]
    staging = await upload(environment="staging")
    assert numbers == [1, 2, 3]
    assert staging.number == 1


async def test_a_version_records_its_metadata(
    plane: ControlPlane, admin: Principal, upload: Upload
) -> None:
    version = await upload(
        message="first release",
        tag="v1.0",
        git_commit="A1B2C3D4",
        compatibility_flags=["python_workers"],
        vars={"GREETING": "hi", "LIMITS": {"max": 3}},
        bindings=[{"type": "kv", "name": "CACHE", "namespace_id": "ns1"}],
        secrets={"API_KEY": "s3cret"},
    )
    assert uuid.UUID(version.id)
    assert version.author == "acme-admin"
    assert (version.message, version.tag, version.git_commit) == (
        "first release",
        "v1.0",
        "a1b2c3d4",
    )
    assert version.triggered_by == "upload"
    assert version.compatibility_date == "2025-09-01"
    assert version.compatibility_flags == ["python_workers"]
    assert version.main_module == "entry.py"
    assert version.vars == {"GREETING": "hi", "LIMITS": {"max": 3}}
    assert version.bindings == [{"type": "kv", "name": "CACHE", "namespace_id": "ns1"}]
    assert version.secret_names == ["API_KEY"]
    assert version.secrets_digest and "s3cret" not in version.secrets_digest
    assert version.startup_time_ms > 0  # measured while the runtime loaded it
    assert version.promoted_from is None
    assert await plane.versions.get(admin, "api", "production", version.id) == version
    assert await plane.versions.get(admin, "api", "production", 1) == version


async def test_uploading_a_version_does_not_deploy_it(
    plane: ControlPlane, admin: Principal, upload: Upload
) -> None:
    await upload()
    assert await plane.deployments.current(admin, "api", "production") is None
    deployed = await upload(deploy=True)
    current = await plane.deployments.current(admin, "api", "production")
    assert current is not None and current.single_version == deployed.id
    assert current.triggered_by == "upload"


async def test_versions_are_immutable_later_changes_make_new_versions(
    plane: ControlPlane, admin: Principal, upload: Upload
) -> None:
    first = await upload(vars={"COLOR": "red"}, secrets={"TOKEN": "one"}, deploy=True)
    await plane.settings.set_vars(admin, "api", "production", {"COLOR": "blue"})
    await plane.secrets.put(admin, "api", "production", "TOKEN", "two")
    await upload(worker("v4"), deploy=True)
    assert await plane.versions.get(admin, "api", "production", first.id) == first
    page = await plane.versions.list(admin, "api", "production")
    assert [v.number for v in page.items] == [4, 3, 2, 1]
    assert [v.triggered_by for v in page.items] == ["upload", "secret", "dashboard", "upload"]


async def test_unset_settings_are_kept_from_the_latest_version_and_empty_ones_clear(
    plane: ControlPlane, admin: Principal, upload: Upload
) -> None:
    await upload(vars={"A": "1"}, secrets={"S": "x"}, compatibility_flags=["f"])
    kept = await upload()
    assert (kept.vars, kept.secret_names, kept.compatibility_flags) == ({"A": "1"}, ["S"], ["f"])
    cleared = await upload(vars={}, secrets={})
    assert (cleared.vars, cleared.secret_names) == ({}, [])


async def test_identical_code_is_stored_once(
    plane: ControlPlane, admin: Principal, upload: Upload
) -> None:
    one = await upload(message="one")
    before = await row_counts(plane.store)
    two = await upload(message="two")
    after = await row_counts(plane.store)
    assert one.bundle_digest == two.bundle_digest
    assert after["blobs"] == before["blobs"] and after["bundles"] == before["bundles"]
    assert after["versions"] == before["versions"] + 1


async def test_code_that_does_not_load_is_rejected_with_its_traceback_and_not_stored(
    plane: ControlPlane, admin: Principal, upload: Upload
) -> None:
    before = await row_counts(plane.store)
    with pytest.raises(Invalid) as caught:
        await upload("raise RuntimeError('boom')\n")
    assert caught.value.code == "version_invalid"
    assert "RuntimeError: boom" in caught.value.message
    assert "Traceback" in caught.value.detail["traceback"]
    assert await row_counts(plane.store) == before


@pytest.mark.parametrize(
    ("settings", "code"),
    [
        ({"message": "m" * 101}, "invalid_message"),
        ({"tag": "t" * 26}, "invalid_tag"),
        ({"git_commit": "not a commit"}, "invalid_git_commit"),
        ({"triggered_by": "magic"}, "invalid_triggered_by"),
        ({"compatibility_date": "2025-13-45"}, "invalid_compatibility_date"),
        ({"compatibility_flags": ["Bad Flag"]}, "invalid_compatibility_flags"),
        ({"vars": {"1BAD": "x"}}, "invalid_binding_name"),
        ({"vars": {"BIG": "x" * 6000}}, "invalid_vars"),
        ({"bindings": [{"type": "queue", "name": "Q"}]}, "invalid_bindings"),
        ({"bindings": [{"type": "service", "name": "AUTH"}]}, "invalid_bindings"),
        ({"bindings": [{"type": ["kv"], "name": "Q"}]}, "invalid_bindings"),
        ({"secrets": {"TOKEN": 42}}, "invalid_secret"),
        ({"vars": {"X": "1"}, "secrets": {"X": "2"}}, "duplicate_binding_name"),
        ({"main_module": "missing.py"}, "invalid_bundle"),
        ({"files": {"../escape.py": b""}, "main_module": "../escape.py"}, "invalid_bundle"),
    ],
)
async def test_invalid_uploads_are_rejected_and_write_nothing(
    plane: ControlPlane,
    admin: Principal,
    upload: Upload,
    runtime: RecordingValidator,
    settings: dict,
    code: str,
) -> None:
    before = await row_counts(plane.store)
    files = settings.pop("files", {"entry.py": b"x = 1"})
    with pytest.raises(Invalid) as caught:
        await plane.versions.upload(
            admin, "api", "production", files=files, **{"main_module": "entry.py", **settings}
        )
    assert caught.value.code == code
    assert caught.value.status == 400
    assert await row_counts(plane.store) == before
    assert runtime.drafts == []  # rejected before the runtime is even asked


async def test_versions_list_is_paginated_newest_first(
    plane: ControlPlane, admin: Principal, upload: Upload
) -> None:
    for _ in range(5):
        await upload()
    page = await plane.versions.list(admin, "api", "production", page=2, per_page=2)
    assert [v.number for v in page.items] == [3, 2]
    assert (page.page, page.per_page, page.total) == (2, 2, 5)
    with pytest.raises(Invalid):
        await plane.versions.list(admin, "api", "production", per_page=1000)


async def test_an_unknown_version_is_not_found(plane: ControlPlane, admin: Principal) -> None:
    with pytest.raises(NotFound):
        await plane.versions.get(admin, "api", "production", str(uuid.uuid4()))


async def test_the_validator_sees_the_whole_version_secrets_included(
    upload: Upload, runtime: RecordingValidator
) -> None:
    await upload(vars={"A": "1"}, secrets={"S": "x"})
    draft = runtime.drafts[-1]
    assert draft.files == {"entry.py": draft.files["entry.py"]}
    assert (draft.service, draft.environment, draft.vars, draft.secrets) == (
        "api",
        "production",
        {"A": "1"},
        {"S": "x"},
    )


async def test_concurrent_changes_never_share_a_number_or_lose_each_other(
    plane: ControlPlane, admin: Principal, upload: Upload
) -> None:
    await upload(deploy=True)
    results = await asyncio.gather(
        *(upload(message=f"upload {i}") for i in range(4)),
        *(
            plane.secrets.put(admin, "api", "production", f"S{i}", "v", deploy=False)
            for i in range(4)
        ),
        return_exceptions=True,
    )
    made = [r for r in results if not isinstance(r, BaseException)]
    refused = [r for r in results if isinstance(r, BaseException)]
    # A change derived from a version that is no longer the latest is refused, never merged.
    assert all(isinstance(r, Conflict) and r.code == "concurrent_change" for r in refused)
    page = await plane.versions.list(admin, "api", "production", per_page=100)
    assert sorted(v.number for v in page.items) == list(range(1, len(made) + 2))
