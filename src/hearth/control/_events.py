"""The change-event bus: every control-plane mutation publishes one small event after commit.

Events carry ids and names, not configuration: a subscriber (the edge) reads what it needs
with `environment_runtime_view`. They are plain dataclasses that round-trip through JSON, so
PostgreSQL `LISTEN/NOTIFY` can carry the same events between nodes.
"""

from __future__ import annotations

import dataclasses
import inspect
import json
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

__all__ = [
    "AccountChanged",
    "AccountCreated",
    "CustomDomainChanged",
    "DeploymentChanged",
    "EnvironmentCreated",
    "EnvironmentDeleted",
    "EnvironmentRenamed",
    "Event",
    "EventBus",
    "PipelineChanged",
    "RouteChanged",
    "ServiceChanged",
    "ServiceCreated",
    "ServiceDeleted",
    "TokenRevoked",
    "TriggersChanged",
    "VersionCreated",
    "event_from_json",
    "event_to_json",
]

log = logging.getLogger("hearth.control")


@dataclass(frozen=True, slots=True)
class Event:
    account: str  # account id


@dataclass(frozen=True, slots=True)
class AccountCreated(Event):
    subdomain: str


@dataclass(frozen=True, slots=True)
class AccountChanged(Event):
    """An operator disabled or enabled the account: its environments leave or rejoin the
    edge."""

    disabled: bool
    environment_ids: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class TokenRevoked(Event):
    token: str  # token name


@dataclass(frozen=True, slots=True)
class ServiceCreated(Event):
    service: str
    environment_ids: tuple[str, ...]  # its production environment


@dataclass(frozen=True, slots=True)
class ServiceChanged(Event):
    """A setting of the service (`private`) or of some of its environments (visibility)
    changed: refresh the environments listed."""

    service: str
    environment_ids: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ServiceDeleted(Event):
    service: str
    environment_ids: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class EnvironmentCreated(Event):
    service: str
    environment: str
    environment_id: str


@dataclass(frozen=True, slots=True)
class EnvironmentRenamed(Event):
    service: str
    environment: str  # the new name
    old_name: str
    environment_id: str


@dataclass(frozen=True, slots=True)
class EnvironmentDeleted(Event):
    service: str
    environment: str
    environment_id: str


@dataclass(frozen=True, slots=True)
class VersionCreated(Event):
    service: str
    environment: str
    environment_id: str
    version_id: str
    number: int


@dataclass(frozen=True, slots=True)
class DeploymentChanged(Event):
    service: str
    environment: str
    environment_id: str
    deployment_id: str


@dataclass(frozen=True, slots=True)
class PipelineChanged(Event):
    service: str


@dataclass(frozen=True, slots=True)
class RouteChanged(Event):
    """A route was added, retargeted or removed; `environment_id` None is a hole."""

    route_id: str
    pattern: str
    environment_id: str | None
    removed: bool = False


@dataclass(frozen=True, slots=True)
class CustomDomainChanged(Event):
    domain_id: str
    hostname: str
    environment_id: str
    removed: bool = False


@dataclass(frozen=True, slots=True)
class TriggersChanged(Event):
    """An environment's cron triggers were set (or copied by a clone)."""

    service: str
    environment: str
    environment_id: str


_KINDS: dict[str, type[Event]] = {
    cls.__name__: cls
    for cls in (
        AccountCreated,
        AccountChanged,
        TokenRevoked,
        ServiceCreated,
        ServiceChanged,
        ServiceDeleted,
        EnvironmentCreated,
        EnvironmentRenamed,
        EnvironmentDeleted,
        VersionCreated,
        DeploymentChanged,
        PipelineChanged,
        RouteChanged,
        CustomDomainChanged,
        TriggersChanged,
    )
}


def event_to_json(event: Event) -> str:
    return json.dumps({"type": type(event).__name__, **dataclasses.asdict(event)})


def event_from_json(text: str) -> Event:
    data = json.loads(text)
    cls = _KINDS[data.pop("type")]
    # JSON has no tuples; every sequence field of an event is a tuple.
    fields: dict[str, Any] = {k: tuple(v) if isinstance(v, list) else v for k, v in data.items()}
    return cls(**fields)


Subscriber = Callable[[Event], Awaitable[None] | None]


class EventBus:
    """In-process fan-out. `publish` awaits every subscriber in turn, so when a mutation
    returns, subscribers (the edge loading a new version) have already applied it."""

    def __init__(self) -> None:
        self._subscribers: list[Subscriber] = []

    def subscribe(self, callback: Subscriber) -> Callable[[], None]:
        self._subscribers.append(callback)

        def unsubscribe() -> None:
            if callback in self._subscribers:
                self._subscribers.remove(callback)

        return unsubscribe

    async def publish(self, event: Event) -> None:
        for callback in list(self._subscribers):
            try:
                result = callback(event)
                if inspect.isawaitable(result):
                    await result
            except Exception:
                # The change is committed; one failing subscriber must not hide it from others.
                log.exception("subscriber %r failed on %r", callback, event)

    def __repr__(self) -> str:
        return f"EventBus(subscribers={len(self._subscribers)})"
