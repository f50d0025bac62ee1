"""KV on a real node (`hearth serve`, both store backends): staging and production bind
different namespaces of the account; a binding to a namespace the account does not own is
rejected at upload, naming it."""

from __future__ import annotations

import pytest

from hearth.control import Invalid
from tests.bindings.services.conftest import deploy
from tests.server.conftest import Platform, data_dir, database_url, platform, postgres_url

__all__ = ["data_dir", "database_url", "platform", "postgres_url"]

COUNTER = """
from workers import Response, WorkerEntrypoint

class Default(WorkerEntrypoint):
    async def fetch(self, request):
        count = int(await self.env.COUNTS.get("hits") or 0) + 1
        await self.env.COUNTS.put("hits", str(count))
        return Response(f"{self.env.WHERE} {count}")
"""


def kv(binding: str, namespace_id: str) -> dict:
    return {"type": "kv", "name": binding, "namespace_id": namespace_id}


async def test_each_environment_counts_in_its_own_namespace(platform: Platform) -> None:
    store, account = platform.node.kv, platform.admin.account.id
    assert store is not None
    production = await store.create_namespace(account, "counts")
    staging = await store.create_namespace(account, "counts-staging")
    await deploy(
        platform,
        "counter",
        COUNTER,
        vars={"WHERE": "prod"},
        bindings=[kv("COUNTS", production.id)],
    )
    await deploy(
        platform,
        "counter",
        COUNTER,
        "staging",
        vars={"WHERE": "staging"},
        bindings=[kv("COUNTS", staging.id)],
    )
    for _ in range(3):
        await platform.get(platform.host("counter"))
    answer = await platform.get(platform.host("counter", "staging"))
    assert answer.text == "staging 1"
    assert (await platform.get(platform.host("counter"))).text == "prod 4"
    assert await store.get_value(production.id, "hits") == b"4"


@pytest.mark.parametrize("whose", ["made-up", "another account's"])
async def test_a_namespace_the_account_does_not_own_is_rejected(
    platform: Platform, whose: str
) -> None:
    store = platform.node.kv
    assert store is not None
    namespace_id = "0" * 32
    if whose != "made-up":
        namespace_id = (await store.create_namespace("someone-else", "theirs")).id
    with pytest.raises(Invalid) as rejected:
        await deploy(
            platform, "counter", COUNTER, vars={"WHERE": "x"}, bindings=[kv("COUNTS", namespace_id)]
        )
    assert str(rejected.value) == (
        f"binding 'COUNTS': KV namespace '{namespace_id}' not found in this account"
    )
    # A binding's target is the user's input, not a load failure: no traceback of Hearth's.
    assert rejected.value.code == "invalid_binding" and "traceback" not in rejected.value.detail
