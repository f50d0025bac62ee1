"""Routes and custom domains of an account.

A route is a pattern (`[scheme://]host[/path]`, Cloudflare's rules, parsed by the edge's
`parse_route_pattern`) bound to an environment, or to nothing: a hole in less specific routes.
A custom domain is an exact hostname bound to an environment. Each pattern (compared in its
canonical form, so `Example.com/*` and `example.com/*` are one) and each hostname can be bound
once per account.
"""

from __future__ import annotations

import builtins
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from ..store.tables import custom_domains, environments, routes, services
from ._accounts import Principal, require_write
from ._context import Context, find_environment, new_id, now
from ._errors import Conflict, Invalid, NotFound
from ._events import CustomDomainChanged, Event, RouteChanged

__all__ = ["CustomDomain", "Route", "Routes"]

PATTERN_MAX = 1024  # the width of the routes table's pattern columns


@dataclass(slots=True)
class Route:
    id: str
    pattern: str  # as written
    service: str | None  # None with environment None: a hole
    environment: str | None
    created_at: datetime


@dataclass(slots=True)
class CustomDomain:
    id: str
    hostname: str  # canonical: lower-case, IDNA
    service: str
    environment: str
    created_at: datetime


class Routes:
    def __init__(self, ctx: Context) -> None:
        self._ctx = ctx

    # -- routes -------------------------------------------------------------------------------

    async def list(self, principal: Principal) -> builtins.list[Route]:
        query = (
            _with_target(sa.select(routes, *_TARGET), routes.c.environment_id)
            .where(routes.c.account_id == principal.account.id)
            .order_by(routes.c.canonical)
        )
        async with self._ctx.store.read() as conn:
            rows = await conn.execute(query)
        return [Route(r.id, r.pattern, r.service, r.environment, r.created_at) for r in rows]

    async def add(
        self,
        principal: Principal,
        pattern: str,
        service: str | None = None,
        environment: str | None = "production",
    ) -> Route:
        """Bind `pattern` to an environment of `service`; without a service, a hole."""
        require_write(principal)
        canonical = self._canonical_pattern(pattern)
        route = Route(new_id(), pattern, service, environment if service else None, now())
        async with self._ctx.store.write() as conn:
            await _lock_hostnames(conn)
            env_id = await self._target(conn, principal, service, environment)
            await _check_hosts_free(conn, principal, _claim(canonical))
            taken = await conn.execute(
                sa.select(routes.c.id).where(
                    routes.c.account_id == principal.account.id, routes.c.canonical == canonical
                )
            )
            if taken.first() is not None:
                raise Conflict(f"route {canonical!r} already exists", code="route_exists")
            await conn.execute(
                routes.insert().values(
                    id=route.id,
                    account_id=principal.account.id,
                    pattern=pattern,
                    canonical=canonical,
                    environment_id=env_id,
                    created_at=route.created_at,
                )
            )
        await self._ctx.publish([RouteChanged(principal.account.id, route.id, pattern, env_id)])
        return route

    async def remove(self, principal: Principal, route_id: str) -> None:
        require_write(principal)
        async with self._ctx.store.write() as conn:
            row = (
                await conn.execute(
                    sa.select(routes.c.pattern).where(
                        routes.c.id == route_id, routes.c.account_id == principal.account.id
                    )
                )
            ).first()
            if row is None:
                raise NotFound(f"route {route_id!r} not found", code="route_not_found")
            await conn.execute(routes.delete().where(routes.c.id == route_id))
        event = RouteChanged(principal.account.id, route_id, row.pattern, None, removed=True)
        await self._ctx.publish([event])

    # -- custom domains -----------------------------------------------------------------------

    async def list_domains(self, principal: Principal) -> builtins.list[CustomDomain]:
        query = (
            _with_target(sa.select(custom_domains, *_TARGET), custom_domains.c.environment_id)
            .where(custom_domains.c.account_id == principal.account.id)
            .order_by(custom_domains.c.hostname)
        )
        async with self._ctx.store.read() as conn:
            rows = await conn.execute(query)
        return [
            CustomDomain(r.id, r.hostname, r.service, r.environment, r.created_at) for r in rows
        ]

    async def add_domain(
        self, principal: Principal, hostname: str, service: str, environment: str = "production"
    ) -> CustomDomain:
        require_write(principal)
        host = self._canonical_host(hostname)
        domain = CustomDomain(new_id(), host, service, environment, now())
        async with self._ctx.store.write() as conn:
            await _lock_hostnames(conn)
            env_id = await self._target(conn, principal, service, environment)
            assert env_id is not None
            await _check_hosts_free(conn, principal, (host, ""))
            taken = await conn.execute(
                sa.select(custom_domains.c.id).where(
                    custom_domains.c.account_id == principal.account.id,
                    custom_domains.c.hostname == host,
                )
            )
            if taken.first() is not None:
                raise Conflict(f"custom domain {host!r} already exists", code="domain_exists")
            await conn.execute(
                custom_domains.insert().values(
                    id=domain.id,
                    account_id=principal.account.id,
                    hostname=host,
                    environment_id=env_id,
                    created_at=domain.created_at,
                )
            )
        event = CustomDomainChanged(principal.account.id, domain.id, host, env_id)
        await self._ctx.publish([event])
        return domain

    async def remove_domain(self, principal: Principal, hostname: str) -> None:
        require_write(principal)
        try:
            host = self._canonical_host(hostname)
        except Invalid:
            host = hostname
        async with self._ctx.store.write() as conn:
            row = (
                await conn.execute(
                    sa.select(custom_domains.c.id, custom_domains.c.environment_id).where(
                        custom_domains.c.account_id == principal.account.id,
                        custom_domains.c.hostname == host,
                    )
                )
            ).first()
            if row is None:
                raise NotFound(f"custom domain {hostname!r} not found", code="domain_not_found")
            await conn.execute(custom_domains.delete().where(custom_domains.c.id == row.id))
        event = CustomDomainChanged(
            principal.account.id, row.id, host, row.environment_id, removed=True
        )
        await self._ctx.publish([event])

    # -- helpers ------------------------------------------------------------------------------

    def _canonical_pattern(self, pattern: str) -> str:
        # Imported here: the edge imports the runtime, which the control plane does not need
        # for anything else.
        from ..patterns import parse_route_pattern

        if not isinstance(pattern, str):
            raise Invalid("a route pattern is a string", code="invalid_route")
        try:
            parsed = parse_route_pattern(pattern)
        except ValueError as error:
            raise Invalid(str(error), code="invalid_route") from None
        if not parsed.host:
            # '*' alone would capture every other account's hosts on a shared platform.
            raise Invalid(
                f"route pattern {pattern!r}: the catch-all host '*' is not allowed",
                code="invalid_route",
            )
        self._check_not_platform(pattern, parsed.host, parsed.host_wildcard)
        if parsed.host_wildcard and "." not in parsed.host:
            # '*com' or '*.com' covers a whole top-level domain: other accounts' hosts, as '*'.
            raise Invalid(
                f"route pattern {pattern!r}: a wildcard over a whole top-level domain is not "
                "allowed",
                code="invalid_route",
            )
        canonical = str(parsed)
        if max(len(pattern), len(canonical)) > PATTERN_MAX:
            raise Invalid(
                f"route pattern {pattern[:40]!r}… is longer than {PATTERN_MAX} characters "
                "(non-ASCII characters of the path count as their percent-encoding)",
                code="invalid_route",
            )
        return canonical

    def _canonical_host(self, hostname: str) -> str:
        from ..patterns import canonical_hostname

        try:
            host = canonical_hostname(hostname)
        except (ValueError, TypeError) as error:
            raise Invalid(f"hostname {hostname!r}: {error}", code="invalid_hostname") from None
        self._check_not_platform(hostname, host)
        return host

    def _check_not_platform(self, what: str, host: str, wildcard: str = "") -> None:
        """Generated hostnames belong to the platform: no route or domain may claim them,
        neither by naming a host under the platform domain nor by a wildcard over a parent
        of it (`*.test` with the domain `hearth.test` would take every account's previews)."""
        domain = self._ctx.domain
        if not domain:
            return
        if host == domain or host.endswith("." + domain):
            raise Invalid(
                f"{what!r} is under the platform domain {domain!r}, whose hostnames are "
                "generated for environments",
                code="reserved_hostname",
            )
        if wildcard and domain.endswith(wildcard[1:] + host):
            raise Invalid(
                f"{what!r} would cover the platform domain {domain!r}, whose hostnames are "
                "generated for environments",
                code="reserved_hostname",
            )

    async def _target(
        self, conn: AsyncConnection, principal: Principal, service: str | None, env: str | None
    ) -> str | None:
        if service is None:
            return None
        if env is None:
            raise Invalid("name the environment the route serves", code="invalid_route")
        ref = await find_environment(conn, principal.account.id, service, env)
        await _refuse_private(conn, ref.environment_id, f"environment {env!r} of {service!r}")
        return ref.environment_id


# A host claim: (canonical host, wildcard) as route patterns spell it ("" for an exact host,
# "*" for the host and its subdomains, "*." for its subdomains only).
HostClaim = tuple[str, str]


def _claim(canonical_pattern: str) -> HostClaim:
    from ..patterns import parse_route_pattern

    parsed = parse_route_pattern(canonical_pattern)
    return (parsed.host, parsed.host_wildcard)


def _overlap(a: HostClaim, b: HostClaim) -> bool:
    """Whether some hostname is covered by both claims (wildcards cover whole labels)."""
    (host_a, wild_a), (host_b, wild_b) = a, b
    if not wild_a and not wild_b:
        return host_a == host_b
    if not wild_a or not wild_b:  # one exact host against one wildcard
        (exact, _), (base, wild) = (a, b) if not wild_a else (b, a)
        return exact.endswith("." + base) or (wild == "*" and exact == base)
    return host_a == host_b or host_a.endswith("." + host_b) or host_b.endswith("." + host_a)


# pg_advisory_xact_lock key: "hosts".
_HOSTNAMES_LOCK = 0x686F737473


async def _lock_hostnames(conn: AsyncConnection) -> None:
    """Claims of hostnames take turns: no unique constraint spans accounts' routes and domains,
    so two accounts checking `_check_hosts_free` at once would both find the host free.
    SQLite's write transactions are serialised already; the lock ends with the transaction."""
    if conn.dialect.name == "postgresql":
        await conn.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": _HOSTNAMES_LOCK})


async def _check_hosts_free(conn: AsyncConnection, principal: Principal, claim: HostClaim) -> None:
    """A hostname is one account's: a route or custom domain may not cover a host that
    another account's routes or domains already cover, or it could take over their traffic."""
    others = [
        _claim(row.canonical)
        for row in await conn.execute(
            sa.select(routes.c.canonical).where(routes.c.account_id != principal.account.id)
        )
    ]
    others += [
        (row.hostname, "")
        for row in await conn.execute(
            sa.select(custom_domains.c.hostname).where(
                custom_domains.c.account_id != principal.account.id
            )
        )
    ]
    if any(_overlap(claim, other) for other in others):
        host = claim[1] + claim[0]
        raise Conflict(f"hostname {host!r} is claimed by another account", code="hostname_taken")


_TARGET = (services.c.name.label("service"), environments.c.name.label("environment"))


def _with_target(query: sa.Select[Any], env_column: sa.Column[Any]) -> sa.Select[Any]:
    return query.outerjoin(environments, environments.c.id == env_column).outerjoin(
        services, services.c.id == environments.c.service_id
    )


async def _refuse_private(conn: AsyncConnection, environment_id: str, what: str) -> None:
    query = (
        sa.select(environments.c.private, services.c.private.label("service_private"))
        .join(services, services.c.id == environments.c.service_id)
        .where(environments.c.id == environment_id)
        # Waits for a concurrent change making the environment or its service private
        # (PostgreSQL; SQLite's write transaction already serialises writers).
        .with_for_update(of=(environments, services))
    )
    row = (await conn.execute(query)).one()
    if row.private or row.service_private:
        raise Conflict(
            f"{what} is private: it is reached only through service bindings, never by a "
            "route or custom domain (make it public first)",
            code="environment_private",
        )


async def refuse_routes(conn: AsyncConnection, environment_ids: Iterable[str], what: str) -> None:
    """Refuse to make environments private while routes or custom domains lead to them:
    nothing is removed behind the user's back, they remove those first."""
    ids = list(environment_ids)
    patterns = [
        r.pattern
        for r in await conn.execute(
            sa.select(routes.c.pattern).where(routes.c.environment_id.in_(ids))
        )
    ]
    patterns += [
        d.hostname
        for d in await conn.execute(
            sa.select(custom_domains.c.hostname).where(custom_domains.c.environment_id.in_(ids))
        )
    ]
    if patterns:
        raise Conflict(
            f"{what} cannot be private while routes or custom domains lead to it "
            f"({', '.join(sorted(patterns))}): remove them first",
            code="environment_has_routes",
            routes=sorted(patterns),
        )


async def removal_events(
    conn: AsyncConnection, environment_ids: Iterable[str]
) -> builtins.list[Event]:
    """Events for the routes and custom domains that deleting these environments removes
    (the foreign keys cascade; the edge still has to hear about each one)."""
    ids = list(environment_ids)
    if not ids:
        return []
    events: list[Event] = []
    for r in await conn.execute(sa.select(routes).where(routes.c.environment_id.in_(ids))):
        events.append(RouteChanged(r.account_id, r.id, r.pattern, None, removed=True))
    query = sa.select(custom_domains).where(custom_domains.c.environment_id.in_(ids))
    for d in await conn.execute(query):
        events.append(
            CustomDomainChanged(d.account_id, d.id, d.hostname, d.environment_id, removed=True)
        )
    return events
