"""Secrets and vars: every change is a new version, deployed; secret values never at rest in
clear, and each version keeps the values it was made with."""

from __future__ import annotations

import asyncio
import hashlib
import json
from pathlib import Path

import pytest

from hearth.control import (
    Conflict,
    ControlPlane,
    Invalid,
    NotFound,
    Principal,
    version_runtime_view,
)
from tests.store.backends import all_rows_text, database_files_bytes, row_counts

SECRET = "sk_live_9f8e7d6c5b4a39281706"


async def test_secret_values_are_encrypted_at_rest(
    plane: ControlPlane, admin: Principal, upload, data_dir: Path
) -> None:
    await upload(secrets={"STRIPE_KEY": SECRET}, deploy=True)
    await plane.secrets.put(admin, "api", "production", "OTHER", SECRET + "-2")
    assert SECRET not in await all_rows_text(plane.store)
    if plane.store.dialect == "sqlite":
        raw = database_files_bytes(data_dir)
        assert b"STRIPE_KEY" in raw  # the names are stored in clear…
        assert SECRET.encode() not in raw  # …the values are not
    key_file = data_dir / "secret.key"
    assert key_file.stat().st_mode & 0o777 == 0o600


async def test_putting_a_secret_makes_a_new_version_and_deploys_it(
    plane: ControlPlane, admin: Principal, upload
) -> None:
    await upload(deploy=True)
    version = await plane.secrets.put(admin, "api", "production", "TOKEN", "t1")
    assert (version.number, version.triggered_by, version.secret_names) == (2, "secret", ["TOKEN"])
    current = await plane.deployments.current(admin, "api", "production")
    assert current is not None and current.single_version == version.id
    assert current.triggered_by == "secret"
    assert await plane.secrets.list(admin, "api", "production") == ["TOKEN"]


async def test_deleting_a_secret_makes_a_new_version_without_it(
    plane: ControlPlane, admin: Principal, upload
) -> None:
    await upload(secrets={"A": "1", "B": "2"}, deploy=True)
    version = await plane.secrets.delete(admin, "api", "production", "A")
    assert version.secret_names == ["B"]
    with pytest.raises(NotFound):
        await plane.secrets.delete(admin, "api", "production", "A")


async def test_a_version_keeps_its_secret_values_so_a_rollback_runs_with_them(
    plane: ControlPlane, admin: Principal, upload
) -> None:
    first = await upload(secrets={"TOKEN": "old"}, deploy=True)
    second = await plane.secrets.put(admin, "api", "production", "TOKEN", "new")
    assert (await version_runtime_view(plane.store, first.id)).secrets == {"TOKEN": "old"}
    assert (await version_runtime_view(plane.store, second.id)).secrets == {"TOKEN": "new"}
    rollback = await plane.deployments.rollback(admin, "api", "production")
    assert rollback.single_version == first.id


async def test_the_secrets_digest_is_keyed_not_a_plain_hash(
    plane: ControlPlane, admin: Principal, upload
) -> None:
    one = await upload(secrets={"TOKEN": "same"})
    two = await upload(secrets={"TOKEN": "same"})
    three = await upload(secrets={"TOKEN": "different"})
    assert one.secrets_digest == two.secrets_digest != three.secrets_digest
    plain = json.dumps({"TOKEN": "same"}, sort_keys=True, separators=(",", ":")).encode()
    assert one.secrets_digest != hashlib.sha256(plain).hexdigest()


async def test_a_secret_change_applies_to_the_version_served_not_the_latest(
    plane: ControlPlane, admin: Principal, upload
) -> None:
    """As on Cloudflare, a secret change deploys a new version from the current deployment:
    an uploaded, undeployed v2 (different vars) is neither shipped nor changed."""
    await upload(deploy=True, vars={"CODE": "served"})
    await upload(vars={"CODE": "uploaded"})
    version = await plane.secrets.put(admin, "api", "production", "TOKEN", "t")
    assert version.number == 3 and version.vars == {"CODE": "served"}
    current = await plane.deployments.current(admin, "api", "production")
    assert current is not None and current.versions[0].number == 3
    assert await plane.secrets.list(admin, "api", "production") == ["TOKEN"]
    undeployed = await plane.secrets.put(admin, "api", "production", "B", "t", deploy=False)
    assert undeployed.number == 4 and undeployed.vars == {"CODE": "served"}
    # `secret list` says what is served, not what the undeployed v4 holds.
    assert await plane.secrets.list(admin, "api", "production") == ["TOKEN"]


async def test_a_secret_change_is_refused_while_nothing_is_deployed(
    plane: ControlPlane, admin: Principal, upload
) -> None:
    await upload()  # uploaded, never deployed: deploying it with the secret would ship it
    before = await row_counts(plane.store)
    with pytest.raises(Conflict) as caught:
        await plane.secrets.put(admin, "api", "production", "TOKEN", "t")
    assert caught.value.code == "nothing_deployed"
    assert await row_counts(plane.store) == before
    version = await plane.secrets.put(admin, "api", "production", "TOKEN", "t", deploy=False)
    assert version.number == 2


async def test_an_environment_without_a_version_has_no_secrets_to_change(
    plane: ControlPlane, admin: Principal
) -> None:
    with pytest.raises(Conflict) as caught:
        await plane.secrets.put(admin, "api", "production", "TOKEN", "t")
    assert "upload code first" in caught.value.message


@pytest.mark.parametrize(
    ("name", "value"), [("bad name", "v"), ("OK", 5), ("OK", "x" * 5121), ("", "v")]
)
async def test_invalid_secrets_are_rejected_and_write_nothing(
    plane: ControlPlane, admin: Principal, upload, name: str, value: object
) -> None:
    await upload(deploy=True)
    before = await row_counts(plane.store)
    with pytest.raises(Invalid):
        await plane.secrets.put(admin, "api", "production", name, value)  # type: ignore[arg-type]
    assert await row_counts(plane.store) == before


async def test_setting_vars_replaces_them_in_a_new_deployed_version(
    plane: ControlPlane, admin: Principal, upload
) -> None:
    first = await upload(vars={"A": "1", "B": "2"}, secrets={"S": "x"}, deploy=True)
    version = await plane.settings.set_vars(admin, "api", "production", {"C": {"json": True}})
    assert (version.number, version.vars, version.triggered_by) == (
        2,
        {"C": {"json": True}},
        "dashboard",
    )
    assert version.bundle_digest == first.bundle_digest
    assert version.secrets_digest == first.secrets_digest
    current = await plane.deployments.current(admin, "api", "production")
    assert current is not None and current.single_version == version.id


async def test_a_var_may_not_take_a_secrets_name(
    plane: ControlPlane, admin: Principal, upload
) -> None:
    await upload(secrets={"S": "x"}, deploy=True)
    with pytest.raises(Invalid) as caught:
        await plane.settings.set_vars(admin, "api", "production", {"S": "clash"})
    assert caught.value.code == "duplicate_binding_name"


async def test_setting_bindings_makes_a_new_deployed_version(
    plane: ControlPlane, admin: Principal, upload
) -> None:
    await upload(deploy=True)
    bindings = [{"type": "kv", "name": "CACHE", "namespace_id": "ns1"}]
    version = await plane.settings.set_bindings(admin, "api", "production", bindings)
    assert version.bindings == bindings


async def test_a_rollback_made_while_a_secret_change_is_checked_is_not_undone(
    plane: ControlPlane, admin: Principal, upload, runtime, monkeypatch
) -> None:
    """The secret change was derived from v2; v2 was rolled back meanwhile (it is broken):
    the change is refused rather than deploying v2's code again."""
    await upload(deploy=True)
    await upload(deploy=True)
    checking, proceed = asyncio.Event(), asyncio.Event()
    validate = runtime.loader.validate

    async def slow_validate(draft):
        checking.set()
        await proceed.wait()
        return await validate(draft)

    monkeypatch.setattr(runtime.loader, "validate", slow_validate)
    put = asyncio.ensure_future(plane.secrets.put(admin, "api", "production", "TOKEN", "t"))
    await checking.wait()
    rollback = await plane.deployments.rollback(admin, "api", "production")
    proceed.set()
    with pytest.raises(Conflict, match="got a new deployment meanwhile"):
        await put
    current = await plane.deployments.current(admin, "api", "production")
    assert current is not None and current.id == rollback.id
