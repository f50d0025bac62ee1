"""`hearth serve`: the platform on one machine."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ._errors import CliError


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
        str | None,
        typer.Option(
            help="postgresql://… to share one database between nodes.",
            envvar="HEARTH_DATABASE_URL",  # hearth.server.DATABASE_URL_ENV, not imported here
        ),
    ] = None,
    account: Annotated[str, typer.Option(help="Account created on first start.")] = "main",
    demo: Annotated[
        bool, typer.Option(help="Deploy the demo service (production and staging) once.")
    ] = False,
    tls_cert: Annotated[
        Path | None,
        typer.Option(
            help="Serve workers over HTTPS with this PEM certificate (chain).", exists=True
        ),
    ] = None,
    tls_key: Annotated[
        Path | None, typer.Option(help="The PEM private key of --tls-cert.", exists=True)
    ] = None,
    http_redirect: Annotated[
        int | None,
        typer.Option(help="With --tls-cert: listen for HTTP on this port, redirect to HTTPS."),
    ] = None,
    new_admin_token: Annotated[
        bool, typer.Option(help="Issue another admin token for --account and print it once.")
    ] = False,
    log_format: Annotated[
        str,
        typer.Option(help="Platform logs on stderr: human (a terminal), json, or auto."),
    ] = "auto",
    public_url: Annotated[
        str | None,
        typer.Option(
            help="Scheme and port of the URLs the API shows (behind a TLS proxy: https://DOMAIN)."
        ),
    ] = None,
    max_header_kb: Annotated[
        int,
        typer.Option(help="Request line and headers past this many KB: 431.", min=1),
    ] = 128,
    header_timeout: Annotated[
        float,
        typer.Option(help="Seconds a client may take to send its request headers: then 408."),
    ] = 10.0,
) -> None:
    """Run the platform: workers listener, API and dashboard, on one machine.

    The first start creates the account and prints its admin token once
    (set HEARTH_BOOTSTRAP_TOKEN, at least 32 characters, to choose it, for automation);
    --new-admin-token issues another one when it is lost.
    """
    from ..edge import run
    from ..server import LOG_FORMATS, Settings, Tls, bootstrap_token
    from ..server import serve as serve_node

    if log_format not in LOG_FORMATS:
        raise typer.BadParameter(f"--log-format {log_format!r}: one of {', '.join(LOG_FORMATS)}")
    try:
        bootstrap_token()  # before anything is created
    except ValueError as error:
        raise CliError(str(error)) from None

    if (tls_cert is None) != (tls_key is None):
        raise typer.BadParameter("--tls-cert and --tls-key go together")
    if http_redirect is not None and tls_cert is None:
        raise typer.BadParameter("--http-redirect needs --tls-cert and --tls-key")
    if public_url is not None and not public_url.startswith(("http://", "https://")):
        raise typer.BadParameter(f"--public-url {public_url!r}: give http://… or https://…")
    tls = Tls(tls_cert, tls_key, http_redirect) if tls_cert and tls_key else None
    if tls is not None:
        try:
            tls.check()
        except ValueError as error:
            raise typer.BadParameter(str(error)) from None

    settings = Settings(
        data_dir=data_dir,
        database=database,
        listen=_address(listen, "0.0.0.0"),
        admin_listen=_address(admin_listen, "127.0.0.1"),
        domain=domain,
        account=account,
        new_admin_token=new_admin_token,
        max_header_bytes=max_header_kb * 1024,
        header_timeout=header_timeout,
    )
    run(serve_node(settings, demo=demo, tls=tls, public_url=public_url, log_format=log_format))
