"""`hearth versions …`, `hearth deployments …`, `hearth rollback` and `hearth promote`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from ._client import connect, seg
from ._deploy import Message, upload
from ._errors import CliError
from ._output import Json, out, show, table, when
from ._prompts import Yes, confirm
from ._target import ConfigPath, Env, Name, resolve

__all__ = ["deployments", "promote", "rollback", "versions"]

versions = typer.Typer(
    help="Versions of an environment: list, view, upload, deploy.", no_args_is_help=True
)
deployments = typer.Typer(help="Deployments of an environment: list, status.", no_args_is_help=True)

Limit = Annotated[int, typer.Option(min=1, help="At most this many, newest first.")]


def _split(row: dict[str, Any]) -> str:
    return ", ".join(f"v{v['version_number']}@{v['percentage']:g}%" for v in row["versions"])


def _print_deployment(deployment: dict[str, Any]) -> None:
    out.print(f"deployment {deployment['number']} ({deployment['id']})")
    out.print(f"  serving   {_split(deployment)}")
    out.print(
        f"  created   {when(deployment['created_at'])} by {deployment['author']} ({deployment['triggered_by']})"
    )
    if deployment.get("message"):
        out.print(f"  message   {deployment['message']}")


@versions.command("list", epilog="Example: hearth versions list --env staging --json")
def list_versions(
    name: Name = None,
    env: Env = None,
    limit: Limit = 20,
    as_json: Json = False,
    config: ConfigPath = Path("."),
) -> None:
    """The versions of an environment, newest first."""
    target = resolve(name, env, config)
    items = connect().items(f"{target.path}/versions", limit=limit)
    columns = [
        ("VERSION", lambda v: v["number"]),
        ("CREATED", lambda v: when(v["created_at"])),
        ("AUTHOR", lambda v: v["author"]),
        ("SOURCE", lambda v: v["triggered_by"]),
        ("TAG", lambda v: v["tag"]),
        ("MESSAGE", lambda v: v["message"]),
        ("ID", lambda v: v["id"]),
    ]
    show(items, as_json, lambda: table(items, columns, empty=f"{target} has no versions"))


@versions.command("view", epilog="Example: hearth versions view 3 --env staging")
def view_version(
    version: Annotated[str, typer.Argument(help="Version number or id.")],
    name: Name = None,
    env: Env = None,
    as_json: Json = False,
    config: ConfigPath = Path("."),
) -> None:
    """One version: its code, settings and URL."""
    target = resolve(name, env, config)
    found = connect().get(f"{target.path}/versions/{seg(version)}")

    def human() -> None:
        for key in (
            "number",
            "id",
            "created_at",
            "author",
            "triggered_by",
            "message",
            "tag",
            "git_commit",
            "promoted_from",
            "main_module",
            "compatibility_date",
            "bundle_digest",
            "startup_time_ms",
            "preview_url",
        ):
            if found.get(key) is not None:
                out.print(f"{key:<19} {found[key]}")
        if found["compatibility_flags"]:
            out.print(f"{'compatibility_flags':<19} {', '.join(found['compatibility_flags'])}")
        for var, value in found["vars"].items():
            out.print(f"{'var':<19} {var} = {value!r}")
        for secret in found["secrets"]:
            out.print(f"{'secret':<19} {secret}")
        for binding in found["bindings"]:
            extra = ", ".join(f"{k}={v}" for k, v in binding.items() if k not in ("type", "name"))
            out.print(
                f"{'binding':<19} {binding['name']} ({binding['type']}{': ' + extra if extra else ''})"
            )

    show(found, as_json, human)


versions.command("upload", epilog="Example: hearth versions upload --env staging --tag v2")(upload)


def _parse_split(spec: str) -> dict[str, Any]:
    """`3@90` → version 3 at 90 %; `3` alone → 100 %."""
    version, at, percentage = spec.partition("@")
    try:
        value = float(percentage) if at else 100.0
    except ValueError:
        raise CliError(f"{spec!r}: give VERSION@PERCENTAGE, e.g. 3@90") from None
    if not version:
        raise CliError(f"{spec!r}: give VERSION@PERCENTAGE, e.g. 3@90")
    return {"version_id": int(version) if version.isdigit() else version, "percentage": value}


@versions.command("deploy", epilog="Example: hearth versions deploy 4@10 3@90 -m 'canary'")
def deploy_versions(
    splits: Annotated[
        list[str], typer.Argument(help="VERSION@PERCENTAGE, once or twice (adding up to 100).")
    ],
    name: Name = None,
    env: Env = None,
    message: Message = None,
    config: ConfigPath = Path("."),
) -> None:
    """Deploy one version at 100 %, or split traffic between two (gradual deployment)."""
    target = resolve(name, env, config)
    body = {"versions": [_parse_split(s) for s in splits], "message": message}
    deployment = connect().post(f"{target.path}/deployments", body)
    out.print(f"Deployed {target}: {_split(deployment)} (deployment {deployment['number']})")


@deployments.command("list", epilog="Example: hearth deployments list --env staging --json")
def list_deployments(
    name: Name = None,
    env: Env = None,
    limit: Limit = 20,
    as_json: Json = False,
    config: ConfigPath = Path("."),
) -> None:
    """The deployments of an environment, newest (current) first."""
    target = resolve(name, env, config)
    items = connect().items(f"{target.path}/deployments", limit=limit)
    columns = [
        ("DEPLOYMENT", lambda d: d["number"]),
        ("CREATED", lambda d: when(d["created_at"])),
        ("AUTHOR", lambda d: d["author"]),
        ("SOURCE", lambda d: d["triggered_by"]),
        ("VERSIONS", _split),
        ("MESSAGE", lambda d: d["message"]),
    ]
    show(items, as_json, lambda: table(items, columns, empty=f"{target} has no deployments"))


@deployments.command("status", epilog="Example: hearth deployments status --env production")
def deployment_status(
    name: Name = None, env: Env = None, as_json: Json = False, config: ConfigPath = Path(".")
) -> None:
    """What serves the environment now."""
    target = resolve(name, env, config)
    current = connect().get(f"{target.path}/deployments/current")
    show(current, as_json, lambda: _print_deployment(current))


def rollback(
    version: Annotated[
        str | None, typer.Argument(help="Version number or id (default: the previous one).")
    ] = None,
    name: Name = None,
    env: Env = None,
    message: Message = None,
    yes: Yes = False,
    config: ConfigPath = Path("."),
) -> None:
    """Deploy an earlier version at 100 % (default: the one deployed before the current)."""
    target = resolve(name, env, config)
    which = f"version {version}" if version else "the previously deployed version"
    confirm(f"Roll back {target} to {which}?", yes)
    body: dict[str, Any] = {"message": message}
    if version is not None:
        body["version"] = int(version) if version.isdigit() else version
    deployment = connect().post(f"{target.path}/rollback", body)
    out.print(
        f"Rolled back {target}: now serving {_split(deployment)} (deployment {deployment['number']})"
    )


def promote(
    source: Annotated[str, typer.Argument(metavar="FROM_ENV", help="The environment to promote.")],
    to: Annotated[
        str | None,
        typer.Argument(
            metavar="[TO_ENV]",
            help="The receiving environment (default: the next stage of the pipeline).",
        ),
    ] = None,
    with_config: Annotated[
        bool,
        typer.Option("--with-config", help="Take the source's vars, secrets and bindings too."),
    ] = False,
    name: Name = None,
    message: Message = None,
    config: ConfigPath = Path("."),
) -> None:
    """Copy an environment's current version into another one and deploy it there."""
    target = resolve(name, None, config)
    body: dict[str, Any] = {"with_config": with_config, "message": message}
    if to is None:
        body["environment"] = source
    else:
        body |= {"from": source, "to": to}
    try:
        change = connect().post(f"/services/{seg(target.service)}/promote", body)
    except CliError as error:
        if error.code == "no_pipeline":
            raise CliError(
                f"service {target.service!r} has no promotion pipeline: set one with hearth "
                f"pipeline set {source} production, or name the target: hearth promote "
                f"{source} TO_ENV"
            ) from None
        if error.code == "not_in_pipeline":
            raise CliError(f"{error} (hearth pipeline show lists it)") from None
        raise
    version = change["version"]
    receiving = version["environment"]
    out.print(f"Promoted {source} to {receiving} of {target.service}: version {version['number']}")
    if with_config:
        out.print(f"  carried: {source}'s code, vars, secrets and bindings")
    else:
        out.print(f"  carried: {source}'s code")
        out.print(
            f"  kept: {receiving}'s own vars, secrets and bindings "
            f"(--with-config carries {source}'s)"
        )
    if version["preview_url"]:
        out.print(f"  version URL: {version['preview_url']}")
