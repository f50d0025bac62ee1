"""Who am I, and the account's API tokens."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from fastapi import APIRouter, Response

from ..control import Token
from ._auth import Caller, Writer
from ._context import Ctx, Out, Page, Paging, Strict, paginate
from ._errors import ERROR_RESPONSES

__all__ = ["router"]

router = APIRouter(tags=["tokens"], responses=ERROR_RESPONSES)


class WhoAmI(Out):
    account: str
    subdomain: str
    token: str
    scope: str


class TokenOut(Out):
    id: str
    name: str
    scope: str
    created_at: datetime


class NewTokenOut(TokenOut):
    value: str  # the only time the token can be read: it is stored hashed


class TokenIn(Strict):
    name: str
    scope: Literal["admin", "read", "operator"] = "admin"  # operator: by an operator only


def token_out(token: Token) -> TokenOut:
    return TokenOut(id=token.id, name=token.name, scope=token.scope, created_at=token.created_at)


@router.get("/whoami")
async def whoami(principal: Caller) -> WhoAmI:
    """The account and token the request acts as."""
    return WhoAmI(
        account=principal.account.name,
        subdomain=principal.account.subdomain,
        token=principal.token_name,
        scope=principal.scope,
    )


@router.get("/tokens")
async def list_tokens(ctx: Ctx, principal: Caller, paging: Paging) -> Page[TokenOut]:
    """The account's tokens (never their values)."""
    tokens = await ctx.plane.accounts.list_tokens(principal)
    return paginate([token_out(t) for t in tokens], paging)


@router.post("/tokens", status_code=201)
async def create_token(ctx: Ctx, principal: Writer, body: TokenIn) -> NewTokenOut:
    """A new token; its `value` is shown in this response only."""
    new = await ctx.plane.accounts.create_token(principal, body.name, body.scope)
    return NewTokenOut(**token_out(new.token).model_dump(), value=new.value)


@router.delete("/tokens/{name}", status_code=204)
async def revoke_token(ctx: Ctx, principal: Writer, name: str) -> Response:
    """Revoke a token: it stops working at once."""
    await ctx.plane.accounts.revoke_token(principal, name)
    return Response(status_code=204)
