"""`GET/PUT /services/{s}/environments/{e}/triggers` over real HTTP, on SQLite and PostgreSQL:
an environment owns its crons, outside its versions; a clone copies them, a delete removes them."""

from __future__ import annotations

import pytest

from hearth.control import Event, TriggersChanged
from tests.api.conftest import Api, error_of

TRIGGERS = "/services/api/environments/{}/triggers"


@pytest.fixture
async def service(api: Api) -> None:
    assert (await api.admin.post("/services", json={"name": "api"})).status_code == 201
    await api.deployed()


async def put(api: Api, crons: object, environment: str = "production", client=None):
    return await (client or api.admin).put(TRIGGERS.format(environment), json={"crons": crons})


@pytest.mark.usefixtures("service")
async def test_crons_are_set_replaced_and_read_back_in_order(api: Api) -> None:
    empty = await api.admin.get(TRIGGERS.format("production"))
    assert empty.status_code == 200 and empty.json() == {"crons": [], "schedules": []}

    first = await put(api, ["*/5 * * * *", "0 3 * * MON"])
    assert first.status_code == 200, first.text
    assert first.json()["crons"] == ["*/5 * * * *", "0 3 * * MON"]
    created = {s["cron"]: s["created_at"] for s in first.json()["schedules"]}
    assert all(s["last_scheduled_time"] is None for s in first.json()["schedules"])

    # Replacing keeps what stays (with its history), drops the rest, follows the new order.
    second = await put(api, ["59 23 LW * *", "0 3 * * MON"])
    assert second.json()["crons"] == ["59 23 LW * *", "0 3 * * MON"]
    kept = {s["cron"]: s["created_at"] for s in second.json()["schedules"]}
    assert kept["0 3 * * MON"] == created["0 3 * * MON"]
    assert (await api.admin.get(TRIGGERS.format("production"))).json() == second.json()

    cleared = await put(api, [])
    assert cleared.json()["crons"] == []


@pytest.mark.usefixtures("service")
async def test_setting_crons_makes_no_version_and_publishes_a_change_event(api: Api) -> None:
    events: list[Event] = []
    api.plane.bus.subscribe(events.append)
    versions = (await api.admin.get("/services/api/environments/production/versions")).json()
    await put(api, ["* * * * *"])
    after = (await api.admin.get("/services/api/environments/production/versions")).json()
    assert after["total"] == versions["total"]
    changes = [e for e in events if isinstance(e, TriggersChanged)]
    assert [(e.service, e.environment) for e in changes] == [("api", "production")]


@pytest.mark.usefixtures("service")
async def test_an_invalid_cron_is_refused_by_name_and_nothing_changes(api: Api) -> None:
    await put(api, ["0 0 * * *"])
    error = error_of(await put(api, ["*/5 * * * *", "0 0 * * 0"]), 400)
    assert error["code"] == "invalid_cron"
    assert error["message"] == (
        "crons[1]: invalid cron expression '0 0 * * 0': day of week 0 is out of range 1-7 "
        "(1 = Sunday) or SUN-SAT"
    )
    duplicate = error_of(await put(api, ["* * * * *", "* * * * *"]), 400)
    assert duplicate["code"] == "duplicate_cron" and "listed twice" in duplicate["message"]
    not_a_list = error_of(await put(api, "* * * * *"), 400)
    assert "crons" in not_a_list["message"]
    unknown = error_of(
        await api.admin.put(TRIGGERS.format("production"), json={"cron": ["* * * * *"]}), 400
    )
    assert "cron" in unknown["message"]
    assert (await api.admin.get(TRIGGERS.format("production"))).json()["crons"] == ["0 0 * * *"]


@pytest.mark.usefixtures("service")
async def test_an_account_has_at_most_250_crons(api: Api) -> None:
    crons = [f"{minute} {hour} * * *" for hour in range(5) for minute in range(51)]  # 255
    error = error_of(await put(api, crons), 400)
    assert error["code"] == "too_many_crons"
    assert "at most 250" in error["message"]
    assert (await put(api, crons[:250])).status_code == 200


@pytest.mark.usefixtures("service")
async def test_read_tokens_read_and_other_accounts_see_nothing(api: Api) -> None:
    await put(api, ["* * * * *"])
    assert (await api.reader.get(TRIGGERS.format("production"))).json()["crons"] == ["* * * * *"]
    assert error_of(await put(api, [], client=api.reader), 403)["code"] == "read_only_token"
    assert error_of(await api.outsider.get(TRIGGERS.format("production")), 404)
    assert error_of(await put(api, [], client=api.outsider), 404)["code"] == "service_not_found"
    missing = error_of(await api.admin.get(TRIGGERS.format("nowhere")), 404)
    assert missing["code"] == "environment_not_found"


@pytest.mark.usefixtures("service")
async def test_a_clone_copies_the_crons_and_a_delete_removes_them(api: Api) -> None:
    await put(api, ["*/5 * * * *", "0 3 * * MON"])
    clone = await api.admin.post(
        "/services/api/environments", json={"name": "staging", "from": "production"}
    )
    assert clone.status_code == 201, clone.text
    staging = (await api.admin.get(TRIGGERS.format("staging"))).json()
    assert staging["crons"] == ["*/5 * * * *", "0 3 * * MON"]

    # The clone's crons are its own from then on.
    await put(api, ["0 0 * * *"], "staging")
    assert (await api.admin.get(TRIGGERS.format("production"))).json()["crons"] == [
        "*/5 * * * *",
        "0 3 * * MON",
    ]

    assert (await api.admin.delete("/services/api/environments/staging")).status_code == 204
    again = await api.admin.post("/services/api/environments", json={"name": "staging"})
    assert again.status_code == 201
    assert (await api.admin.get(TRIGGERS.format("staging"))).json()["crons"] == []


@pytest.mark.usefixtures("service")
async def test_firing_by_hand_needs_a_running_node(api: Api) -> None:
    """This API has only a control plane (no workers run): firing is refused, clearly."""
    fire = await api.admin.post(TRIGGERS.format("production") + "/scheduled?cron=*+*+*+*+*")
    assert error_of(fire, 503)["code"] == "unavailable"
    bad = await api.admin.post(TRIGGERS.format("production") + "/scheduled?cron=nope")
    assert "invalid cron expression 'nope'" in error_of(bad, 400)["message"]
    no_cron = await api.admin.post(TRIGGERS.format("production") + "/scheduled")
    assert "has no cron triggers" in error_of(no_cron, 400)["message"]
