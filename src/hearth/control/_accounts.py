"""Accounts and API tokens.

A token is random, shown once when created, and stored only as its sha256: the database
alone never yields a working token. Scopes: `read`, `admin` (everything in the account) and
`operator` (an admin of its own account who also creates, lists and disables accounts: the
first-start token). A disabled account keeps all it holds; its tokens are refused and its
workers not served until an operator enables it again.
"""

from __future__ import annotations

import builtins
import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from ..store.tables import accounts, environments, services, tokens
from ._context import Context, new_id, now
from ._errors import Conflict, Forbidden, Invalid, NotFound, Unauthorized
from ._events import AccountChanged, AccountCreated, TokenRevoked
from ._validation import check_name, check_token_name

__all__ = [
    "MIN_TOKEN_LENGTH",
    "SCOPES",
    "Account",
    "Accounts",
    "NewToken",
    "Principal",
    "Token",
    "require_operator",
    "require_write",
]

SCOPES = ("admin", "read", "operator")
_PREFIX = "hearth_"  # lets secret scanners and people recognise a leaked token
MIN_TOKEN_LENGTH = 32


@dataclass(slots=True)
class Account:
    id: str
    name: str
    subdomain: str
    created_at: datetime
    disabled_at: datetime | None = None


@dataclass(slots=True)
class Principal:
    """Who is acting: an account, through one named token with one scope."""

    account: Account
    token_name: str
    scope: str

    @property
    def can_write(self) -> bool:
        return self.scope == "admin" or self.scope == "operator"

    @property
    def is_operator(self) -> bool:
        return self.scope == "operator"


@dataclass(slots=True)
class Token:
    id: str
    name: str
    scope: str
    created_at: datetime


@dataclass(slots=True)
class NewToken:
    token: Token
    value: str  # the only time the plain token is available


def require_write(principal: Principal) -> None:
    if not principal.can_write:
        raise Forbidden(
            f"token {principal.token_name!r} has the {principal.scope!r} scope and cannot change "
            "anything",
            code="read_only_token",
        )


def require_operator(principal: Principal) -> None:
    if not principal.is_operator:
        raise Forbidden(
            f"token {principal.token_name!r} has the {principal.scope!r} scope: managing "
            "accounts takes an operator token (the one made at first start)",
            code="operator_only",
        )


def _account(row: Any) -> Account:
    return Account(row.id, row.name, row.subdomain, row.created_at, row.disabled_at)


def _hash(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


class Accounts:
    def __init__(self, ctx: Context) -> None:
        self._ctx = ctx

    # -- platform operations (bootstrap, `hearth serve`): no principal ----------------------

    async def create(self, name: str, subdomain: str | None = None) -> Account:
        check_name("account", name)
        check_name("subdomain", subdomain or name)
        account = Account(new_id(), name, subdomain or name, now())
        try:
            async with self._ctx.store.write() as conn:
                await conn.execute(
                    accounts.insert().values(
                        id=account.id,
                        name=account.name,
                        subdomain=account.subdomain,
                        created_at=account.created_at,
                    )
                )
        except IntegrityError:
            raise Conflict(
                f"an account named {name!r} or with subdomain {account.subdomain!r} exists",
                code="account_exists",
            ) from None
        await self._ctx.publish([AccountCreated(account.id, account.subdomain)])
        return account

    async def get(self, name: str) -> Account:
        async with self._ctx.store.read() as conn:
            row = (await conn.execute(sa.select(accounts).where(accounts.c.name == name))).first()
        if row is None:
            raise NotFound(f"account {name!r} not found", code="account_not_found")
        return _account(row)

    async def list(self) -> builtins.list[Account]:
        async with self._ctx.store.read() as conn:
            rows = await conn.execute(sa.select(accounts).order_by(accounts.c.name))
        return [_account(r) for r in rows]

    async def issue_token(
        self, account: str, name: str, scope: str = "admin", *, value: str | None = None
    ) -> NewToken:
        """A token for `account` without a principal (first start). `value` sets the token
        itself (`HEARTH_BOOTSTRAP_TOKEN`); otherwise a random one is made."""
        target = await self.get(account)
        if value is not None and (not isinstance(value, str) or len(value) < MIN_TOKEN_LENGTH):
            raise Invalid(
                f"a token must be at least {MIN_TOKEN_LENGTH} characters", code="invalid_token"
            )
        return await self._insert(target.id, name, scope, value)

    async def tokens_of(self, account: str) -> builtins.list[Token]:
        """The account's tokens (names and scopes, never values), without a principal."""
        target = await self.get(account)
        return await self._tokens(target.id)

    # -- operations of a principal ------------------------------------------------------------

    async def authenticate(self, value: str) -> Principal:
        if not isinstance(value, str) or not value:
            raise Unauthorized("missing API token")
        query = sa.select(tokens.c.name.label("token_name"), tokens.c.scope, *accounts.c).join(
            accounts
        )
        async with self._ctx.store.read() as conn:
            row = (await conn.execute(query.where(tokens.c.token_hash == _hash(value)))).first()
        if row is None:
            raise Unauthorized("invalid API token", code="invalid_token")
        if row.disabled_at is not None:
            raise Forbidden(
                f"account {row.name!r} is disabled: ask the platform's operator",
                code="account_disabled",
            )
        return Principal(_account(row), row.token_name, row.scope)

    async def create_token(self, principal: Principal, name: str, scope: str) -> NewToken:
        require_write(principal)
        if scope == "operator":
            require_operator(principal)  # an admin cannot make itself operator
        return await self._insert(principal.account.id, name, scope, None)

    async def list_tokens(self, principal: Principal) -> builtins.list[Token]:
        return await self._tokens(principal.account.id)

    async def _tokens(self, account_id: str) -> builtins.list[Token]:
        query = sa.select(tokens).where(tokens.c.account_id == account_id)
        async with self._ctx.store.read() as conn:
            rows = await conn.execute(query.order_by(tokens.c.name))
        return [Token(r.id, r.name, r.scope, r.created_at) for r in rows]

    async def revoke_token(self, principal: Principal, name: str) -> None:
        require_write(principal)
        async with self._ctx.store.write() as conn:
            result = await conn.execute(
                tokens.delete().where(
                    tokens.c.account_id == principal.account.id, tokens.c.name == name
                )
            )
        if result.rowcount == 0:
            raise NotFound(f"token {name!r} not found", code="token_not_found")
        await self._ctx.publish([TokenRevoked(principal.account.id, name)])

    # -- operations of an operator ------------------------------------------------------------

    async def open_account(
        self, principal: Principal, name: str, subdomain: str | None = None
    ) -> tuple[Account, NewToken]:
        """A new account and its first `admin` token (shown once), for the team it is for."""
        require_operator(principal)
        account = await self.create(name, subdomain)
        return account, await self._insert(account.id, "admin", "admin", None)

    async def all_accounts(self, principal: Principal) -> builtins.list[Account]:
        require_operator(principal)
        return await self.list()

    async def account(self, principal: Principal, name: str) -> Account:
        require_operator(principal)
        return await self.get(name)

    async def set_disabled(self, principal: Principal, name: str, disabled: bool) -> Account:
        require_operator(principal)
        target = await self.get(name)
        if target.id == principal.account.id:
            raise Invalid("an operator cannot disable its own account", code="own_account")
        stamp = now() if disabled else None
        where = accounts.c.id == target.id
        query = (
            sa.select(environments.c.id).join(services).where(services.c.account_id == target.id)
        )
        async with self._ctx.store.write() as conn:
            await conn.execute(accounts.update().where(where).values(disabled_at=stamp))
            environment_ids = tuple(r.id for r in await conn.execute(query))
        target.disabled_at = stamp
        await self._ctx.publish([AccountChanged(target.id, disabled, environment_ids)])
        return target

    async def _insert(self, account_id: str, name: str, scope: str, value: str | None) -> NewToken:
        check_token_name(name)
        if scope not in SCOPES:
            raise Invalid(f"scope must be one of {', '.join(SCOPES)}", code="invalid_scope")
        value = value or _PREFIX + secrets.token_urlsafe(32)
        token = Token(new_id(), name, scope, now())
        try:
            async with self._ctx.store.write() as conn:
                await conn.execute(
                    tokens.insert().values(
                        id=token.id,
                        account_id=account_id,
                        name=name,
                        scope=scope,
                        token_hash=_hash(value),
                        created_at=token.created_at,
                    )
                )
        except IntegrityError:
            # Names are unique per account, values (their hashes) across all accounts: say
            # which one collided, e.g. one HEARTH_BOOTSTRAP_TOKEN given to two accounts.
            query = sa.select(tokens.c.id).where(
                tokens.c.account_id == account_id, tokens.c.name == name
            )
            async with self._ctx.store.read() as conn:
                name_taken = (await conn.execute(query)).first() is not None
            if name_taken:
                raise Conflict(f"a token named {name!r} exists", code="token_exists") from None
            raise Conflict(
                "this token value is already in use: choose another value",
                code="token_value_in_use",
            ) from None
        return NewToken(token, value)
