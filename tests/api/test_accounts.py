"""Accounts: the platform's operator opens one per team, lists them, disables and enables them.
Everyone else acts inside their own account and cannot see that other accounts exist."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from .conftest import Api, client, error_of


@pytest.fixture
async def operator(api: Api) -> AsyncIterator[httpx.AsyncClient]:
    """`acme`'s operator token, as the first start makes one."""
    token = await api.plane.accounts.issue_token("acme", "bootstrap", "operator")
    async with client(api.base, token.value) as operator:
        yield operator


async def test_the_operator_opens_an_account_for_a_team(
    api: Api, operator: httpx.AsyncClient
) -> None:
    response = await operator.post("/accounts", json={"name": "initech", "subdomain": "ini"})
    assert response.status_code == 201, response.text
    opened = response.json()
    assert (opened["name"], opened["subdomain"], opened["disabled"]) == ("initech", "ini", False)
    assert opened["token"]["scope"] == "admin" and opened["token"]["value"].startswith("hearth_")

    async with client(api.base, opened["token"]["value"]) as team:
        me = (await team.get("/whoami")).json()
        assert (me["account"], me["scope"]) == ("initech", "admin")
        assert (await team.post("/services", json={"name": "web"})).status_code == 201
        assert (await team.get("/services")).json()["total"] == 1
    assert (await api.admin.get("/services")).json()["total"] == 0  # acme sees none of it

    listed = (await operator.get("/accounts")).json()
    assert [a["name"] for a in listed["items"]] == ["acme", "globex", "initech"]
    assert (await operator.get("/accounts/initech")).json()["subdomain"] == "ini"


async def test_only_an_operator_token_manages_accounts(api: Api) -> None:
    for caller in (api.admin, api.reader):
        error = error_of(await caller.get("/accounts"), 403)
        assert error["code"] == "operator_only"
        assert "operator token" in error["message"]
    error_of(await api.admin.post("/accounts", json={"name": "initech"}), 403)
    error_of(await api.admin.patch("/accounts/globex", json={"disabled": True}), 403)
    error_of(await api.anonymous.get("/accounts"), 401)


async def test_an_admin_cannot_make_itself_an_operator(
    api: Api, operator: httpx.AsyncClient
) -> None:
    refused = await api.admin.post("/tokens", json={"name": "escalate", "scope": "operator"})
    assert error_of(refused, 403)["code"] == "operator_only"
    made = await operator.post("/tokens", json={"name": "second-operator", "scope": "operator"})
    assert made.status_code == 201 and made.json()["scope"] == "operator"


async def test_a_disabled_account_keeps_its_data_and_its_tokens_are_refused(
    api: Api, operator: httpx.AsyncClient
) -> None:
    assert (await api.outsider.post("/services", json={"name": "billing"})).status_code == 201
    disabled = await operator.patch("/accounts/globex", json={"disabled": True})
    assert disabled.status_code == 200, disabled.text
    assert disabled.json()["disabled"] is True and disabled.json()["disabled_at"]

    error = error_of(await api.outsider.get("/services"), 403)
    assert error["code"] == "account_disabled" and "'globex' is disabled" in error["message"]
    assert (await api.admin.get("/services")).status_code == 200  # other accounts go on

    enabled = await operator.patch("/accounts/globex", json={"disabled": False})
    assert enabled.json()["disabled"] is False and enabled.json()["disabled_at"] is None
    services = (await api.outsider.get("/services")).json()["items"]
    assert [s["name"] for s in services] == ["billing"]


async def test_account_mistakes_are_named(api: Api, operator: httpx.AsyncClient) -> None:
    taken = await operator.post("/accounts", json={"name": "globex"})
    assert error_of(taken, 409)["code"] == "account_exists"
    bad = await operator.post("/accounts", json={"name": "Not A Name"})
    assert "account" in error_of(bad, 400)["message"]
    own = await operator.patch("/accounts/acme", json={"disabled": True})
    assert error_of(own, 400)["code"] == "own_account"
    missing = await operator.patch("/accounts/nobody", json={"disabled": True})
    assert error_of(missing, 404)["code"] == "account_not_found"
    assert (await api.admin.get("/whoami")).status_code == 200  # acme is still enabled
