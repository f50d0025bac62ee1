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

from ..bindings import binding_rules, build_env
from ..bindings.durable_objects import DurableObjectManager, current_version
from ..bindings.kv import KVStore, open_kv_store
from ..control import (
    MIN_TOKEN_LENGTH,
    ControlError,
    ControlPlane,
    EventBus,
    canonical_domain,
    environment_runtime_view,
    snapshot_routing,
    version_runtime_view,
)
from ..edge import HEADER_TIMEOUT, MAX_HEADER_BYTES, LiveEdge, LiveEnvironment, follow_changes
from ..fetch import aclose_client
from ..runtime import InProcessRuntime
from ..store import KEY_FILE_ENV, Store, open_store
from ..triggers import NodeCrons
from ._versions import BundleFolders, VersionLoader

log = logging.getLogger("hearth.server")

BOOTSTRAP_TOKEN_ENV = "HEARTH_BOOTSTRAP_TOKEN"
DATABASE_URL_ENV = "HEARTH_DATABASE_URL"  # `hearth serve --database`'s variable
#: The server's own variables: read at start, then taken out of the process environment, so
#: that no worker code running in (or started from) this process finds them in `os.environ`.
SERVER_ENVIRONMENT = (BOOTSTRAP_TOKEN_ENV, DATABASE_URL_ENV, KEY_FILE_ENV)


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
    max_header_bytes: int = MAX_HEADER_BYTES  # a larger request head: 431, on both listeners
    header_timeout: float = HEADER_TIMEOUT  # seconds to send a request head, then 408
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
        for name in SERVER_ENVIRONMENT:  # all read by now: the token, the URL, the key file
            os.environ.pop(name, None)
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
            store,
            self.bus,
            validate_version=loader.validate,
            domain=settings.domain,
            binding_rules=binding_rules(),
        )
        self.edge = LiveEdge(
            self.runtime,
            settings.domain,
            loader.prepare,
            lambda version_id: version_runtime_view(store, version_id),
        )
        self.edge.app.on_shutdown.append(aclose_client)
        await self.edge.apply_snapshot(await snapshot_routing(store))
        # The edge follows every committed change from now on (its handlers: edge/_follow.py).
        read_environment = lambda id_: environment_runtime_view(store, id_)  # noqa: E731
        self.bus.subscribe(follow_changes(self.edge, read_environment))
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
        # An operator token: an admin of this account that can also open accounts for others.
        token = await accounts.issue_token(name, token_name, "operator", value=value)
        log.info("admin token issued", extra={"account": name, "token": token_name})
        return Bootstrap(name, token.value)
