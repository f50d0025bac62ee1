"""What makes a worker run besides bindings: routes (`route` / `routes`) and cron triggers."""

from __future__ import annotations

from . import fields as f
from ._environments import Scope
from ._locate import KeyPath
from ._model import Route
from ._source import Source


def read_routes(src: Source, scope: Scope) -> list[Route]:
    route = scope.get("route")
    routes = scope.get("routes")
    if route is not None and routes is not None:
        raise src.error(routes[1], 'use either "route" or "routes", not both')
    if route is not None:
        return [_route(src, *route)]
    if routes is not None:
        value, path = routes
        return [_route(src, item, (*path, i)) for i, item in enumerate(f.array(src, value, path))]
    return []


def read_crons(src: Source, value: object, path: KeyPath) -> list[str]:
    triggers = f.table(src, value, path)
    f.warn_unknown(src, triggers, path, ("crons",))
    crons = f.optional(src, triggers, "crons", path, f.string_list) or []
    from ..patterns import InvalidCron, parse_cron  # croniter, only for configs with crons

    for i, cron in enumerate(crons):
        try:
            parse_cron(cron)  # Cloudflare's syntax: five fields, 1 = Sunday, L, W, #
        except InvalidCron as error:
            raise src.error((*path, "crons", i), str(error)) from None
    return crons


def _route(src: Source, value: object, path: KeyPath) -> Route:
    if isinstance(value, str):
        route, pattern_path = Route(pattern=value), path
    else:
        entry = f.table(src, value, path)
        f.warn_unknown(src, entry, path, ("pattern", "zone_name", "zone_id", "custom_domain"))
        route = Route(
            pattern=f.required(src, entry, "pattern", path, f.string),
            zone_name=f.optional(src, entry, "zone_name", path, f.non_empty_string),
            custom_domain=f.optional(src, entry, "custom_domain", path, f.boolean) or False,
        )
        pattern_path = (*path, "pattern")
    problem = _pattern_problem(route.pattern, route.custom_domain)
    if problem:
        raise src.error(pattern_path, f"invalid route {route.pattern!r}: {problem}")
    return route


def _pattern_problem(pattern: str, custom_domain: bool) -> str | None:
    """Cloudflare's pattern rules: `[scheme://]host[/path]`, `*` only as a host prefix or a
    path suffix, no query string; a custom domain is a bare hostname."""
    if custom_domain:
        if not pattern or any(c in pattern for c in "*/:?"):
            return "a custom domain is a hostname, without scheme, path or wildcard"
        return None
    rest = pattern
    if "://" in rest:
        scheme, _, rest = rest.partition("://")
        if scheme not in ("http", "https"):
            return "the scheme can only be http:// or https://"
    host, _, path = rest.partition("/")
    if not host:
        return "a hostname is required"
    if "*" in host[1:]:
        return "'*' is allowed only at the start of the hostname"
    if "*" in path[:-1]:
        return "'*' is allowed only at the end of the path"
    if "?" in rest:
        return "a route cannot match a query string"
    return None
