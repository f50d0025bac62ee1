"""`hearth routes list|add|delete`: the account's route patterns."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Annotated

import typer

from ._client import Api, connect, seg
from ._errors import CliError
from ._output import Json, err, out, show, table

if TYPE_CHECKING:
    from ..config import Route

__all__ = ["routes", "sync_routes"]

routes = typer.Typer(help="Routes of the account: list, add, delete.", no_args_is_help=True)


@routes.command("list", epilog="Example: hearth routes list --json")
def list_routes(as_json: Json = False) -> None:
    """Every route pattern and what it leads to."""
    items = connect().items("/routes")
    columns = [
        ("PATTERN", lambda r: r["pattern"]),
        ("SERVICE", lambda r: r["service"] or "(hole)"),
        ("ENVIRONMENT", lambda r: r["environment"]),
        ("ID", lambda r: r["id"]),
    ]
    show(items, as_json, lambda: table(items, columns, empty="no routes"))


@routes.command("add", epilog="Example: hearth routes add 'shop.example.com/api/*' --service api")
def add_route(
    pattern: Annotated[
        str, typer.Argument(help="[scheme://]host[/path], '*' as host prefix or path suffix.")
    ],
    service: Annotated[
        str | None, typer.Option("--service", "-s", help="Target service (none: a hole).")
    ] = None,
    env: Annotated[
        str | None, typer.Option("--env", "-e", help="Target environment (default: production).")
    ] = None,
) -> None:
    """Send requests matching a pattern to an environment (or, without --service, carve a hole)."""
    body = {"pattern": pattern, "service": service, "environment": env}
    route = connect().post("/routes", {k: v for k, v in body.items() if v is not None})
    target = (
        f"{route['service']} ({route['environment']})" if route["service"] else "nothing (a hole)"
    )
    out.print(f"Route {route['pattern']} → {target} ({route['id']})")


@routes.command("delete", epilog="Example: hearth routes delete 'shop.example.com/api/*'")
def delete_route(
    route: Annotated[str, typer.Argument(help="The route's id or its pattern.")],
) -> None:
    """Remove a route."""
    api = connect()
    matches = [r for r in api.items("/routes") if route in (r["id"], r["pattern"])]
    if not matches:
        raise CliError(f"no route {route!r} (hearth routes list shows them)")
    api.delete(f"/routes/{seg(matches[0]['id'])}")
    out.print(f"Deleted route {matches[0]['pattern']}")


def sync_routes(api: Api, service: str, environment: str, wanted: Sequence[Route]) -> None:
    """`hearth deploy`: add the config's routes and custom domains that are missing. One that
    leads elsewhere is left alone with a warning (moving traffic is `hearth routes`'s job);
    routes missing from the config are kept, as other tools may have made them."""
    existing = {r["pattern"]: r for r in api.items("/routes")}
    domains = (
        {d["hostname"]: d for d in api.items("/domains")}
        if any(r.custom_domain for r in wanted)
        else {}
    )
    for route in wanted:
        if route.custom_domain:
            kind, found = "custom domain", domains.get(route.pattern)
            path, body = "/domains", {"hostname": route.pattern}
        else:
            kind, found = "route", existing.get(route.pattern)
            path, body = "/routes", {"pattern": route.pattern}
        if found is not None:
            if (found["service"], found["environment"]) != (service, environment):
                err.print(
                    f"warning: {kind} {route.pattern} leads to {found['service']} "
                    f"({found['environment']}); left as it is"
                )
            continue
        try:
            api.post(path, body | {"service": service, "environment": environment})
        except CliError as error:
            if error.code not in ("route_exists", "domain_exists"):
                raise
            err.print(f"warning: {error}; left as it is")
            continue
        err.print(f"Added {kind} {route.pattern}")
