"""Asking the user: confirmation of destructive commands (`--yes`, or a question on a
terminal) and secret values (a hidden prompt, or stdin when piped; never echoed)."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from ._errors import CliError

__all__ = ["Yes", "confirm", "read_secret"]

Yes = Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")]


def confirm(question: str, yes: bool) -> None:
    if yes:
        return
    if not sys.stdin.isatty():
        raise CliError(f"{question.rstrip('?')}: refused without --yes (not a terminal to ask on)")
    if not typer.confirm(question, default=False):
        raise CliError("cancelled")


def read_secret(prompt: str) -> str:
    """A hidden prompt on a terminal; otherwise stdin (`echo $T | hearth login …`)."""
    if sys.stdin.isatty():
        value = typer.prompt(prompt, hide_input=True)
    else:
        value = sys.stdin.read()
    # One trailing newline is how `echo` ends a value; it is never part of it.
    value = value.removesuffix("\n").removesuffix("\r")
    if not value:
        raise CliError(f"{prompt} is empty")  # as asked: `Value of API_KEY`, case kept
    return value
