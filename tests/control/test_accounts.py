"""Accounts and API tokens: shown once, stored hashed, scoped, and never crossing accounts."""

from __future__ import annotations

from pathlib import Path

import pytest

from hearth.control import (
    Conflict,
    ControlPlane,
    Forbidden,
    Invalid,
    NotFound,
    Principal,
    Unauthorized,
)
from tests.store.backends import all_rows_text, database_files_bytes, row_counts


async def test_a_token_is_shown_once_and_only_its_hash_is_stored(
    plane: ControlPlane, admin: Principal, data_dir: Path
) -> None:
    new = await plane.accounts.create_token(admin, "ci", "admin")
    assert new.value.startswith("hearth_") and len(new.value) > 40
    assert new.value not in await all_rows_text(plane.store)
    if plane.store.dialect == "sqlite":
        assert new.value.encode() not in database_files_bytes(data_dir)
    assert [t.name for t in await plane.accounts.list_tokens(admin)] == ["acme-admin", "ci"]


async def test_authenticate_names_account_token_and_scope(
    plane: ControlPlane, admin: Principal
) -> None:
    new = await plane.accounts.create_token(admin, "dashboard", "read")
    principal = await plane.accounts.authenticate(new.value)
    assert principal.account == admin.account
    assert (principal.token_name, principal.scope, principal.can_write) == (
        "dashboard",
        "read",
        False,
    )


@pytest.mark.parametrize("value", ["", "hearth_wrong", "x" * 64])
async def test_a_wrong_token_is_unauthorized(
    plane: ControlPlane, admin: Principal, value: str
) -> None:
    with pytest.raises(Unauthorized) as caught:
        await plane.accounts.authenticate(value)
    assert caught.value.status == 401


async def test_a_revoked_token_no_longer_authenticates(
    plane: ControlPlane, admin: Principal
) -> None:
    new = await plane.accounts.create_token(admin, "temp", "admin")
    await plane.accounts.revoke_token(admin, "temp")
    with pytest.raises(Unauthorized):
        await plane.accounts.authenticate(new.value)
    with pytest.raises(NotFound):
        await plane.accounts.revoke_token(admin, "temp")


async def test_token_names_are_unique_per_account_and_scopes_are_admin_or_read(
    plane: ControlPlane, admin: Principal
) -> None:
    with pytest.raises(Conflict):
        await plane.accounts.create_token(admin, "acme-admin", "read")
    with pytest.raises(Invalid):
        await plane.accounts.create_token(admin, "x", "owner")
    with pytest.raises(Invalid):
        await plane.accounts.create_token(admin, "", "read")


async def test_a_bootstrap_token_can_be_given_but_not_a_short_one(plane: ControlPlane) -> None:
    await plane.accounts.create("main")
    given = "bootstrap-token-for-automation-0123456789"
    await plane.accounts.issue_token("main", "bootstrap", value=given)
    principal = await plane.accounts.authenticate(given)
    assert (principal.account.name, principal.scope) == ("main", "admin")
    with pytest.raises(Invalid):
        await plane.accounts.issue_token("main", "short", value="short")


async def test_account_names_and_subdomains_are_unique(plane: ControlPlane) -> None:
    await plane.accounts.create("acme", "acme-co")
    with pytest.raises(Conflict):
        await plane.accounts.create("acme")
    with pytest.raises(Conflict):
        await plane.accounts.create("other", "acme-co")
    with pytest.raises(Invalid):
        await plane.accounts.create("Bad_Name")
    assert [a.subdomain for a in await plane.accounts.list()] == ["acme-co"]


async def test_a_read_token_reads_everything_and_changes_nothing(
    plane: ControlPlane, admin: Principal, reader: Principal, upload
) -> None:
    version = await upload(deploy=True)
    assert [s.name for s in await plane.services.list(reader)] == ["api"]
    assert (await plane.versions.get(reader, "api", "production", version.id)).id == version.id
    assert await plane.secrets.list(reader, "api", "production") == []
    before = await row_counts(plane.store)
    writes = [
        plane.services.create(reader, "new"),
        plane.services.delete(reader, "api"),
        plane.environments.create(reader, "api", "staging"),
        plane.versions.upload(
            reader, "api", "production", files={"entry.py": b""}, main_module="entry.py"
        ),
        plane.secrets.put(reader, "api", "production", "S", "v"),
        plane.settings.set_vars(reader, "api", "production", {"A": "b"}),
        plane.deployments.create(reader, "api", "production", {version.id: 100}),
        plane.deployments.rollback(reader, "api", "production"),
        plane.promotion.promote(reader, "api", "production", "staging"),
        plane.promotion.set_pipeline(reader, "api", []),
        plane.routes.add(reader, "example.com/*", "api"),
        plane.accounts.create_token(reader, "escalate", "admin"),
        plane.accounts.revoke_token(reader, "acme-admin"),
    ]
    for write in writes:
        with pytest.raises(Forbidden) as caught:
            await write
        assert caught.value.status == 403
    assert await row_counts(plane.store) == before


async def test_another_accounts_token_finds_nothing_of_this_account(
    plane: ControlPlane, admin: Principal, outsider: Principal, upload
) -> None:
    version = await upload(deploy=True)
    reads_and_writes = [
        plane.services.get(outsider, "api"),
        plane.services.delete(outsider, "api"),
        plane.environments.list(outsider, "api"),
        plane.environments.clone(outsider, "api", "production", "mine"),
        plane.versions.get(outsider, "api", "production", version.id),
        plane.versions.list(outsider, "api", "production"),
        plane.secrets.put(outsider, "api", "production", "S", "v"),
        plane.deployments.current(outsider, "api", "production"),
        plane.deployments.create(outsider, "api", "production", {version.id: 100}),
        plane.promotion.get_pipeline(outsider, "api"),
        plane.routes.add(outsider, "globex.com/*", "api"),
    ]
    for call in reads_and_writes:
        with pytest.raises(NotFound) as caught:  # 404, not 403: existence is not revealed
            await call
        assert caught.value.status == 404
    assert await plane.services.list(outsider) == []
    assert [t.name for t in await plane.accounts.list_tokens(outsider)] == ["globex-admin"]
    with pytest.raises(NotFound):
        await plane.accounts.revoke_token(outsider, "acme-admin")


async def test_both_accounts_may_use_the_same_service_name(
    plane: ControlPlane, admin: Principal, outsider: Principal
) -> None:
    theirs = await plane.services.create(outsider, "api")
    assert theirs.id != (await plane.services.get(admin, "api")).id
