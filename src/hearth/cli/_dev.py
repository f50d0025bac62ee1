"""`hearth dev [DIR]` / `hearth dev -c A -c B`: run worker projects locally, reload on save."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ._errors import CliError


def dev(
    path: Annotated[Path, typer.Argument(help="Project directory or wrangler config file.")] = Path(
        "."
    ),
    env: Annotated[
        str | None, typer.Option("--env", "-e", help="Environment (\\[env.NAME] block) to run.")
    ] = None,
    config: Annotated[
        list[str] | None,
        typer.Option(
            "--config",
            "-c",
            help="A project (directory or wrangler config) to run, repeatable: the first is "
            "served, the others are reached through service bindings. PATH@ENV picks its "
            "environment.",
        ),
    ] = None,
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8787,
    ip: Annotated[str, typer.Option(help="Address to listen on.")] = "localhost",
    persist_to: Annotated[
        Path | None,
        typer.Option(help="Directory for local KV data (default: .hearth/ in the project)."),
    ] = None,
    test_scheduled: Annotated[
        bool,
        typer.Option(
            "--test-scheduled",
            help="Also fire the scheduled handler at /__scheduled?cron=… (wrangler's old path; "
            "/cdn-cgi/handler/scheduled always works).",
        ),
    ] = False,
    log_requests: Annotated[
        bool,
        typer.Option("--log-requests/--no-log-requests", help="Print each request and its logs."),
    ] = True,
) -> None:
    """Serve a worker (several with -c) on localhost; reload each when its files change."""
    from ..config import ConfigError, find_config
    from ..dev import DevError, DevServer
    from ..edge import run

    paths = [_project_path(c) for c in config] if config else [path.resolve()]
    for project in paths:  # a project that is not there stops the command, as in wrangler
        try:
            find_config(project[0] if isinstance(project, tuple) else project)
        except ConfigError as error:
            raise CliError(str(error)) from None
    server = DevServer(
        paths,
        env=env,
        host=ip,
        port=port,
        log_requests=log_requests,
        persist_to=persist_to,
        test_scheduled=test_scheduled,
    )
    try:
        run(server.serve())
    except DevError as error:
        raise CliError(str(error)) from None


def _project_path(value: str) -> Path | tuple[Path, str | None]:
    """`auth/wrangler.toml` or `auth@staging` (an `@` after the last `/` names the env)."""
    head, at, env = value.rpartition("@")
    if at and env and "/" not in env and not Path(value).exists():
        return (Path(head).resolve(), env)
    return Path(value).resolve()
