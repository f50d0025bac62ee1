"""`hearth serve`: the whole platform on one machine, in one process.

Composition only: the store, the control plane (the only writer), the runtime, the edge's live
state (changed by the control plane's events, never by polling), the API and the two listeners.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ..bindings import build_env
from ..bindings.durable_objects import DurableObjectManager, current_version
from ..bindings.kv import KVStore, open_kv_store
from ..control import (
    MIN_TOKEN_LENGTH,
    ControlError,
    ControlPlane,
    CustomDomainChanged,
    CustomDomainView,
    DeploymentChanged,
    EnvironmentCreated,
    EnvironmentDeleted,
    EnvironmentRenamed,
    Event,
    EventBus,
    RouteChanged,
    RouteView,
    ServiceChanged,
    ServiceCreated,
    ServiceDeleted,
    VersionCreated,
    canonical_domain,
    environment_runtime_view,
    snapshot_routing,
    version_runtime_view,
)
from ..edge import LiveEdge, LiveEnvironment
from ..fetch import aclose_client
from ..runtime import InProcessRuntime
from ..store import Store, open_store
from ..triggers import NodeCrons
from ._versions import BundleFolders, VersionLoader

log = logging.getLogger("hearth.server")

BOOTSTRAP_TOKEN_ENV = "HEARTH_BOOTSTRAP_TOKEN"


def bootstrap_token() -> str | None:
    """The first admin token's value chosen by `HEARTH_BOOTSTRAP_TOKEN`, checked before
    anything is written: a bad one must not leave an account that no token opens."""
    value = os.environ.get(BOOTSTRAP_TOKEN_ENV) or None
    if value is not None and len(value) < MIN_TOKEN_LENGTH:
        raise ValueError(
            f"{BOOTSTRAP_TOKEN_ENV} must be at least {MIN_TOKEN_LENGTH} characters "
            f"(it has {len(value)})"
        )
    return value


@dataclass(slots=True)
class Settings:
    data_dir: Path = Path(".hearth-data")
    database: str | None = None  # postgresql://… ; None: SQLite in data_dir
    listen: tuple[str, int] = ("0.0.0.0", 8787)
    admin_listen: tuple[str, int] = ("127.0.0.1", 8788)
    domain: str = "localhost"
    account: str = "main"
    new_admin_token: bool = False  # issue another admin token at start (a lost one)
    extra: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        # One spelling for the control plane, the edge and the API: `Hearth.Test.` is
        # `hearth.test`, as request hosts are compared.
        self.domain = canonical_domain(self.domain)


@dataclass(slots=True)
class Bootstrap:
    """What the first start made: shown once, as the token is never stored in clear."""

    account: str
    token: str | None


class Node:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.store: Store | None = None
        self.bus = EventBus()
        self.runtime = InProcessRuntime(build_env, platform=self)
        self.plane: ControlPlane | None = None
        self.edge: LiveEdge | None = None
        self.kv: KVStore | None = None  # what `kv` bindings reach (hearth.bindings.kv)
        # Durable Objects' instances, storage and alarms (hearth.bindings.durable_objects).
        self.durable_objects: DurableObjectManager | None = None
        self.crons = NodeCrons(self)  # cron triggers (hearth.triggers); its clock is settable

    async def start(self) -> Bootstrap:
        settings = self.settings
        token_value = bootstrap_token()
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        self.store = store = await open_store(settings.database, settings.data_dir)
        self.kv = await open_kv_store(settings.database, settings.data_dir)
        self.kv.start_sweeper()
        self.durable_objects = DurableObjectManager(
            settings.data_dir / "durable_objects",
            self.runtime,
            lambda namespace: current_version(self, namespace),
        )
        loader = VersionLoader(
            store, self.runtime, BundleFolders(settings.data_dir / "bundles"), self
        )
        self.plane = ControlPlane(
            store, self.bus, validate_version=loader.validate, domain=settings.domain
        )
        self.edge = LiveEdge(
            self.runtime,
            settings.domain,
            loader.prepare,
            lambda version_id: version_runtime_view(store, version_id),
        )
        self.edge.app.on_shutdown.append(aclose_client)
        await self.edge.apply_snapshot(await snapshot_routing(store))
        self.bus.subscribe(self._apply)
        await self.crons.start()
        self.durable_objects.start()  # alarms fire once the edge's versions are loaded
        return await self._bootstrap(token_value)

    async def stop(self) -> None:
        await self.crons.stop()
        if self.durable_objects is not None:
            await self.durable_objects.stop()
        if self.kv is not None:
            await self.kv.close()
        if self.store is not None:
            await self.store.close()

    # -- the directory service bindings resolve through (hearth.bindings.services) ----------

    def resolve_service(
        self, account: str, service: str, environment: str | None
    ) -> LiveEnvironment | None:
        """The live environment a binding reaches (its `.deployment` is the current one):
        the edge's in-memory table, so a binding call touches no database."""
        if self.edge is None:
            return None
        return self.edge.by_name.get((account, service, environment or "production"))

    def missing_service(self, account: str, service: str, environment: str | None) -> str:
        known = self.edge is not None and any(
            key[0] == account and key[1] == service for key in self.edge.by_name
        )
        if known:
            return f"service {service!r} has no environment {environment or 'production'!r}"
        return f"no service {service!r} in this account"

    async def _bootstrap(self, value: str | None) -> Bootstrap:
        """First start: the account and its first admin token (`value`, else a random one).
        An account left without any token (a start that died half-way) gets one again, and
        `new_admin_token` issues another one: the only way back in for a lost admin token."""
        assert self.plane is not None
        accounts, name = self.plane.accounts, self.settings.account
        try:
            await accounts.get(name)
        except ControlError:
            await accounts.create(name)
        if await accounts.tokens_of(name):
            if not self.settings.new_admin_token:
                return Bootstrap(name, None)
            token_name, value = "admin-" + datetime.now(UTC).strftime("%Y%m%d-%H%M%S"), None
        else:
            token_name = "bootstrap"
        token = await accounts.issue_token(name, token_name, "admin", value=value)
        log.info("admin token issued", extra={"account": name, "token": token_name})
        return Bootstrap(name, token.value)

    async def _apply(self, event: Event) -> None:
        """Bring the edge up to date with one committed change (awaited by the mutation)."""
        assert self.edge is not None and self.store is not None
        edge = self.edge
        if isinstance(event, DeploymentChanged | EnvironmentCreated | EnvironmentRenamed):
            await self._refresh(event.environment_id)
        elif isinstance(event, VersionCreated):  # its preview hostname exists now
            edge.note_version(event.environment_id, event.number, event.version_id)
        elif isinstance(event, EnvironmentDeleted):
            await edge.remove_environment(event.environment_id)
        elif isinstance(event, ServiceDeleted):
            for environment_id in event.environment_ids:
                await edge.remove_environment(environment_id)
        elif isinstance(event, ServiceCreated):
            # Its production environment exists from now on, deployed or not: a service
            # binding to it (the service's own first version binding itself, say) must find it.
            for environment_id in await self._environment_ids(event.account, event.service):
                await self._refresh(environment_id)
        elif isinstance(event, ServiceChanged):
            for environment_id in event.environment_ids:
                await self._refresh(environment_id)
        elif isinstance(event, RouteChanged):
            route = RouteView(event.route_id, event.account, event.pattern, event.environment_id)
            edge.apply_route(route, removed=event.removed)
        elif isinstance(event, CustomDomainChanged):
            domain = CustomDomainView(
                event.domain_id, event.account, event.hostname, event.environment_id
            )
            edge.apply_custom_domain(domain, removed=event.removed)

    async def _environment_ids(self, account_id: str, service: str) -> list[str]:
        import sqlalchemy as sa

        from ..store.tables import environments, services

        assert self.store is not None
        query = (
            sa.select(environments.c.id)
            .join(services, services.c.id == environments.c.service_id)
            .where(services.c.account_id == account_id, services.c.name == service)
        )
        async with self.store.read() as conn:
            return [row.id for row in await conn.execute(query)]

    async def _refresh(self, environment_id: str) -> None:
        assert self.edge is not None and self.store is not None
        store = self.store
        view = await self.edge.refresh(
            environment_id, lambda id_: environment_runtime_view(store, id_)
        )
        if view is None:
            log.info("environment removed", extra={"environment_id": environment_id})
        else:
            log.info(
                "environment live",
                extra={
                    "service": view.service,
                    "environment": view.environment,
                    "deployment_id": view.deployment_id,
                    "split": view.split,
                },
            )
