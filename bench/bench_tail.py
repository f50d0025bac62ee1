"""Live tails against `hearth serve`: requests/s of a printing worker with no tail (the anchor),
with one tail that reads every event, with one stalled tail (connected, never reading: its
buffers fill and events are dropped) and with ten tails whose filter matches nothing. Same run,
rounds interleaved; figures are ratios against the anchor."""

from __future__ import annotations

import asyncio
import os
import secrets
import statistics
import tempfile
import threading
import time
from collections.abc import Callable, Coroutine, Iterator
from contextlib import contextmanager
from typing import Any

import httpx
from websockets.asyncio.client import connect

from hearth.tail import TailFilters, follow
from hearth.tail._client import tail_url

from ._load import LOAD_CPU, PYTHON, serving, wrk

TOKEN = "bench_" + secrets.token_urlsafe(32)
WORKER = b'from workers import Response, WorkerEntrypoint\n\n\nclass Default(WorkerEntrypoint):\n    async def fetch(self, request):\n        print("serving", request.url)\n        return Response("Hello from Hearth!")\n'
HOST = "bench.main.localhost"
MODES = ("no tail", "one reading tail", "one stalled tail", "ten filtered tails")


@contextmanager
def _in_thread(make: Callable[[asyncio.Event], Coroutine[Any, Any, None]]) -> Iterator[None]:
    """Run tail clients on their own event loop in a thread while the block runs (they get
    half a second to connect, and to be seen gone by the server afterwards)."""
    loop = asyncio.new_event_loop()
    stop = asyncio.Event()

    def run() -> None:
        # The clients share the load generator's core: the server's core serves only.
        if hasattr(os, "sched_setaffinity") and (os.cpu_count() or 1) > LOAD_CPU:
            os.sched_setaffinity(0, {LOAD_CPU})
        loop.run_until_complete(make(stop))

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    time.sleep(0.5)
    try:
        yield
    finally:
        loop.call_soon_threadsafe(stop.set)
        thread.join(timeout=10)
        time.sleep(0.5)


def _tails(api: str, mode: str, counted: list[int]) -> Callable[[asyncio.Event], Any]:
    async def reading(stop: asyncio.Event) -> None:
        async def consume() -> None:
            async for _event in follow(api, TOKEN, "bench"):
                counted[0] += 1

        task = asyncio.ensure_future(consume())
        await stop.wait()
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)

    async def stalled(stop: asyncio.Event) -> None:
        url = tail_url(api, "bench", "production")
        headers = {"authorization": f"Bearer {TOKEN}"}
        async with connect(url, additional_headers=headers, max_queue=1, compression=None):
            await stop.wait()

    async def filtered(stop: asyncio.Event) -> None:
        url = tail_url(api, "bench", "production", filters=TailFilters(search="never printed"))
        headers = {"authorization": f"Bearer {TOKEN}"}
        sockets = [await connect(url, additional_headers=headers) for _ in range(10)]
        await stop.wait()
        for socket in sockets:
            await socket.close()

    async def nothing(stop: asyncio.Event) -> None:
        await stop.wait()

    return {MODES[0]: nothing, MODES[1]: reading, MODES[2]: stalled, MODES[3]: filtered}[mode]


def main(seconds: float = 4, rounds: int = 3) -> dict[str, float]:
    data = tempfile.mkdtemp(prefix="hearth-bench-")
    command = [PYTHON, "-m", "hearth", "serve", "--data-dir", data]
    command += ["--listen", "127.0.0.1:{port}", "--admin-listen", "127.0.0.1:{port2}"]
    rps: dict[str, list[float]] = {mode: [] for mode in MODES}
    counted = [0]
    with serving(command, env={"HEARTH_BOOTSTRAP_TOKEN": TOKEN}) as port:
        api = f"http://127.0.0.1:{port + 1}"
        workers = f"http://127.0.0.1:{port}/"
        with httpx.Client(base_url=api, headers={"authorization": f"Bearer {TOKEN}"}) as client:
            client.post("/api/v1/services", json={"name": "bench"}).raise_for_status()
            metadata = (
                '{"main_module": "entry.py", "compatibility_date": "2025-09-01", "deploy": true}'
            )
            client.post(
                "/api/v1/services/bench/environments/production/versions",
                files={"metadata": (None, metadata), "entry.py": ("entry.py", WORKER)},
            ).raise_for_status()
        wrk(workers, seconds=1, host=HOST)
        for _ in range(rounds):
            for mode in MODES:
                with _in_thread(_tails(api, mode, counted)):
                    rps[mode].append(wrk(workers, seconds=seconds, host=HOST))
    anchor = statistics.median(rps[MODES[0]])
    figures = {"no_tail_rps": anchor}
    print(f"printing worker, no tail: {anchor:,.0f} req/s (anchor)")
    for mode in MODES[1:]:
        ratios = [r / a for r, a in zip(rps[mode], rps[MODES[0]], strict=True)]
        figures[mode.replace(" ", "_") + "_ratio"] = statistics.median(ratios)
        print(
            f"{mode}: {statistics.median(rps[mode]):,.0f} req/s -> ratio "
            f"{statistics.median(ratios):.2f} (rounds: {', '.join(f'{r:.2f}' for r in ratios)})"
        )
    print(f"(the reading tails received {counted[0]:,} events in all)")
    return figures


if __name__ == "__main__":
    main()
