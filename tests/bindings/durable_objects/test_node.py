"""A counter service on a real node over real HTTP: one live object per id, reached through
`stub.fetch` and RPC, whose writes are never lost to concurrency; each environment has its own
objects; a version with inconsistent migrations is refused."""

from __future__ import annotations

import asyncio

import pytest

from hearth.control import Invalid

from .conftest import COUNTER, Platform, deploy, deploy_counter, durable_object


async def test_a_hundred_concurrent_increments_count_exactly_a_hundred(platform: Platform):
    """Requests to one object are delivered one at a time between its storage calls: none of
    100 concurrent read-modify-writes (50 over fetch, 50 over RPC) is lost."""
    await deploy_counter(platform)
    host = platform.host("counter")
    paths = [f"/{'fetch' if i % 2 else 'rpc'}/shared" for i in range(100)]
    answers = await asyncio.gather(*(platform.get(host, path) for path in paths))
    assert all(answer.status_code == 200 for answer in answers)
    assert sorted(int(answer.text) for answer in answers) == list(range(1, 101))
    stats = (await platform.get(host, "/stats/shared")).json()
    assert stats["count"] == 100
    assert stats["calls"] == 100  # one instance served them all: its memory saw every call


async def test_names_reach_distinct_objects_with_stable_ids(platform: Platform):
    await deploy_counter(platform)
    host = platform.host("counter")
    for _ in range(3):
        await platform.get(host, "/rpc/alice")
    await platform.get(host, "/fetch/bob")
    alice = (await platform.get(host, "/stats/alice")).json()
    bob = (await platform.get(host, "/stats/bob")).json()
    assert (alice["count"], bob["count"]) == (3, 1)
    assert alice["id"] != bob["id"] and len(alice["id"]) == 64
    assert (await platform.get(host, "/stats/alice")).json()["id"] == alice["id"]


async def test_each_environment_has_its_own_objects(platform: Platform):
    """Staging's `getByName("shared")` is another object than production's, with its own
    storage: staging never touches production's state."""
    await deploy_counter(platform)
    await deploy_counter(platform, "staging")
    production, staging = platform.host("counter"), platform.host("counter", "staging")
    for _ in range(3):
        await platform.get(production, "/rpc/shared")
    await platform.get(staging, "/rpc/shared")
    prod_stats = (await platform.get(production, "/stats/shared")).json()
    staging_stats = (await platform.get(staging, "/stats/shared")).json()
    assert (prod_stats["count"], prod_stats["where"]) == (3, "production")
    assert (staging_stats["count"], staging_stats["where"]) == (1, "staging")
    assert prod_stats["id"] != staging_stats["id"]


async def test_a_new_deployment_resets_the_instance_but_keeps_the_storage(platform: Platform):
    await deploy_counter(platform)
    host = platform.host("counter")
    await platform.get(host, "/rpc/shared")
    await platform.get(host, "/rpc/shared")
    await deploy_counter(platform)  # a new version of the same code
    stats = (await platform.get(host, "/stats/shared")).json()
    assert stats == {**stats, "count": 2, "calls": 0}


CALLER = """
from workers import Response, WorkerEntrypoint

class Default(WorkerEntrypoint):
    async def fetch(self, request):
        stub = self.env.REMOTE.getByName("shared")
        return Response(str(await stub.increment(10)))
"""


async def test_a_binding_with_script_name_reaches_that_services_production_objects(
    platform: Platform,
):
    await deploy_counter(platform)
    await deploy(
        platform,
        "caller",
        CALLER,
        bindings=[
            {
                "type": "durable_object",
                "name": "REMOTE",
                "class_name": "Counter",
                "script_name": "counter",
            }
        ],
    )
    await platform.get(platform.host("counter"), "/rpc/shared")
    assert (await platform.get(platform.host("caller"))).text == "11"
    stats = (await platform.get(platform.host("counter"), "/stats/shared")).json()
    assert stats["count"] == 11


@pytest.mark.parametrize(
    ("migrations", "message"),
    [
        ([], 'class "Counter" is bound but not created by any migration'),
        (
            [
                {"tag": "v1", "new_sqlite_classes": ["Counter"]},
                {"tag": "v2", "new_classes": ["Counter"]},
            ],
            'migration "v2": cannot create class "Counter", it already exists',
        ),
        (
            [{"tag": "v1", "deleted_classes": ["Ghost"]}],
            'migration "v1": cannot delete class "Ghost", it does not exist',
        ),
    ],
)
async def test_inconsistent_migrations_refuse_the_upload(
    platform: Platform, migrations: list, message: str
):
    with pytest.raises(Invalid) as refused:
        await deploy(
            platform,
            "counter",
            "from workers import DurableObject\nclass Counter(DurableObject):\n    pass\n",
            bindings=[durable_object("COUNTER", "Counter", migrations=migrations)],
        )
    assert message in str(refused.value)


async def test_a_deployed_migration_cannot_be_dropped(platform: Platform):
    await deploy_counter(platform)
    with pytest.raises(Invalid) as refused:
        await deploy(
            platform,
            "counter",
            "from workers import DurableObject\nclass Counter(DurableObject):\n    pass\n",
            bindings=[
                durable_object(
                    "COUNTER", "Counter", migrations=[{"tag": "v0", "new_classes": ["Counter"]}]
                )
            ],
        )
    assert 'migration "v1" is deployed in this environment but missing' in str(refused.value)


async def test_a_renamed_class_keeps_its_objects(platform: Platform):
    """A `renamed_classes` migration: the objects (ids, storage) are the old class's."""
    await deploy_counter(platform)
    host = platform.host("counter")
    before = [(await platform.get(host, "/rpc/shared")).text for _ in range(2)]
    old_id = (await platform.get(host, "/stats/shared")).json()["id"]
    renamed = COUNTER.replace("class Counter(", "class Tally(")
    migrations = [
        {"tag": "v1", "new_sqlite_classes": ["Counter"]},
        {"tag": "v2", "renamed_classes": [{"from": "Counter", "to": "Tally"}]},
    ]
    await deploy(
        platform,
        "counter",
        renamed,
        bindings=[durable_object("COUNTER", "Tally", migrations=migrations)],
        vars={"WHERE": "production"},
    )
    stats = (await platform.get(host, "/stats/shared")).json()
    assert before == ["1", "2"]
    assert (stats["count"], stats["id"]) == (2, old_id)
