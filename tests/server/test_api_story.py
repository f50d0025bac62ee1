"""The same story driven through the REST API of a real node, as the CLI and dashboard do."""

from __future__ import annotations

import asyncio
import json
from collections import Counter

import httpx

from hearth.api import create_api
from hearth.edge._server import free_port, make_server

from .conftest import DOMAIN, Platform

CODE = 'from workers import Response, WorkerEntrypoint\n\n\nclass Default(WorkerEntrypoint):\n    async def fetch(self, request):\n        return Response("{label} " + self.env.WHO)\n'


def upload_parts(label: str, **metadata: object) -> dict[str, tuple[str | None, bytes]]:
    meta = {"main_module": "entry.py", "compatibility_date": "2025-09-01", **metadata}
    return {
        "metadata": (None, json.dumps(meta).encode()),
        "entry.py": ("entry.py", CODE.replace("{label}", label).encode()),
    }


async def test_the_story_through_the_rest_api(platform: Platform):
    token = await platform.plane.accounts.issue_token("main", "ci", "admin")
    port = free_port()
    api = make_server(
        create_api(platform.plane, domain=DOMAIN, workers_url=f"http://x:{platform.port}"),
        "127.0.0.1",
        port,
    )
    task = asyncio.ensure_future(api.serve())
    while not api.started:
        await asyncio.sleep(0.01)
    base = f"http://127.0.0.1:{port}/api/v1"
    env = f"{base}/services/shop/environments"
    try:
        async with httpx.AsyncClient(headers={"authorization": f"Bearer {token.value}"}) as rest:
            assert (await rest.post(f"{base}/services", json={"name": "shop"})).status_code == 201
            v1 = await rest.post(
                f"{env}/production/versions",
                files=upload_parts("v1", vars={"WHO": "prod"}, deploy=True, message="first"),
            )
            assert v1.status_code == 201, v1.text
            assert (await platform.get(platform.host("shop"))).text == "v1 prod"

            cloned = await rest.post(env, json={"name": "staging", "from": "production"})
            assert cloned.status_code == 201
            await rest.post(f"{env}/staging/versions", files=upload_parts("v2", deploy=True))
            await rest.put(f"{env}/staging/vars", json={"vars": {"WHO": "stage"}})
            assert (await platform.get(platform.host("shop", "staging"))).text == "v2 stage"
            assert (await platform.get(platform.host("shop"))).text == "v1 prod"

            promoted = await rest.post(
                f"{base}/services/shop/promote", json={"from": "staging", "to": "production"}
            )
            assert promoted.status_code == 201, promoted.text
            assert promoted.json()["version"]["triggered_by"] == "promotion"
            assert (await platform.get(platform.host("shop"))).text == "v2 prod"

            listed = (await rest.get(f"{env}/staging/versions")).json()
            assert [v["number"] for v in listed["items"]] == [3, 2, 1]
            assert listed["items"][2]["triggered_by"] == "clone"

            rolled = await rest.post(f"{env}/production/rollback", json={})
            assert rolled.status_code == 201, rolled.text
            assert (await platform.get(platform.host("shop"))).text == "v1 prod"

            new = await rest.post(f"{env}/production/versions", files=upload_parts("v3"))
            old_id = v1.json()["version"]["id"]
            split = await rest.post(
                f"{env}/production/deployments",
                json={
                    "versions": [
                        {"version_id": old_id, "percentage": 90},
                        {"version_id": new.json()["version"]["id"], "percentage": 10},
                    ]
                },
            )
            assert split.status_code == 201, split.text
            counts = Counter(
                [(await platform.get(platform.host("shop"))).text[:2] for _ in range(2000)]
            )
            assert 0.08 <= counts["v3"] / 2000 <= 0.12

            wrong = await rest.get(f"{base}/services", headers={"authorization": "Bearer nope"})
            assert wrong.status_code == 401
            assert wrong.json()["error"]["code"] in ("unauthorized", "invalid_token")
    finally:
        api.should_exit = True
        await task
