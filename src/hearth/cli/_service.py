"""Commands a wrangler user reaches for on the project's service: `hearth delete`, `hearth
triggers list|set|deploy` (its environment's crons) and `hearth pipeline show|set` (the order
`hearth promote ENV` follows)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

import typer

from ._client import connect, seg
from ._errors import CliError
from ._output import Json, err, out, show, table
from ._prompts import Yes, confirm
from ._target import ConfigPath, Env, Name, load_project, resolve

__all__ = ["delete", "pipeline", "triggers"]

triggers = typer.Typer(
    help="Cron triggers of an environment: list, set, deploy.", no_args_is_help=True
)
_NO_PIPELINE = "no pipeline: set one with hearth pipeline set staging production"
pipeline = typer.Typer(
    help="The promotion pipeline: the order hearth promote ENV follows.", no_args_is_help=True
)


def delete(name: Name = None, yes: Yes = False, config: ConfigPath = Path(".")) -> None:
    """Delete the project's service with all its environments and versions (wrangler delete)."""
    service = resolve(name, None, config).service
    confirm(f"Delete service {service} with all its environments and versions?", yes)
    connect().delete(f"/services/{seg(service)}")
    out.print(f"Deleted service {service}")
    err.print("Its KV namespaces are kept (hearth kv namespace delete removes one).")


def _at(ms: int | None) -> str:
    return datetime.fromtimestamp(ms / 1000, UTC).strftime("%Y-%m-%d %H:%M UTC") if ms else ""


@triggers.command("list", epilog="Example: hearth triggers list --env staging")
def list_triggers(
    name: Name = None, env: Env = None, as_json: Json = False, config: ConfigPath = Path(".")
) -> None:
    """The environment's crons with their last and next firing."""
    target = resolve(name, env, config)
    found = connect().get(f"{target.path}/triggers")
    columns = [
        ("CRON", lambda s: s["cron"]),
        ("NEXT", lambda s: _at(s["next_scheduled_time"])),
        ("LAST", lambda s: _at(s["last_scheduled_time"])),
    ]
    schedules = found["schedules"]
    show(found, as_json, lambda: table(schedules, columns, empty=f"{target} has no crons"))


@triggers.command("set", epilog="Example: hearth triggers set '*/5 * * * *' '0 3 * * MON'")
def set_triggers(
    crons: Annotated[list[str] | None, typer.Argument(help="Cron expressions (UTC).")] = None,
    clear: Annotated[bool, typer.Option("--clear", help="Remove every cron.")] = False,
    name: Name = None,
    env: Env = None,
    config: ConfigPath = Path("."),
) -> None:
    """Replace the environment's crons (--clear removes them all)."""
    if bool(crons) == clear:
        raise CliError("give the crons to set, or --clear to remove them all")
    _put_crons(resolve(name, env, config).path, list(crons or []))


@triggers.command("deploy", epilog="Example: hearth triggers deploy --env staging")
def deploy_triggers(env: Env = None, config: ConfigPath = Path(".")) -> None:
    """Set the crons of the config's [triggers] without deploying code (wrangler's)."""
    project = load_project(config, env)
    _put_crons(resolve(None, env, config).path, list(project.crons))


def _put_crons(path: str, crons: list[str]) -> None:
    found = connect().put(f"{path}/triggers", {"crons": crons})
    if not found["crons"]:
        out.print("No crons: the scheduled handler no longer fires")
    for schedule in found["schedules"]:
        out.print(f"{schedule['cron']}  next {_at(schedule['next_scheduled_time']) or '-'}")


@pipeline.command("show", epilog="Example: hearth pipeline show --json")
def show_pipeline(name: Name = None, as_json: Json = False, config: ConfigPath = Path(".")) -> None:
    """The environments in promotion order."""
    service = resolve(name, None, config).service
    found: dict[str, Any] = connect().get(f"/services/{seg(service)}/pipeline")
    stages = found["environments"]
    show(found, as_json, lambda: out.print(" → ".join(stages) if stages else _NO_PIPELINE))


@pipeline.command("set", epilog="Example: hearth pipeline set dev staging production")
def set_pipeline(
    environments: Annotated[list[str], typer.Argument(help="Environments, first to last.")],
    name: Name = None,
    config: ConfigPath = Path("."),
) -> None:
    """Set the order: hearth promote ENV then deploys ENV's version to the next one."""
    service = resolve(name, None, config).service
    found = connect().put(f"/services/{seg(service)}/pipeline", {"environments": environments})
    out.print(f"Pipeline of {service}: {' → '.join(found['environments'])}")
