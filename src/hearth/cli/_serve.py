"""`hearth serve`: the platform on one machine."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer


def _address(value: str, default_host: str) -> tuple[str, int]:
    host, sep, port = value.rpartition(":")
    if not sep:
        host, port = default_host, value
    try:
        return host or default_host, int(port)
    except ValueError:
        raise typer.BadParameter(f"{value!r} is not HOST:PORT") from None


def serve(
    data_dir: Annotated[
        Path, typer.Option(help="Where the SQLite database, bundles and the secret key live.")
    ] = Path(".hearth-data"),
    listen: Annotated[str, typer.Option(help="Workers traffic HOST:PORT.")] = "0.0.0.0:8787",
    admin_listen: Annotated[
        str, typer.Option(help="API and dashboard HOST:PORT.")
    ] = "127.0.0.1:8788",
    domain: Annotated[
        str, typer.Option(help="Domain of generated hostnames: <service>.<account>.<domain>.")
    ] = "localhost",
    database: Annotated[
        str | None, typer.Option(help="postgresql://… to share one database between nodes.")
    ] = None,
    account: Annotated[str, typer.Option(help="Account created on first start.")] = "main",
    demo: Annotated[
        bool, typer.Option(help="Deploy the demo service (production and staging) once.")
    ] = False,
) -> None:
    """Run the platform: workers listener, API and dashboard, on one machine.

    The first start creates the account and prints its admin token once
    (set HEARTH_BOOTSTRAP_TOKEN to choose it, for automation).
    """
    from ..edge._server import run
    from ..server import Settings
    from ..server import serve as serve_node

    settings = Settings(
        data_dir=data_dir,
        database=database,
        listen=_address(listen, "0.0.0.0"),
        admin_listen=_address(admin_listen, "127.0.0.1"),
        domain=domain,
        account=account,
    )
    run(serve_node(settings, demo=demo))
