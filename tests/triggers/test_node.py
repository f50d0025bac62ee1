"""Cron triggers on a real `hearth serve` node (SQLite and PostgreSQL): the scheduler fires each
environment's current deployment on schedule, and the API fires one by hand. The node's clock
runs a minute per real second, so `* * * * *` fires every second."""

from __future__ import annotations

import asyncio
import time
from dataclasses import replace
from datetime import timedelta
from typing import Any

import pytest

from hearth.edge._server import free_port
from hearth.runtime import TraceEvent
from hearth.server import Node
from hearth.triggers import FastClock
from tests.triggers.conftest import (
    FETCH_ONLY_WORKER,
    LEGACY_SCHEDULED_WORKER,
    SCHEDULED_WORKER,
    NodeApi,
)

FIRE = "/services/svc/environments/{}/triggers/scheduled"
TRIGGERS = "/services/svc/environments/{}/triggers"


def fast(node_api: NodeApi) -> None:
    node_api.platform.node.crons.scheduler.clock = FastClock(60)


async def wait_for_traces(
    node_api: NodeApi, predicate, timeout: float = 10.0
) -> list[dict[str, Any]]:
    deadline = time.monotonic() + timeout
    while True:
        traces = node_api.scheduled_traces()
        if predicate(traces):
            return traces
        assert time.monotonic() < deadline, f"timed out; scheduled traces so far: {traces}"
        await asyncio.sleep(0.05)


def of(traces: list[dict[str, Any]], cron: str, environment: str = "production") -> list[dict]:
    return [t for t in traces if t["event"]["cron"] == cron and t["environment"] == environment]


async def test_the_node_fires_a_cron_on_schedule_with_cron_and_scheduled_time(
    node_api: NodeApi,
) -> None:
    fast(node_api)
    await node_api.deploy("svc", {"entry.py": SCHEDULED_WORKER})
    response = await node_api.client.put(
        TRIGGERS.format("production"), json={"crons": ["* * * * *"]}
    )
    assert response.status_code == 200, response.text

    traces = await wait_for_traces(node_api, lambda ts: len(ts) >= 2)
    first, second = traces[:2]
    assert first["outcome"] == "ok" and first["scriptName"] == "svc"
    assert set(first["event"]) == {"cron", "scheduledTime"}  # Cloudflare's tail shape
    assert first["event"]["cron"] == "* * * * *"
    scheduled = first["event"]["scheduledTime"]
    assert scheduled % 60_000 == 0  # on the minute, in the node's clock
    assert second["event"]["scheduledTime"] == scheduled + 60_000
    assert [log["message"] for log in first["logs"]] == [[f"cron=* * * * * time={scheduled}"]]

    # The API shows the last firing (claimed in the store) and the next one.
    shown = (await node_api.client.get(TRIGGERS.format("production"))).json()["schedules"][0]
    assert shown["last_scheduled_time"] >= scheduled
    assert shown["next_scheduled_time"] > shown["last_scheduled_time"]


async def test_an_exception_in_scheduled_is_traced_and_the_scheduler_goes_on(
    node_api: NodeApi,
) -> None:
    """`*/1 * * * *` makes the worker raise; it is reported with outcome `exception`, and it
    and the other cron keep firing."""
    fast(node_api)
    await node_api.deploy("svc", {"entry.py": SCHEDULED_WORKER})
    await node_api.client.put(
        TRIGGERS.format("production"), json={"crons": ["*/1 * * * *", "* * * * *"]}
    )
    traces = await wait_for_traces(
        node_api, lambda ts: len(of(ts, "*/1 * * * *")) >= 2 and len(of(ts, "* * * * *")) >= 2
    )
    failed = of(traces, "*/1 * * * *")
    assert {t["outcome"] for t in failed} == {"exception"}
    assert failed[0]["exceptions"][0]["name"] == "ValueError"
    assert failed[0]["exceptions"][0]["message"] == "this cron is unlucky"
    assert {t["outcome"] for t in of(traces, "* * * * *")} == {"ok"}


async def test_firing_by_hand_through_the_api(node_api: NodeApi) -> None:
    await node_api.deploy("svc", {"entry.py": SCHEDULED_WORKER})
    ok = await node_api.client.post(
        FIRE.format("production"), params={"cron": "0 3 * * MON", "time": 1_700_000_000_000}
    )
    assert ok.status_code == 200, ok.text
    body = ok.json()
    assert (body["outcome"], body["cron"], body["scheduledTime"]) == (
        "ok",
        "0 3 * * MON",
        1_700_000_000_000,
    )
    assert body["noRetry"] is False and body["error"] is None and body["version_id"]
    trace = node_api.scheduled_traces()[-1]
    assert trace["event"] == {"cron": "0 3 * * MON", "scheduledTime": 1_700_000_000_000}
    assert trace["scriptVersion"]["id"] == body["version_id"]

    failed = await node_api.client.post(FIRE.format("production"), params={"cron": "*/1 * * * *"})
    assert failed.status_code == 200
    assert failed.json()["outcome"] == "exception"
    assert failed.json()["error"] == "ValueError: this cron is unlucky"
    assert failed.json()["noRetry"] is True  # the handler called controller.noRetry()
    assert node_api.scheduled_traces()[-1]["outcome"] == "exception"

    # Without ?cron= the environment's first cron is fired.
    await node_api.client.put(TRIGGERS.format("production"), json={"crons": ["*/15 * * * *"]})
    default = await node_api.client.post(FIRE.format("production"))
    assert default.json()["cron"] == "*/15 * * * *"


async def test_a_worker_without_a_scheduled_handler_gives_a_clear_error(
    node_api: NodeApi,
) -> None:
    fast(node_api)
    await node_api.deploy("svc", {"entry.py": FETCH_ONLY_WORKER})
    fire = await node_api.client.post(FIRE.format("production"), params={"cron": "* * * * *"})
    assert fire.status_code == 409
    error = fire.json()["error"]
    assert error["code"] == "no_scheduled_handler"
    assert error["message"] == (
        "the deployed version has no scheduled handler: "
        "Handler does not export a scheduled() function."
    )
    # On schedule, the same error is in the trace (and the node keeps running).
    await node_api.client.put(TRIGGERS.format("production"), json={"crons": ["* * * * *"]})
    traces = await wait_for_traces(node_api, lambda ts: len(ts) >= 2)
    assert traces[-1]["outcome"] == "exception"
    assert "does not export a scheduled() function" in traces[-1]["exceptions"][0]["message"]
    page = await node_api.platform.get(node_api.platform.host("svc"))
    assert page.text == "fetched"


async def test_module_level_on_scheduled_of_older_compatibility_dates(node_api: NodeApi) -> None:
    await node_api.deploy(
        "svc", {"entry.py": LEGACY_SCHEDULED_WORKER}, compatibility_date="2025-01-01"
    )
    fire = await node_api.client.post(
        FIRE.format("production"), params={"cron": "* * * * *", "time": 60_000}
    )
    assert fire.json()["outcome"] == "ok", fire.text
    assert node_api.scheduled_traces()[-1]["logs"][0]["message"] == [
        "legacy * * * * * 60000 scheduled"
    ]


async def test_nothing_deployed_nothing_fired(node_api: NodeApi) -> None:
    plane, admin = node_api.platform.plane, node_api.platform.admin
    await plane.services.create(admin, "svc")
    fire = await node_api.client.post(FIRE.format("production"), params={"cron": "* * * * *"})
    assert fire.status_code == 409 and fire.json()["error"]["code"] == "not_deployed"


async def test_a_clone_fires_its_copied_crons_and_a_deleted_environment_stops(
    node_api: NodeApi,
) -> None:
    fast(node_api)
    await node_api.deploy("svc", {"entry.py": SCHEDULED_WORKER})
    plane, admin = node_api.platform.plane, node_api.platform.admin
    await plane.triggers.set(admin, "svc", "production", ["* * * * *"])
    staging = await plane.environments.clone(admin, "svc", "production", "staging")
    scheduler = node_api.platform.node.crons.scheduler
    assert list(scheduler.next_fire(staging.id)) == ["* * * * *"]
    await wait_for_traces(node_api, lambda ts: len(of(ts, "* * * * *", "staging")) >= 1)

    await plane.environments.delete(admin, "svc", "staging")
    assert scheduler.next_fire(staging.id) == {}


async def test_each_firing_is_claimed_once_so_nodes_sharing_a_database_run_it_once(
    node_api: NodeApi,
) -> None:
    await node_api.deploy("svc", {"entry.py": SCHEDULED_WORKER})
    plane, admin = node_api.platform.plane, node_api.platform.admin
    await plane.triggers.set(admin, "svc", "production", ["0 * * * *"])
    env = await plane.environments.get(admin, "svc", "production")
    assert await plane.triggers.claim(env.id, "0 * * * *", 3_600_000) is True
    assert await plane.triggers.claim(env.id, "0 * * * *", 3_600_000) is False  # the other node
    assert await plane.triggers.claim(env.id, "0 * * * *", 7_200_000) is True  # the next hour
    assert await plane.triggers.claim(env.id, "5 * * * *", 7_200_000) is False  # not a trigger


async def test_two_nodes_sharing_postgresql_run_each_firing_once(
    node_api: NodeApi, database_url: str | None
) -> None:
    """A second node on the same database schedules the same cron, its clock a quarter of a
    real second ahead: it claims each minute first, and the first node, which has the cron
    scheduled too, runs none of those again."""
    if database_url is None:
        pytest.skip("several nodes share a PostgreSQL database, not a SQLite file")
    first = node_api.platform.node
    first.crons.scheduler.clock = FastClock(60)
    await node_api.deploy("svc", {"entry.py": SCHEDULED_WORKER})
    await node_api.client.put(TRIGGERS.format("production"), json={"crons": ["* * * * *"]})
    env = await node_api.platform.plane.environments.get(
        node_api.platform.admin, "svc", "production"
    )

    second = Node(replace(first.settings, listen=("127.0.0.1", free_port())))
    ahead = first.crons.scheduler.clock.now() + timedelta(seconds=15)
    second.crons.scheduler.clock = FastClock(60, ahead)
    await second.start()
    on_second: list[TraceEvent] = []
    second.runtime.trace_bus.subscribe(on_second.append)
    try:
        assert list(second.crons.scheduler.next_fire(env.id)) == ["* * * * *"]
        assert list(first.crons.scheduler.next_fire(env.id)) == ["* * * * *"]
        await asyncio.sleep(3.5)  # three and a half scheduled minutes
    finally:
        await second.stop()
    second_times = [t.event.scheduled_time for t in on_second if t.kind == "scheduled"]
    times = [t["event"]["scheduledTime"] for t in node_api.scheduled_traces()] + second_times
    assert len(second_times) >= 2
    assert len(times) == len(set(times))  # no minute ran twice
