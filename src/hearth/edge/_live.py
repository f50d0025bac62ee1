"""What the edge serves right now, in memory: hostnames and routes → environments →
deployments → loaded versions. Changed only by change events from the control plane.

A change is applied in two steps: first every version the new state needs is loaded into the
runtime, then one assignment flips the environment (or one table call adds the hostname), so a
request sees either the old configuration or the new one, never half of each, and a deployed
version never takes its first request cold.
"""

from __future__ import annotations

import asyncio
import logging
import re
import weakref
from collections.abc import Awaitable, Callable
from typing import Any

from ..control import CustomDomainView, EnvironmentView, RouteView, RoutingSnapshot, VersionView
from ..fetch import Response
from ..patterns import request_host
from ..runtime import Runtime, VersionSpec
from ._app import EdgeApp, Scope
from ._deployments import DeployedVersion, LiveDeployment
from ._routing import RoutingTable

log = logging.getLogger("hearth.edge")

#: Turns a stored version into something the runtime can load (bundle on disk, bindings).
PrepareVersion = Callable[[VersionView, EnvironmentView], Awaitable[VersionSpec]]
#: Reads one version of the store, for preview hostnames of versions that are not deployed.
ReadVersion = Callable[[str], Awaitable[VersionView | None]]
#: Reads one environment of the store as it is now; None once it is deleted.
ReadEnvironment = Callable[[str], Awaitable[EnvironmentView | None]]

_PREVIEW = re.compile(r"v(\d+)\.(.+)")


class LiveEnvironment:
    """One environment as the edge serves it; `deployment` is swapped whole on a change.
    `previewed` holds the versions loaded for its preview hostnames only."""

    __slots__ = ("view", "deployment", "previewed")

    def __init__(self, view: EnvironmentView, deployment: LiveDeployment | None) -> None:
        self.view = view
        self.deployment = deployment
        self.previewed: set[str] = set()


def environment_hostname(view: EnvironmentView, domain: str) -> str:
    base = f"{view.service}.{view.account_subdomain}.{domain}"
    return base if view.environment == "production" else f"{view.environment}.{base}"


class LiveEdge:
    """The edge of `hearth serve`: an `EdgeApp` whose resolver reads this in-memory state."""

    def __init__(
        self, runtime: Runtime, domain: str, prepare: PrepareVersion, read_version: ReadVersion
    ) -> None:
        self.runtime = runtime
        self.domain = domain.lower()
        self.table = RoutingTable()
        self.environments: dict[str, LiveEnvironment] = {}
        # (account id, service, environment) → environment: what service bindings resolve
        self.by_name: dict[tuple[str, str, str], LiveEnvironment] = {}
        self._hostnames: dict[str, str] = {}  # environment id → its generated hostname
        self._preview_bases: dict[str, LiveEnvironment] = {}  # "<env>.<service>…" → env
        self._custom_domains: dict[str, str] = {}  # domain id → hostname
        # One change at a time per environment: a change that loads a cold version must not
        # land after a later one that loaded nothing (a deploy, then a rollback at once).
        # Weak: a lock lives as long as a change holds or awaits it.
        self._locks: weakref.WeakValueDictionary[str, asyncio.Lock] = weakref.WeakValueDictionary()
        self._prepare = prepare
        self._read_version = read_version
        self.app = EdgeApp(runtime, self.resolve)

    # -- serving -------------------------------------------------------------------------

    def resolve(self, scope: Scope) -> str | Response | Awaitable[str | Response]:
        raw_host = b""
        for name, value in scope["headers"]:
            if name == b"host":
                raw_host = value
                break
        match = self.table.lookup(
            scope["scheme"],
            raw_host,
            scope.get("raw_path") or scope["path"].encode(),
            scope["query_string"],
        )
        if match is not None:
            # The table holds no other kind (an annotation, not `cast`: no call per request).
            live: LiveEnvironment | None = match.target  # type: ignore[assignment]
            if live is not None:
                deployment = live.deployment
                if deployment is not None:
                    return deployment.pick(scope["headers"])
                return _not_found(raw_host.decode("latin-1"))
        host = raw_host.decode("latin-1")
        if match is None:
            preview = _PREVIEW.fullmatch(request_host(host) or "")
            if preview is not None:
                environment = self._preview_bases.get(preview.group(2))
                if environment is not None:
                    return self._preview(environment, int(preview.group(1)), host)
        return _not_found(host)

    async def _preview(
        self, environment: LiveEnvironment, number: int, host: str
    ) -> str | Response:
        """A version's own hostname: loaded on first request unless it is deployed already."""
        version_id = environment.view.version_ids.get(number)
        if version_id is None:
            return _not_found(host)
        if not self.runtime.is_loaded(version_id):
            version = await self._read_version(version_id)
            if version is None:
                return _not_found(host)
            await self.runtime.load(await self._prepare(version, environment.view))
            if self.environments.get(environment.view.environment_id) is not environment:
                await self._unload_unless_served(version_id)  # removed while it loaded
                return _not_found(host)
            environment.previewed.add(version_id)
        return version_id

    # -- applying changes ------------------------------------------------------------------

    async def apply_snapshot(self, snapshot: RoutingSnapshot) -> None:
        # Register every environment before loading any: a version's service bindings check
        # that their targets exist while it loads.
        for view in snapshot.environments:
            if view.environment_id not in self.environments:
                live = self.environments[view.environment_id] = LiveEnvironment(view, None)
                self.by_name[_name_key(view)] = live
        for view in snapshot.environments:
            try:
                await self.apply_environment(view)
            except Exception:  # one broken environment must not keep the others offline
                log.exception("environment %s could not be loaded", view.environment_id)
        for route in snapshot.routes:
            self.apply_route(route)
        for domain in snapshot.custom_domains:
            self.apply_custom_domain(domain)

    def _lock(self, environment_id: str) -> asyncio.Lock:
        lock = self._locks.get(environment_id)
        if lock is None:
            lock = self._locks[environment_id] = asyncio.Lock()
        return lock

    async def refresh(self, environment_id: str, read: ReadEnvironment) -> EnvironmentView | None:
        """Bring one environment up to the store's state: read and applied under the
        environment's lock, so changes land in the order they were committed."""
        async with self._lock(environment_id):
            view = await read(environment_id)
            if view is None:
                await self._remove_environment(environment_id)
            else:
                await self._apply_environment(view)
            return view

    async def apply_environment(self, view: EnvironmentView) -> None:
        """Load what the environment's deployment needs, then flip it live."""
        async with self._lock(view.environment_id):
            await self._apply_environment(view)

    async def _apply_environment(self, view: EnvironmentView) -> None:
        deployment = None
        if view.deployment_id is not None:
            for version in view.deployed.values():
                if not self.runtime.is_loaded(version.id):
                    await self.runtime.load(await self._prepare(version, view))
            deployment = LiveDeployment(
                view.deployment_id,
                view.service,
                tuple(
                    DeployedVersion(vid, view.deployed[vid].number, pct) for vid, pct in view.split
                ),
            )
        live = self.environments.get(view.environment_id)
        if live is None:
            live = self.environments[view.environment_id] = LiveEnvironment(view, deployment)
            retired: set[str] = set()
        else:
            retired = set(live.view.deployed) - set(view.deployed)
            live.previewed -= set(view.deployed)  # deployed now: unloaded when retired
            self.by_name.pop(_name_key(live.view), None)  # a rename changes the key
            live.view, live.deployment = view, deployment
        self.by_name[_name_key(view)] = live
        self._set_hostnames(live)
        for version_id in retired:  # no request can pick them any more
            await self.runtime.unload(version_id)

    def note_version(self, environment_id: str, number: int, version_id: str) -> None:
        """A new version answers at its preview hostname; nothing else changes."""
        live = self.environments.get(environment_id)
        if live is not None:
            live.view.version_ids[number] = version_id

    async def remove_environment(self, environment_id: str) -> None:
        async with self._lock(environment_id):
            await self._remove_environment(environment_id)

    async def _remove_environment(self, environment_id: str) -> None:
        live = self.environments.pop(environment_id, None)
        if live is None:
            return
        live.deployment = None  # routes still pointing here now answer 404
        if self.by_name.get(_name_key(live.view)) is live:
            del self.by_name[_name_key(live.view)]
        self._drop_hostnames(environment_id)
        # Its code would otherwise stay loaded for the life of the process.
        for version_id in set(live.view.deployed) | live.previewed:
            await self._unload_unless_served(version_id)

    async def _unload_unless_served(self, version_id: str) -> None:
        for live in self.environments.values():
            if version_id in live.view.deployed or version_id in live.previewed:
                return
        await self.runtime.unload(version_id)

    def apply_route(self, route: RouteView, removed: bool = False) -> None:
        if removed:
            self.table.remove_route(route.id)
            return
        target = None
        if route.environment_id is not None:
            target = self.environments.get(route.environment_id)
            if target is None or target.view.private:  # the control plane refuses these too
                return
        self.table.add_route(route.id, route.pattern, target)

    def apply_custom_domain(self, domain: CustomDomainView, removed: bool = False) -> None:
        old = self._custom_domains.pop(domain.id, None)
        if old is not None:
            self.table.remove_hostname(old)
        target = self.environments.get(domain.environment_id)
        if removed or target is None or target.view.private:
            return
        self._custom_domains[domain.id] = self.table.set_hostname(
            domain.hostname, target, custom_domain=True
        )

    def preview_version(self, host: str) -> str | None:
        """The version a canonical preview hostname `v<N>.<env>.<service>…` serves, if any
        (what a TLS proxy may get a certificate for; see `_ask`)."""
        preview = _PREVIEW.fullmatch(host)
        environment = self._preview_bases.get(preview.group(2)) if preview else None
        if preview is None or environment is None:
            return None
        return environment.view.version_ids.get(int(preview.group(1)))

    def _set_hostnames(self, live: LiveEnvironment) -> None:
        # A private environment is reached only through bindings: no hostname, no previews;
        # wrangler's workers_dev and preview_urls switch each kind off on its own.
        view = live.view
        hostname = environment_hostname(view, self.domain)
        served = not view.private and view.workers_dev
        previews = not view.private and view.preview_urls
        if not served or self._hostnames.get(view.environment_id) != hostname:
            self._drop_hostnames(view.environment_id)
        elif not previews:
            self._drop_previews(view.environment_id)
        if served:
            self._hostnames[view.environment_id] = self.table.set_hostname(hostname, live)
        if previews:
            base = f"{view.environment}.{view.service}.{view.account_subdomain}.{self.domain}"
            self._preview_bases[base] = live

    def _drop_hostnames(self, environment_id: str) -> None:
        hostname = self._hostnames.pop(environment_id, None)
        if hostname is not None:
            self.table.remove_hostname(hostname)
        self._drop_previews(environment_id)

    def _drop_previews(self, environment_id: str) -> None:
        for base, live in list(self._preview_bases.items()):
            if live.view.environment_id == environment_id:
                del self._preview_bases[base]


def _name_key(view: EnvironmentView) -> tuple[str, str, str]:
    return (view.account_id, view.service, view.environment)


def _not_found(host: str) -> Response:
    return Response(f"No worker is served at {host or 'this host'}\n", status=404)


def describe(edge: LiveEdge) -> dict[str, Any]:
    """A summary for health checks and logs."""
    return {
        "environments": len(edge.environments),
        "hostnames": edge.table.hostname_count,
        "routes": edge.table.route_count,
    }
