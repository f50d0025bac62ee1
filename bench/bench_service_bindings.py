"""Service bindings: what a call costs in process, against the HTTP call it replaces.

1. µs per call, one call after another: a binding `fetch` (+ reading the body) and an RPC call
   `add(1, 2)`, in this process through the runtime, versus the same calls over HTTP on
   loopback to the same backend worker served by `hearth dev` (uvicorn) in another process,
   with a keep-alive httpx client. Target: the binding ≥ 20× faster.
2. The hop seen from outside, under load (wrk, one core serving): `hearth dev -c <gateway>
   -c sb-backend` for three gateways: `sb-self` answers itself, `sb-fetch` returns
   `await env.BACKEND.fetch(request)`, `sb-rpc` answers `await env.BACKEND.hello()` (separate
   projects, so they differ by the hop alone). Extra µs per request = 1e6/rps_binding −
   1e6/rps_self. Targets: ≤ 40 µs (fetch), ≤ 20 µs (RPC); workerd needs 117–141 and 55–82.
   Measured at `hearth dev`'s default (every request and hop logged) and with
   `--no-log-requests`: the logged hop ≤ 1.5× the quiet one.
"""

from __future__ import annotations

import statistics
import time
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import httpx

from hearth.bindings import build_env

from ._load import PYTHON, ROOT, serving, wrk

PROJECTS = ROOT / "bench" / "projects"
BACKEND = PROJECTS / "sb-backend"
GATEWAYS = {name: PROJECTS / f"sb-{name}" for name in ("self", "fetch", "rpc")}
ROUNDS = 5


LOGGED_HOP_TARGET = 1.5  # the hop with request logging on (the default), against off


def dev_command(*projects: Path, log_requests: bool = True) -> list[str]:
    configs = [part for project in projects for part in ("-c", str(project))]
    command = [PYTHON, "-m", "hearth", "dev", *configs, "--ip", "127.0.0.1", "--port", "{port}"]
    return command + ([] if log_requests else ["--no-log-requests"])


# -- 1. per call ------------------------------------------------------------------------------


class _Directory:
    """The smallest `ServiceDirectory`: one service, one version."""

    def __init__(self, runtime: Any, version_id: str) -> None:
        self.runtime = runtime
        self.deployment = self  # one version at 100 %
        self._version_id = version_id

    def resolve_service(self, account: str, service: str, environment: str | None) -> Any:
        return self if service == "sb-backend" else None

    def missing_service(self, account: str, service: str, environment: str | None) -> str:
        return f"no service {service!r}"

    def pick(self, raw_headers: list[tuple[bytes, bytes]]) -> str:
        return self._version_id


async def in_process(calls: int) -> dict[str, float]:
    from hearth.bindings.services import make_service
    from hearth.fetch import Request
    from hearth.runtime import (
        BindingSpec,
        ExecutionContext,
        InProcessRuntime,
        VersionSpec,
        current_invocation,
    )

    runtime = InProcessRuntime(build_env)
    runtime.platform = directory = _Directory(runtime, "backend")
    await runtime.load(
        VersionSpec(
            "backend", "sb-backend", BACKEND / "src", "entry.py", compatibility_date="2025-09-01"
        )
    )
    caller = VersionSpec("gateway", "sb-fetch", GATEWAYS["fetch"] / "src", "entry.py")
    spec = BindingSpec("BACKEND", "service", settings={"service": "sb-backend"})
    binding = make_service(spec, caller, directory)
    # Calls made from inside a top-level request, as a worker makes them (limit counted,
    # version key looked up); the budget of 32 is reset for each call.
    ctx = ExecutionContext(caller, "fetch", Request("http://gateway/"), None, None)
    token = current_invocation.set(ctx)
    try:

        async def fetch() -> None:
            ctx.invocations = 1
            await (await binding.fetch("http://sb-backend/")).text()

        async def rpc() -> None:
            ctx.invocations = 1
            await binding.add(1, 2)

        return {"fetch": await _per_call(fetch, calls), "rpc": await _per_call(rpc, calls)}
    finally:
        current_invocation.reset(token)


async def over_http(port: int, calls: int) -> dict[str, float]:
    url = f"http://127.0.0.1:{port}/"
    async with httpx.AsyncClient() as client:  # keep-alive: one connection, reused

        async def fetch() -> None:
            (await client.get(url)).text  # noqa: B018 - the body is read, as in process

        async def rpc() -> None:
            (await client.post(url, json=[1, 2])).json()

        return {"fetch": await _per_call(fetch, calls), "rpc": await _per_call(rpc, calls)}


async def _per_call(call: Any, calls: int) -> float:
    for _ in range(min(calls // 10, 500)):  # warm up
        await call()
    best = float("inf")
    for _ in range(3):  # best of three: the least disturbed run
        started = time.perf_counter()
        for _ in range(calls):
            await call()
        best = min(best, (time.perf_counter() - started) / calls * 1e6)
    return best


def per_call() -> dict[str, float]:
    from hearth.edge._server import run

    local = run(in_process(20_000))
    with serving(dev_command(BACKEND, log_requests=False)) as port:
        remote = run(over_http(port, 2_000))
    return {
        "fetch_us": local["fetch"],
        "rpc_us": local["rpc"],
        "http_fetch_us": remote["fetch"],
        "http_rpc_us": remote["rpc"],
        "fetch_ratio": remote["fetch"] / local["fetch"],
        "rpc_ratio": remote["rpc"] / local["rpc"],
    }


# -- 2. under load ----------------------------------------------------------------------------


def under_load(seconds: float, *, log_requests: bool) -> dict[str, float]:
    rps: dict[str, list[float]] = {name: [] for name in GATEWAYS}
    with ExitStack() as stack:
        commands = {
            name: dev_command(path, BACKEND, log_requests=log_requests)
            for name, path in GATEWAYS.items()
        }
        urls = {
            name: f"http://127.0.0.1:{stack.enter_context(serving(command))}/"
            for name, command in commands.items()
        }
        for url in urls.values():
            wrk(url, seconds=1)  # warm up, and fail early if a variant answers non-2xx
        for _ in range(ROUNDS):  # interleaved, so drift in the machine hits all alike
            for name, url in urls.items():
                rps[name].append(wrk(url, seconds=seconds))
    medians = {name: statistics.median(values) for name, values in rps.items()}
    hops = {
        name: statistics.median(
            1e6 / b - 1e6 / s for b, s in zip(rps[name], rps["self"], strict=True)
        )
        for name in ("fetch", "rpc")
    }
    return {
        "rps_self": medians["self"],
        "rps_fetch": medians["fetch"],
        "rps_rpc": medians["rpc"],
        "hop_fetch_us": hops["fetch"],
        "hop_rpc_us": hops["rpc"],
    }


def main(seconds: float = 4) -> dict[str, float]:
    figures = per_call()
    print(
        f"per call: binding fetch {figures['fetch_us']:.1f} µs vs HTTP "
        f"{figures['http_fetch_us']:.0f} µs -> {figures['fetch_ratio']:.0f}x; "
        f"RPC {figures['rpc_us']:.1f} µs vs HTTP {figures['http_rpc_us']:.0f} µs -> "
        f"{figures['rpc_ratio']:.0f}x faster (target >= 20x)"
    )
    for label, log_requests in (("", True), ("quiet_", False)):
        loaded = under_load(seconds, log_requests=log_requests)
        figures |= {f"{label}{key}": value for key, value in loaded.items()}
        print(
            f"under load ({'request log on, the default' if log_requests else '--no-log-requests'}):"
            f" self {loaded['rps_self']:,.0f} req/s, via fetch {loaded['rps_fetch']:,.0f}, via "
            f"RPC {loaded['rps_rpc']:,.0f} -> extra {loaded['hop_fetch_us']:.1f} µs per request "
            f"(fetch, target <= 40), {loaded['hop_rpc_us']:.1f} µs (RPC, target <= 20)"
        )
    for kind in ("fetch", "rpc"):
        ratio = figures[f"hop_{kind}_us"] / figures[f"quiet_hop_{kind}_us"]
        figures[f"logged_hop_{kind}_ratio"] = ratio
        print(
            f"{kind} hop with the request log on: {ratio:.2f}x the hop without "
            f"(target <= {LOGGED_HOP_TARGET}x)"
        )
    return figures


if __name__ == "__main__":
    main()
