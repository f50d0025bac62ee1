"""Durable Object fixtures: the real node of tests/server (both store backends) and a counter
service to deploy on it."""

from __future__ import annotations

from typing import Any

from tests.bindings.services.conftest import deploy, module
from tests.server.conftest import Platform, data_dir, database_url, platform, postgres_url

__all__ = ["Platform", "data_dir", "database_url", "deploy", "module", "platform", "postgres_url"]

#: A counter object reached through `stub.fetch` (/fetch/<name>) and RPC (/rpc/<name>).
COUNTER = """
import asyncio
from workers import DurableObject, Response, WorkerEntrypoint

class Counter(DurableObject):
    def __init__(self, ctx, env):
        super().__init__(ctx, env)
        self.calls = 0  # in memory only: shows that the instance lives between requests

    async def fetch(self, request):
        self.calls += 1
        count = (await self.ctx.storage.get("count") or 0) + 1
        await self.ctx.storage.put("count", count)
        return Response(str(count))

    async def increment(self, by=1):
        self.calls += 1
        count = (await self.ctx.storage.get("count") or 0) + by
        await self.ctx.storage.put("count", count)
        return count

    async def stats(self):
        return {"count": await self.ctx.storage.get("count"), "calls": self.calls,
                "id": self.ctx.id.toString(), "where": self.env.WHERE}

class Default(WorkerEntrypoint):
    async def fetch(self, request):
        how, name = request.url.split("/", 3)[3].split("?")[0].split("/")
        stub = self.env.COUNTER.getByName(name)
        if how == "fetch":
            return await stub.fetch("https://counter.internal/")
        if how == "rpc":
            return Response(str(await stub.increment()))
        return Response.json(await stub.stats())
"""


def durable_object(binding: str, class_name: str, **settings: Any) -> dict[str, Any]:
    """A `durable_object` binding as the API takes it (a migration creating the class when
    none is given)."""
    settings.setdefault("migrations", [{"tag": "v1", "new_sqlite_classes": [class_name]}])
    return {"type": "durable_object", "name": binding, "class_name": class_name, **settings}


async def deploy_counter(platform: Platform, environment: str = "production", **kw: Any) -> Any:
    return await deploy(
        platform,
        "counter",
        COUNTER,
        environment,
        bindings=[durable_object("COUNTER", "Counter")],
        vars={"WHERE": environment},
        **kw,
    )


#: An object whose alarm records each run, and fails its first `fail_times` runs.
CLOCK = """
import time
from workers import DurableObject, Response, WorkerEntrypoint

class Clock(DurableObject):
    async def arm(self, delay_ms, fail_times=0):
        await self.ctx.storage.put("fail_times", fail_times)
        await self.ctx.storage.setAlarm(time.time() * 1000 + delay_ms)
        return await self.ctx.storage.getAlarm()

    async def alarm(self, alarm_info):
        runs = await self.ctx.storage.get("runs") or []
        runs.append({"at": time.time() * 1000, "retryCount": alarm_info.retryCount,
                     "isRetry": alarm_info.isRetry})
        await self.ctx.storage.put("runs", runs)
        if len(runs) <= await self.ctx.storage.get("fail_times"):
            raise RuntimeError(f"alarm failure {len(runs)}")

    async def report(self):
        return {"runs": await self.ctx.storage.get("runs") or [],
                "alarm": await self.ctx.storage.getAlarm()}

class Default(WorkerEntrypoint):
    async def fetch(self, request):
        how, name = request.url.split("/", 3)[3].split("?")[0].split("/")
        stub = self.env.CLOCK.getByName(name)
        if how == "arm":
            return Response(str(await stub.arm(100)))
        if how == "arm-failing":
            return Response(str(await stub.arm(100, fail_times=2)))
        if how == "arm-later":
            return Response(str(await stub.arm(1500)))
        return Response.json(await stub.report())
"""
