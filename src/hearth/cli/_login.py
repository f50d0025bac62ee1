"""`hearth login` (verify a token, then store it) and `hearth whoami`."""

from __future__ import annotations

import os
from typing import Annotated

import typer

from ._client import Api, connect
from ._errors import CliError
from ._output import Json, err, out, show
from ._prompts import read_secret
from ._settings import DEFAULT_URL, Login, config_file, save_login

__all__ = ["login", "logout", "whoami"]


def login(
    url: Annotated[
        str, typer.Option(help="The Hearth API: the admin listener hearth serve prints.")
    ] = DEFAULT_URL,
    token: Annotated[
        str | None,
        typer.Option(help="An API token (default: a hidden prompt, or stdin when piped)."),
    ] = None,
) -> None:
    """Check a token against a server, then store both in the per-user config file."""
    if not url.startswith(("http://", "https://")):
        raise CliError(f"--url {url!r}: give http://HOST:PORT or https://HOST")
    value = token or read_secret("API token")
    candidate = Login(url.rstrip("/"), value)
    refused = f"{candidate.url} refused this token: give the admin token hearth serve printed"
    me = Api(candidate.url, candidate.token, refused=refused).get("/whoami")
    path = save_login(candidate)
    out.print(f"Logged in to {candidate.url} as token {me['token']!r} of account {me['account']!r}")
    err.print(f"Saved to {path}")


def logout() -> None:
    """Forget the stored URL and token (the server keeps the token: hearth tokens revoke)."""
    path = config_file()
    if path.exists():
        path.unlink()
        out.print(f"Logged out: removed {path}")
    else:
        out.print(f"Not logged in (no {path})")
    if os.environ.get("HEARTH_TOKEN"):
        err.print("note: HEARTH_TOKEN is set in this shell; commands still use it")


def whoami(as_json: Json = False) -> None:
    """The server, account and token the CLI acts as."""
    api = connect()
    me = api.get("/whoami")
    me["url"] = api.url

    def human() -> None:
        out.print(f"account  {me['account']} (subdomain {me['subdomain']})")
        out.print(f"token    {me['token']} ({me['scope']})")
        out.print(f"server   {api.url}")

    show(me, as_json, human)
