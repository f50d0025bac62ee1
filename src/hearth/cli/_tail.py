"""`hearth tail`: follow an environment's live logs (built on `hearth.tail`)."""

from __future__ import annotations

import asyncio
import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from ._errors import CliError
from ._output import err
from ._settings import load_login
from ._target import ConfigPath, Env, Name, resolve

__all__ = ["tail"]


class Format(StrEnum):
    pretty = "pretty"
    json = "json"


def tail(
    name: Name = None,
    env: Env = None,
    version: Annotated[str | None, typer.Option(help="Only this version (number or id).")] = None,
    format: Annotated[
        Format, typer.Option("--format", "-f", help="pretty, or json: one event per line.")
    ] = Format.pretty,
    status: Annotated[
        list[str] | None, typer.Option(help="ok, error or canceled (repeatable).")
    ] = None,
    method: Annotated[list[str] | None, typer.Option(help="GET, POST… (repeatable).")] = None,
    header: Annotated[str | None, typer.Option(help="NAME (present) or NAME:VALUE.")] = None,
    search: Annotated[
        str | None, typer.Option(help="Text to find in the logs and exceptions.")
    ] = None,
    sampling_rate: Annotated[
        float, typer.Option(help="Fraction of events to show, 0 < rate ≤ 1.")
    ] = 1.0,
    config: ConfigPath = Path("."),
) -> None:
    """Stream an environment's requests, logs and exceptions as they happen (Ctrl-C stops)."""
    from ..tail import TailError, TailFilters, follow, format_pretty

    if not 0 < sampling_rate <= 1:
        raise CliError(f"--sampling-rate {sampling_rate}: give a number above 0, at most 1")
    target = resolve(name, env, config)
    login = load_login()
    filters = TailFilters(
        status=tuple(s.lower() for s in status or ()),
        method=tuple(m.upper() for m in method or ()),
        header=header,
        search=search,
        sampling_rate=sampling_rate,
    )

    async def run() -> None:
        events = follow(
            login.url,
            login.token,
            target.service,
            target.environment,
            version=version,
            filters=filters,
            on_notice=lambda text: err.print(text),
        )
        async for event in events:
            line = (
                json.dumps(event, ensure_ascii=False)
                if format is Format.json
                else format_pretty(event)
            )
            sys.stdout.write(line + "\n")
            sys.stdout.flush()  # a pipe (`| jq`, a test) sees each event at once

    err.print(f"Tailing {target} (Ctrl-C to stop)")
    try:
        asyncio.run(run())
    except TailError as error:
        raise CliError(str(error)) from None
    except KeyboardInterrupt:
        pass
