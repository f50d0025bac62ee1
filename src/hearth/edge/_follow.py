"""How the edge follows the control plane: one handler per kind of change event.

The control plane publishes a typed event for every committed change and awaits its
subscribers, so a deploy is live when its API call returns. Events the edge does not show
(tokens, a new account) have no handler here.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from ..control import (
    AccountChanged,
    CustomDomainChanged,
    CustomDomainView,
    DeploymentChanged,
    EnvironmentCreated,
    EnvironmentDeleted,
    EnvironmentRenamed,
    Event,
    RouteChanged,
    RouteView,
    ServiceChanged,
    ServiceCreated,
    ServiceDeleted,
    VersionCreated,
)
from ._live import LiveEdge, ReadEnvironment

log = logging.getLogger("hearth.edge")

Follower = Callable[[Event], Awaitable[None]]


def follow_changes(edge: LiveEdge, read: ReadEnvironment) -> Follower:
    """The bus subscriber that brings `edge` up to date with one committed change; `read`
    gives an environment's current view from the store."""

    async def refresh(environment_ids: tuple[str, ...]) -> None:
        for environment_id in environment_ids:
            view = await edge.refresh(environment_id, read)
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

    async def removed(environment_ids: tuple[str, ...]) -> None:
        for environment_id in environment_ids:
            await edge.remove_environment(environment_id)

    async def on_environment(event: Any) -> None:  # its deployment, name or existence
        await refresh((event.environment_id,))

    async def on_version(event: VersionCreated) -> None:  # its preview hostname exists now
        edge.note_version(event.environment_id, event.number, event.version_id)

    async def on_environment_deleted(event: EnvironmentDeleted) -> None:
        await removed((event.environment_id,))

    async def on_service_deleted(event: ServiceDeleted) -> None:
        await removed(event.environment_ids)

    async def on_service(event: ServiceCreated | ServiceChanged) -> None:
        # A new service's production environment exists from now on, deployed or not: a
        # service binding to it (its own first version binding itself, say) must find it.
        await refresh(event.environment_ids)

    async def on_account(event: AccountChanged) -> None:  # disabled: its views are None
        await refresh(event.environment_ids)

    async def on_route(event: RouteChanged) -> None:
        route = RouteView(event.route_id, event.account, event.pattern, event.environment_id)
        edge.apply_route(route, removed=event.removed)

    async def on_custom_domain(event: CustomDomainChanged) -> None:
        domain = CustomDomainView(
            event.domain_id, event.account, event.hostname, event.environment_id
        )
        edge.apply_custom_domain(domain, removed=event.removed)

    handlers: dict[type[Event], Callable[[Any], Awaitable[None]]] = {
        DeploymentChanged: on_environment,
        EnvironmentCreated: on_environment,
        EnvironmentRenamed: on_environment,
        VersionCreated: on_version,
        EnvironmentDeleted: on_environment_deleted,
        ServiceCreated: on_service,
        ServiceChanged: on_service,
        ServiceDeleted: on_service_deleted,
        AccountChanged: on_account,
        RouteChanged: on_route,
        CustomDomainChanged: on_custom_domain,
    }

    async def apply(event: Event) -> None:
        handler = handlers.get(type(event))
        if handler is not None:
            await handler(event)

    return apply
