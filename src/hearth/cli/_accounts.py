"""`hearth accounts create|list|disable|enable`: the platform's accounts, for its operator
(the token made at first start)."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from ._client import connect, seg
from ._output import Json, err, out, print_json, show, table, when

__all__ = ["accounts"]

accounts = typer.Typer(
    help="Accounts of the platform (operator token): create, list, disable, enable.",
    no_args_is_help=True,
)

AccountName = Annotated[str, typer.Argument(help="The account's name.")]


@accounts.command("create", epilog="Example: hearth accounts create globex")
def create_account(
    name: AccountName,
    subdomain: Annotated[
        str | None, typer.Option(help="Its part of generated hostnames (default: the name).")
    ] = None,
    as_json: Json = False,
) -> None:
    """A new account and its first admin token, shown this once: hand it to the team."""
    body: dict[str, Any] = {"name": name}
    if subdomain:
        body["subdomain"] = subdomain
    created = connect().post("/accounts", body)
    if as_json:
        print_json(created)
        return
    out.print(created["token"]["value"])
    err.print(
        f"Account {name!r} created (hostnames under {created['subdomain']}); its admin token is "
        "above, store it now: it is not shown again. The team signs in with: hearth login"
    )


@accounts.command("list", epilog="Example: hearth accounts list --json")
def list_accounts(as_json: Json = False) -> None:
    """Every account of the platform."""
    items = connect().items("/accounts")
    columns = [
        ("ACCOUNT", lambda a: a["name"]),
        ("SUBDOMAIN", lambda a: a["subdomain"]),
        ("CREATED", lambda a: when(a["created_at"])),
        ("STATUS", lambda a: "disabled" if a["disabled"] else "active"),
    ]
    show(items, as_json, lambda: table(items, columns, empty="no accounts"))


@accounts.command("disable", epilog="Example: hearth accounts disable globex")
def disable_account(name: AccountName) -> None:
    """Refuse the account's tokens and stop serving its workers; nothing is deleted."""
    connect().patch(f"/accounts/{seg(name)}", {"disabled": True})
    out.print(f"Account {name!r} disabled: its tokens are refused and its workers not served")


@accounts.command("enable", epilog="Example: hearth accounts enable globex")
def enable_account(name: AccountName) -> None:
    """Serve a disabled account again, as it was."""
    connect().patch(f"/accounts/{seg(name)}", {"disabled": False})
    out.print(f"Account {name!r} enabled")
