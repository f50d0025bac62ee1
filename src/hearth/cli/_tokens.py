"""`hearth tokens create|list|revoke`: the account's API tokens."""

from __future__ import annotations

from typing import Annotated

import typer

from ._client import connect, seg
from ._output import Json, err, out, print_json, show, table, when

__all__ = ["tokens"]

tokens = typer.Typer(help="API tokens of the account: create, list, revoke.", no_args_is_help=True)

TokenName = Annotated[str, typer.Argument(help="The token's name.")]


@tokens.command("create", epilog="Example: hearth tokens create ci --scope admin")
def create_token(
    name: TokenName,
    scope: Annotated[
        str, typer.Option(help="admin (read and write), read, or operator (an operator only).")
    ] = "admin",
    as_json: Json = False,
) -> None:
    """A new token; its value is shown this once (it is stored hashed)."""
    created = connect().post("/tokens", {"name": name, "scope": scope})
    if as_json:
        print_json(created)
        return
    out.print(created["value"])
    err.print(
        f"Token {name!r} ({created['scope']}) created; store its value now, it is not shown again."
    )


@tokens.command("list", epilog="Example: hearth tokens list --json")
def list_tokens(as_json: Json = False) -> None:
    """The account's tokens (never their values)."""
    items = connect().items("/tokens")
    columns = [
        ("TOKEN", lambda t: t["name"]),
        ("SCOPE", lambda t: t["scope"]),
        ("CREATED", lambda t: when(t["created_at"])),
        ("ID", lambda t: t["id"]),
    ]
    show(items, as_json, lambda: table(items, columns, empty="no tokens"))


@tokens.command("revoke", epilog="Example: hearth tokens revoke ci")
def revoke_token(name: TokenName) -> None:
    """Revoke a token: it stops working at once."""
    connect().delete(f"/tokens/{seg(name)}")
    out.print(f"Revoked token {name!r}")
