"""`hearth env …` (environments of a service) and `hearth services …`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from ._client import connect, seg
from ._output import Json, err, out, show, table, when
from ._prompts import Yes, confirm
from ._target import ConfigPath, Name, resolve

__all__ = ["environments", "services"]

environments = typer.Typer(
    help="Environments of a service: list, create, rename, delete.", no_args_is_help=True
)
services = typer.Typer(help="Services of the account: list, delete.", no_args_is_help=True)

EnvName = Annotated[str, typer.Argument(help="Environment name.")]


def _serving(env: dict[str, Any]) -> str:
    deployment = env.get("deployment")
    if not deployment:
        return ""
    return ", ".join(f"v{v['version_number']}@{v['percentage']:g}%" for v in deployment["versions"])


@environments.command("list", epilog="Example: hearth env list --name my-worker")
def list_environments(
    name: Name = None, as_json: Json = False, config: ConfigPath = Path(".")
) -> None:
    """The service's environments: production first."""
    service = resolve(name, None, config).service
    api = connect()
    items = api.items(f"/services/{seg(service)}/environments")
    # The list leaves out what serves each one; one request each is fine for a handful.
    for item in items:
        item["deployment"] = api.get(f"/services/{seg(service)}/environments/{seg(item['name'])}")[
            "deployment"
        ]
    columns = [
        ("ENVIRONMENT", lambda e: e["name"]),
        ("URL", lambda e: e["url"] or "(private)"),
        ("SERVING", _serving),
        ("CREATED", lambda e: when(e["created_at"])),
    ]
    show(items, as_json, lambda: table(items, columns, empty=f"{service} has no environments"))


@environments.command("create", epilog="Example: hearth env create staging --from production")
def create_environment(
    env: EnvName,
    source: Annotated[
        str | None,
        typer.Option(
            "--from", help="Clone this environment's current version, vars, bindings and secrets."
        ),
    ] = None,
    name: Name = None,
    config: ConfigPath = Path("."),
) -> None:
    """An empty environment, or a clone of another one (deployed at once)."""
    service = resolve(name, None, config).service
    body = {"name": env} if source is None else {"name": env, "from": source}
    created = connect().post(f"/services/{seg(service)}/environments", body)
    origin = f" from {source}" if source else ""
    out.print(f"Created environment {env} of {service}{origin}: {created['url'] or '(private)'}")


@environments.command("rename", epilog="Example: hearth env rename staging preview")
def rename_environment(
    old: EnvName, new: EnvName, name: Name = None, config: ConfigPath = Path(".")
) -> None:
    """Rename a preview environment; its URL follows."""
    service = resolve(name, None, config).service
    renamed = connect().patch(f"/services/{seg(service)}/environments/{seg(old)}", {"name": new})
    out.print(f"Renamed environment {old} of {service} to {new}: {renamed['url'] or '(private)'}")


@environments.command("delete", epilog="Example: hearth env delete staging --yes")
def delete_environment(
    env: EnvName, name: Name = None, yes: Yes = False, config: ConfigPath = Path(".")
) -> None:
    """Delete a preview environment with its versions, deployments and routes."""
    service = resolve(name, None, config).service
    confirm(f"Delete environment {env} of {service} and all its versions?", yes)
    connect().delete(f"/services/{seg(service)}/environments/{seg(env)}")
    out.print(f"Deleted environment {env} of {service}")


@services.command("list", epilog="Example: hearth services list --json")
def list_services(as_json: Json = False) -> None:
    """The account's services."""
    items = connect().items("/services")
    columns = [
        ("SERVICE", lambda s: s["name"]),
        ("URL", lambda s: s["url"] or "(private)"),
        ("ENVIRONMENTS", lambda s: ", ".join(e["name"] for e in s["environments"])),
        ("CREATED", lambda s: when(s["created_at"])),
    ]
    show(
        items,
        as_json,
        lambda: table(items, columns, empty="no services yet: hearth deploy makes one"),
    )


@services.command("delete", epilog="Example: hearth services delete my-worker --yes")
def delete_service(
    service: Annotated[str, typer.Argument(help="The service to delete.")], yes: Yes = False
) -> None:
    """Delete a service with all its environments, versions, routes and domains."""
    confirm(f"Delete service {service} with all its environments and versions?", yes)
    connect().delete(f"/services/{seg(service)}")
    out.print(f"Deleted service {service}")
    err.print("Its KV namespaces are kept (hearth kv namespace delete removes one).")
