"""What every operation shares: the store, the bus, the version validator, scoped look-ups."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Generic, TypeVar

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from ..store import Store
from ..store.tables import environments, services
from ._drafts import ValidateVersion
from ._errors import NotFound
from ._events import Event, EventBus
from ._validation import BindingRules, check_paging


@dataclass(slots=True)
class Context:
    store: Store
    bus: EventBus
    validate_version: ValidateVersion | None = None
    domain: str | None = None  # the platform domain: routes may not claim hosts under it
    binding_rules: BindingRules | None = None  # the binding types, handed in (ControlPlane)

    async def publish(self, events: list[Event]) -> None:
        for event in events:
            await self.bus.publish(event)


T = TypeVar("T")


@dataclass(slots=True)
class Page(Generic[T]):
    """One page of a list, newest first."""

    items: list[T]
    page: int
    per_page: int
    total: int


#: Loads one page of an environment's history: (connection, environment, limit, offset).
LoadPage = Callable[[AsyncConnection, "EnvRef", int, int], Awaitable[list[T]]]


@dataclass(slots=True)
class EnvRef:
    """An environment resolved inside one account."""

    account_id: str
    service_id: str
    service: str
    environment_id: str
    environment: str


def now() -> datetime:
    return datetime.now(UTC)


def new_id() -> str:
    return str(uuid.uuid4())


async def find_service(conn: AsyncConnection, account_id: str, name: str) -> sa.Row[Any]:
    """The service `name` of this account. Another account's service is simply not found."""
    row = (
        await conn.execute(
            sa.select(services).where(services.c.account_id == account_id, services.c.name == name)
        )
    ).first()
    if row is None:
        raise NotFound(f"service {name!r} not found", code="service_not_found")
    return row


async def find_environment(
    conn: AsyncConnection, account_id: str, service: str, environment: str, *, lock: bool = False
) -> EnvRef:
    """Resolve service + environment names. `lock` takes the environment row's lock
    (PostgreSQL `FOR UPDATE`; SQLite's write transaction already serialises writers), so that
    version and deployment numbers are handed out one at a time."""
    svc = await find_service(conn, account_id, service)
    query = sa.select(environments.c.id, environments.c.name).where(
        environments.c.service_id == svc.id, environments.c.name == environment
    )
    if lock:
        query = query.with_for_update()
    row = (await conn.execute(query)).first()
    if row is None:
        raise NotFound(
            f"environment {environment!r} of service {service!r} not found",
            code="environment_not_found",
        )
    return EnvRef(account_id, svc.id, svc.name, row.id, row.name)


async def environment_history(
    ctx: Context,
    account_id: str,
    service: str,
    environment: str,
    table: sa.Table,
    load: LoadPage[T],
    *,
    page: int,
    per_page: int,
) -> Page[T]:
    """One page of an environment's rows of `table` (versions, deployments), newest first:
    the count and the page in one read, so they agree."""
    check_paging(page, per_page)
    async with ctx.store.read() as conn:
        ref = await find_environment(conn, account_id, service, environment)
        count = sa.select(sa.func.count()).select_from(table)
        total = (
            await conn.execute(count.where(table.c.environment_id == ref.environment_id))
        ).scalar_one()
        items = await load(conn, ref, per_page, (page - 1) * per_page)
    return Page(items, page, per_page, total)
