"""Accounts, for the platform's operator: open one for a team, list them, disable or enable
one. Every other endpoint acts inside the caller's own account."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter

from ..control import Account
from ._auth import Caller, Writer
from ._context import Ctx, Out, Page, Paging, Strict, paginate
from ._errors import ERROR_RESPONSES
from ._tokens import NewTokenOut, token_out

__all__ = ["router"]

router = APIRouter(tags=["accounts"], responses=ERROR_RESPONSES)


class AccountOut(Out):
    id: str
    name: str
    subdomain: str  # its generated hostnames: <env>.<service>.<subdomain>.<domain>
    created_at: datetime
    disabled: bool
    disabled_at: datetime | None


class NewAccountOut(AccountOut):
    token: NewTokenOut  # the account's first admin token: its value is shown here only


class AccountIn(Strict):
    name: str
    subdomain: str | None = None  # defaults to the name


class AccountPatch(Strict):
    disabled: bool


def account_out(account: Account) -> AccountOut:
    return AccountOut(
        id=account.id,
        name=account.name,
        subdomain=account.subdomain,
        created_at=account.created_at,
        disabled=account.disabled_at is not None,
        disabled_at=account.disabled_at,
    )


@router.get("/accounts")
async def list_accounts(ctx: Ctx, principal: Caller, paging: Paging) -> Page[AccountOut]:
    """Every account of the platform (operator tokens only)."""
    accounts = await ctx.plane.accounts.all_accounts(principal)
    return paginate([account_out(a) for a in accounts], paging)


@router.post("/accounts", status_code=201)
async def create_account(ctx: Ctx, principal: Writer, body: AccountIn) -> NewAccountOut:
    """A new account with its first `admin` token, to hand to the team it is for."""
    account, new = await ctx.plane.accounts.open_account(principal, body.name, body.subdomain)
    token = NewTokenOut(**token_out(new.token).model_dump(), value=new.value)
    return NewAccountOut(**account_out(account).model_dump(), token=token)


@router.get("/accounts/{account}")
async def get_account(ctx: Ctx, principal: Caller, account: str) -> AccountOut:
    return account_out(await ctx.plane.accounts.account(principal, account))


@router.patch("/accounts/{account}")
async def update_account(
    ctx: Ctx, principal: Writer, account: str, body: AccountPatch
) -> AccountOut:
    """Disable an account (its tokens are refused, its workers not served, nothing is
    deleted) or enable it again."""
    changed = await ctx.plane.accounts.set_disabled(principal, account, body.disabled)
    return account_out(changed)
