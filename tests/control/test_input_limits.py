"""Inputs the databases cannot hold, or the edge cannot honour, are refused with a clear
error before anything is written (they were stored, or crashed, on one backend or both)."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from hearth.control import Conflict, ControlPlane, EventBus, Invalid, NotFound, Principal
from hearth.server import Node, Settings
from hearth.store import Store
from tests.store.backends import row_counts

from .conftest import HELLO, Upload


@pytest.mark.parametrize("text", ["hi\x00", "bell\x07", "esc\x1b[31m"])
async def test_a_message_or_tag_with_a_control_character_is_refused(
    plane: ControlPlane, admin: Principal, upload: Upload, text: str
) -> None:
    """PostgreSQL cannot store NUL (a 500 there, before): the user gets a 400 naming the
    field and the character, on both backends, and nothing is written."""
    version = await upload()
    before = await row_counts(plane.store)
    with pytest.raises(Invalid) as caught:
        await plane.deployments.create(admin, "api", "production", {version.id: 100}, message=text)
    assert caught.value.code == "invalid_message"
    assert "control character" in caught.value.message
    with pytest.raises(Invalid) as caught:
        await upload(tag=text)
    assert caught.value.code == "invalid_tag"
    with pytest.raises(Invalid):
        await plane.deployments.rollback(admin, "api", "production", version.id, message=text)
    assert await row_counts(plane.store) == before


async def test_tabs_and_line_breaks_in_a_message_are_kept(
    plane: ControlPlane, upload: Upload
) -> None:
    version = await upload(message="fix:\tlogin\r\n\nSee #12")
    assert version.message == "fix:\tlogin\r\n\nSee #12"


@pytest.mark.parametrize("number", [0, -1, 2**31, 2**40, 2**63, 10**20])
async def test_a_version_number_no_version_can_have_is_not_found(
    plane: ControlPlane, admin: Principal, upload: Upload, number: int
) -> None:
    """Beyond the column's range the database refused the query (a 500): it is simply a
    version that does not exist."""
    await upload()
    with pytest.raises(NotFound) as caught:
        await plane.versions.get(admin, "api", "production", number)
    assert caught.value.code == "version_not_found"


@pytest.mark.parametrize("page", [1_000_001, 10**18])
async def test_a_page_beyond_a_million_is_refused(
    plane: ControlPlane, admin: Principal, upload: Upload, page: int
) -> None:
    """The row offset of such a page overflows the databases' integers."""
    await upload()
    for listing in (plane.versions.list, plane.deployments.list):
        with pytest.raises(Invalid) as caught:
            await listing(admin, "api", "production", page=page)
        assert caught.value.code == "invalid_page"
        assert "from 1 to 1000000" in caught.value.message
    assert (await plane.versions.list(admin, "api", "production", page=1_000_000)).items == []


async def test_a_whole_percentage_written_as_a_float_is_accepted(
    plane: ControlPlane, admin: Principal, upload: Upload
) -> None:
    old, new = await upload(), await upload()
    deployment = await plane.deployments.create(
        admin, "api", "production", {old.id: 99.0, new.id: 1.0}
    )
    assert [v.percentage for v in deployment.versions] == [99.0, 1.0]


async def test_a_token_value_in_use_is_reported_as_such_not_as_a_name_clash(
    plane: ControlPlane,
) -> None:
    """One HEARTH_BOOTSTRAP_TOKEN given to two accounts: the second is told the value is in
    use, not that a token named 'bootstrap' exists (it does not, in that account)."""
    await plane.accounts.create("acme")
    await plane.accounts.create("globex")
    value = "x" * 40
    await plane.accounts.issue_token("acme", "bootstrap", value=value)
    with pytest.raises(Conflict) as caught:
        await plane.accounts.issue_token("globex", "bootstrap", value=value)
    assert caught.value.code == "token_value_in_use"
    assert "token value is already in use" in caught.value.message
    with pytest.raises(Conflict) as caught:
        await plane.accounts.issue_token("acme", "bootstrap", value="y" * 40)
    assert caught.value.code == "token_exists"
    assert "a token named 'bootstrap' exists" in caught.value.message


async def test_a_platform_domain_with_a_trailing_dot_or_capitals_is_the_same_domain(
    store: Store,
) -> None:
    """`--domain Hearth.Test.` names hearth.test: routes under it are refused as usual."""
    plane = ControlPlane(store, EventBus(), domain="Hearth.Test.")
    await plane.accounts.create("acme")
    new = await plane.accounts.issue_token("acme", "ci")
    admin = await plane.accounts.authenticate(new.value)
    await plane.services.create(admin, "api")
    for pattern in ("x.api.acme.hearth.test/*", "*.test/*"):
        with pytest.raises(Invalid) as caught:
            await plane.routes.add(admin, pattern, "api")
        assert caught.value.code == "reserved_hostname"
        assert "'hearth.test'" in caught.value.message
    with pytest.raises(Invalid):
        await plane.routes.add_domain(admin, "api.acme.hearth.test", "api")


async def test_a_node_with_a_trailing_dot_domain_serves_its_generated_hostnames(
    tmp_path: Path,
) -> None:
    """`hearth serve --domain hearth.test.`: the environment's and the version's hostnames
    answer (they were keyed with the dot, which request hosts never carry)."""
    settings = Settings(data_dir=tmp_path, domain="Hearth.Test.", listen=("127.0.0.1", 0))
    assert settings.domain == "hearth.test"
    node = Node(settings)
    await node.start()
    try:
        assert node.plane is not None and node.edge is not None
        admin = Principal(await node.plane.accounts.get("main"), "t", "admin")
        await node.plane.services.create(admin, "api")
        await node.plane.versions.upload(
            admin,
            "api",
            "production",
            files={"entry.py": HELLO.encode()},
            main_module="entry.py",
            compatibility_date="2025-09-01",
            deploy=True,
        )
        transport = httpx.ASGITransport(app=node.edge.app)
        async with httpx.AsyncClient(transport=transport) as client:
            for host in ("api.main.hearth.test", "v1.production.api.main.hearth.test"):
                response = await client.get("http://x/", headers={"host": host})
                assert (response.status_code, response.text) == (200, "hello"), host
    finally:
        await node.stop()


def test_a_platform_domain_that_is_no_hostname_is_refused_at_start() -> None:
    with pytest.raises(ValueError, match="platform domain 'hearth.test:8787'"):
        Settings(domain="hearth.test:8787")
