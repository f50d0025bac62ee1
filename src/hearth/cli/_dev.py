"""`hearth dev [DIR]`: run one worker project locally with reload on save."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer


def dev(
    path: Annotated[Path, typer.Argument(help="Project directory or wrangler config file.")] = Path(
        "."
    ),
    env: Annotated[
        str | None, typer.Option("--env", "-e", help="Environment ([env.NAME] block) to run.")
    ] = None,
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8787,
    ip: Annotated[str, typer.Option(help="Address to listen on.")] = "localhost",
    log_requests: Annotated[
        bool,
        typer.Option("--log-requests/--no-log-requests", help="Print each request and its logs."),
    ] = True,
) -> None:
    """Serve a worker on localhost and reload it when its files change."""
    from ..dev import DevServer
    from ..edge._server import run

    server = DevServer(path.resolve(), env=env, host=ip, port=port, log_requests=log_requests)
    run(server.serve())
