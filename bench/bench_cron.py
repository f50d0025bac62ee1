"""Cron triggers: what computing the next firing and running one cost, against their anchors.

- next firing: `Cron.next_after` (Cloudflare's syntax checked and rewritten once, at parse)
  versus `croniter` called directly on the rewritten expression — the anchor; the ratio is
  the cost of Hearth's layer per computation (`LW` included, which croniter lacks).
- one firing: `run_scheduled` (a `ScheduledEvent` through the runtime, result summarised)
  versus `runtime.invoke` of a `fetch` on the same loaded worker — the anchor: a firing should
  cost what a request costs.
"""

from __future__ import annotations

import asyncio
import statistics
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from croniter import croniter

from hearth.bindings import build_env
from hearth.fetch import request_from_asgi
from hearth.runtime import InProcessRuntime, VersionSpec
from hearth.triggers import parse_cron, run_scheduled

EXPRESSIONS = ["* * * * *", "*/15 9-17 * * mon-fri", "0 18 * * 6L", "0 10 * * MON#2", "0 3 1 * *"]
ROUNDS = 5
WORKER = """
from workers import Response, WorkerEntrypoint

class Default(WorkerEntrypoint):
    async def fetch(self, request):
        return Response("ok")

    async def scheduled(self, controller, env, ctx):
        pass
"""


def _per_call_us(fn, calls: int) -> float:
    started = time.perf_counter()
    for _ in range(calls):
        fn()
    return (time.perf_counter() - started) / calls * 1e6


def next_fire(calls: int = 2000) -> tuple[float, float, list[float]]:
    moment = datetime(2026, 11, 29, 2, 0, tzinfo=UTC)
    crons = [parse_cron(e) for e in EXPRESSIONS]
    ours, anchor, ratios = [], [], []
    for _ in range(ROUNDS):
        a = statistics.mean(
            _per_call_us(lambda c=c: croniter(c.croniter_form, moment).get_next(datetime), calls)
            for c in crons
        )
        o = statistics.mean(_per_call_us(lambda c=c: c.next_after(moment), calls) for c in crons)
        ours.append(o)
        anchor.append(a)
        ratios.append(o / a)
    return statistics.median(ours), statistics.median(anchor), ratios


async def firing(calls: int = 5000) -> tuple[float, float, list[float]]:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        (root / "entry.py").write_text(WORKER)
        runtime = InProcessRuntime(build_env)
        spec = VersionSpec(
            id="v1", script_name="cron", root=root, main_module="entry.py",
            compatibility_date="2025-09-01",
        )  # fmt: skip
        await runtime.load(spec)
        scope = {
            "type": "http", "method": "GET", "scheme": "http", "path": "/", "raw_path": b"/",
            "query_string": b"", "headers": [(b"host", b"cron.test")], "server": ("x", 80),
        }  # fmt: skip

        async def receive() -> dict:
            return {"type": "http.request", "body": b"", "more_body": False}

        ours, anchor, ratios = [], [], []
        for _ in range(ROUNDS):
            started = time.perf_counter()
            for _ in range(calls):
                await runtime.invoke("v1", request_from_asgi(scope, receive))
            a = (time.perf_counter() - started) / calls * 1e6
            started = time.perf_counter()
            for _ in range(calls):
                await run_scheduled(runtime, "v1", "* * * * *", 0)
            o = (time.perf_counter() - started) / calls * 1e6
            ours.append(o)
            anchor.append(a)
            ratios.append(o / a)
        await runtime.unload("v1")
    return statistics.median(ours), statistics.median(anchor), ratios


def main() -> dict[str, float]:
    ours, anchor, ratios = next_fire()
    print(
        f"cron next firing: Cron.next_after {ours:.1f} µs, croniter directly {anchor:.1f} µs "
        f"-> ratio {statistics.median(ratios):.2f} "
        f"(rounds: {', '.join(f'{r:.2f}' for r in ratios)})"
    )
    fire, fetch, fire_ratios = asyncio.run(firing())
    print(
        f"cron firing: run_scheduled {fire:.1f} µs, fetch invoke {fetch:.1f} µs "
        f"-> ratio {statistics.median(fire_ratios):.2f} "
        f"(rounds: {', '.join(f'{r:.2f}' for r in fire_ratios)})"
    )
    return {
        "next_fire_ratio": statistics.median(ratios),
        "firing_ratio": statistics.median(fire_ratios),
    }


if __name__ == "__main__":
    main()
