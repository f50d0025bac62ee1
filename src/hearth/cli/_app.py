"""`hearth` top-level command; each sub-command lives in its own module."""

from __future__ import annotations

import typer

from ._dev import dev
from ._serve import serve

app = typer.Typer(
    name="hearth",
    help="Hearth: a self-hosted platform for Workers Services in Python.",
    no_args_is_help=True,
    rich_markup_mode="rich",
)


@app.callback()
def _root() -> None:
    """Hearth: a self-hosted platform for Workers Services in Python."""


app.command(
    epilog="Example: [bold]hearth dev examples/hello --port 8787[/]",
)(dev)

app.command(
    epilog="Example: [bold]hearth serve --domain example.test --listen 0.0.0.0:80[/]",
)(serve)


def main() -> None:
    app()
