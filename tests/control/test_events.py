"""Change events: every mutation announces itself, after commit, in a JSON-ready shape."""

from __future__ import annotations

import pytest

from hearth.control import (
    Conflict,
    ControlPlane,
    CustomDomainChanged,
    DeploymentChanged,
    EnvironmentCreated,
    EnvironmentRenamed,
    Event,
    EventBus,
    Principal,
    RouteChanged,
    ServiceCreated,
    ServiceDeleted,
    VersionCreated,
    environment_runtime_view,
    event_from_json,
    event_to_json,
)


def kinds(events: list[Event]) -> list[str]:
    return [type(e).__name__ for e in events]


async def test_each_mutation_publishes_its_events(
    plane: ControlPlane, admin: Principal, events: list[Event], upload
) -> None:
    events.clear()
    version = await upload(deploy=True)
    assert kinds(events) == ["VersionCreated", "DeploymentChanged"]
    created, deployed = events
    assert isinstance(created, VersionCreated) and isinstance(deployed, DeploymentChanged)
    assert (created.account, created.service, created.environment, created.number) == (
        admin.account.id,
        "api",
        "production",
        1,
    )
    assert created.version_id == version.id
    assert deployed.environment_id == created.environment_id

    events.clear()
    await plane.environments.clone(admin, "api", "production", "staging")
    assert kinds(events) == ["EnvironmentCreated", "VersionCreated", "DeploymentChanged"]
    await plane.environments.rename(admin, "api", "staging", "qa")
    assert isinstance(events[-1], EnvironmentRenamed) and events[-1].old_name == "staging"
    await plane.routes.add(admin, "example.com/*", "api", "qa")
    await plane.routes.add_domain(admin, "qa.example.com", "api", "qa")
    events.clear()
    await plane.environments.delete(admin, "api", "qa")
    assert kinds(events) == ["RouteChanged", "CustomDomainChanged", "EnvironmentDeleted"]
    assert all(e.removed for e in events[:2])  # type: ignore[attr-defined]
    events.clear()
    await plane.services.create(admin, "web")
    await plane.services.delete(admin, "web")
    assert [type(e) for e in events] == [ServiceCreated, ServiceDeleted]


async def test_a_failed_operation_publishes_nothing(
    plane: ControlPlane, admin: Principal, events: list[Event]
) -> None:
    events.clear()
    with pytest.raises(Conflict):
        await plane.environments.create(admin, "api", "production")
    assert events == []


@pytest.mark.parametrize(
    "event",
    [
        EnvironmentCreated("acct", "api", "staging", "env-id"),
        ServiceDeleted("acct", "api", ("e1", "e2")),
        RouteChanged("acct", "r1", "example.com/*", None),
        CustomDomainChanged("acct", "d1", "shop.example.com", "e1", removed=True),
    ],
)
def test_events_round_trip_through_json_for_listen_notify(event: Event) -> None:
    assert event_from_json(event_to_json(event)) == event


async def test_subscribers_have_applied_a_change_when_the_operation_returns(
    plane: ControlPlane, admin: Principal, upload
) -> None:
    served: dict[str, list] = {}

    async def edge(event: Event) -> None:
        # What the edge does: read the environment's new state before the deploy call returns.
        if isinstance(event, DeploymentChanged):
            view = await environment_runtime_view(plane.store, event.environment_id)
            served[event.environment] = view.split

    plane.bus.subscribe(edge)
    version = await upload(deploy=True)
    assert served == {"production": [(version.id, 100.0)]}


async def test_a_failing_subscriber_does_not_stop_the_others() -> None:
    bus = EventBus()
    seen: list[Event] = []

    def broken(event: Event) -> None:
        raise RuntimeError("subscriber bug")

    bus.subscribe(broken)
    unsubscribe = bus.subscribe(seen.append)
    event = ServiceCreated("acct", "api", ("env-1",))
    await bus.publish(event)
    unsubscribe()
    await bus.publish(event)
    assert seen == [event]
