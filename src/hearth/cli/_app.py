"""`hearth` top-level command; each sub-command lives in its own module."""

from __future__ import annotations

import sys
from importlib import metadata
from typing import Annotated, NoReturn

import typer

# Typer carries its own copy of click; its exceptions are what a non-standalone call raises.
from typer._click import exceptions as click

from ._accounts import accounts
from ._deploy import deploy
from ._dev import dev
from ._environments import environments, services
from ._errors import CliError
from ._init import init
from ._kv import kv
from ._kv_bulk import bulk
from ._login import login, logout, whoami
from ._routes import routes
from ._secrets import secrets
from ._serve import serve
from ._service import delete, pipeline, triggers
from ._tail import tail
from ._tokens import tokens
from ._versions import deployments, promote, rollback, versions

app = typer.Typer(
    name="hearth",
    help="Hearth: a self-hosted platform for Workers Services in Python.",
    no_args_is_help=True,
    rich_markup_mode="rich",
)


def _print_version(asked: bool) -> None:
    if asked:
        typer.echo(f"hearth {metadata.version('hearth')}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option(
            "--version", help="Print Hearth's version.", is_eager=True, callback=_print_version
        ),
    ] = False,
) -> None:
    """Hearth: a self-hosted platform for Workers Services in Python."""


app.command(
    epilog="Example: [bold]hearth dev examples/hello --port 8787[/]",
)(dev)

app.command(
    epilog="Example: [bold]hearth serve --domain example.test --listen 0.0.0.0:80[/]",
)(serve)

app.command(epilog="Example: [bold]hearth login[/] (the local server) or [bold]--url URL[/]")(login)
app.command(epilog="Example: [bold]hearth logout[/]")(logout)
app.command(epilog="Example: [bold]hearth whoami --json[/]")(whoami)
app.command(epilog="Example: [bold]hearth init my-worker[/]")(init)
app.command(epilog="Example: [bold]hearth deploy --env staging -m 'new greeting' --tag v2[/]")(
    deploy
)
app.command(epilog="Example: [bold]hearth rollback 3 --env production --yes[/]")(rollback)
app.command(epilog="Example: [bold]hearth delete --yes[/]")(delete)
app.command(
    epilog="Example: [bold]hearth promote staging production[/] or [bold]hearth promote staging[/]"
)(promote)
app.command(epilog="Example: [bold]hearth tail --env staging --status error --format json[/]")(tail)
app.add_typer(versions, name="versions")
app.add_typer(deployments, name="deployments")
app.add_typer(environments, name="env")
app.add_typer(secrets, name="secret")
app.add_typer(routes, name="routes")
app.add_typer(tokens, name="tokens")
app.add_typer(accounts, name="accounts")
app.add_typer(services, name="services")
kv.add_typer(bulk, name="bulk")
app.add_typer(kv, name="kv")
app.add_typer(triggers, name="triggers")
app.add_typer(pipeline, name="pipeline")


def main() -> None:
    try:
        # Not standalone: a usage error reaches us instead of Typer's boxed panel (exit 2),
        # so it reads like every other error: one line on stderr, exit 1 (docs/CLI.md).
        code = app(standalone_mode=False, prog_name="hearth")
    except CliError as error:
        # One line on stderr (after the server's traceback of a version that does not load).
        if error.detail:
            sys.stderr.write(error.detail.rstrip() + "\n")
        _fail(str(error))
    except click.NoArgsIsHelpError as error:  # a bare `hearth` or `hearth kv`: the help
        error.show()
        sys.exit(0)
    except click.UsageError as error:
        command = error.ctx.command_path if error.ctx is not None else "hearth"
        _fail(f"{error.format_message()} (see {command} --help)")
    except click.ClickException as error:
        _fail(error.format_message())
    except (typer.Abort, KeyboardInterrupt):
        _fail("aborted")
    sys.exit(code if isinstance(code, int) else 0)


def _fail(message: str) -> NoReturn:
    sys.stderr.write(f"error: {message}\n")
    sys.exit(1)
