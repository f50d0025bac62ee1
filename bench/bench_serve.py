"""`hearth serve`: deploy-to-live latency, and a hello worker's requests/s against the bare
ASGI app on the same server settings (same run, side by side)."""

from __future__ import annotations

import secrets
import statistics
import sys
import time

import httpx

from ._load import PYTHON, instructions_per_request, serve_command, serving, side_by_side

TOKEN = "bench_" + secrets.token_urlsafe(32)
HELLO = b'from workers import Response, WorkerEntrypoint\n\n\nclass Default(WorkerEntrypoint):\n    async def fetch(self, request):\n        return Response("%s")\n'
BARE = [PYTHON, "bench/bare_asgi.py", "{port}"]
DEPLOYS = 50
TARGET = 0.75


def _upload(client: httpx.Client, body: str) -> None:
    metadata = '{"main_module": "entry.py", "compatibility_date": "2025-09-01", "deploy": true}'
    response = client.post(
        "/api/v1/services/bench/environments/production/versions",
        files={"metadata": (None, metadata), "entry.py": ("entry.py", HELLO % body.encode())},
    )
    response.raise_for_status()


HOST = "bench.main.localhost"


def main() -> dict[str, float]:
    command = serve_command()
    host = HOST
    with serving(command, env={"HEARTH_BOOTSTRAP_TOKEN": TOKEN}) as port:
        admin = f"http://127.0.0.1:{port + 1}"
        workers = f"http://127.0.0.1:{port}/"
        with (
            httpx.Client(base_url=admin, headers={"authorization": f"Bearer {TOKEN}"}) as api,
            httpx.Client(headers={"host": host}) as client,
        ):
            api.post("/api/v1/services", json={"name": "bench"}).raise_for_status()
            latencies = []
            for i in range(DEPLOYS):
                body = f"deploy {i}"
                started = time.perf_counter()
                _upload(api, body)
                while client.get(workers).text != body:
                    pass
                latencies.append((time.perf_counter() - started) * 1000)
            _upload(api, "Hello from Hearth!")
        latencies.sort()
        figures = {
            "deploy_to_live_median_ms": statistics.median(latencies),
            "deploy_to_live_p99_ms": latencies[int(len(latencies) * 0.99) - 1],
        }
        print(
            f"deploy to live over {DEPLOYS} deploys: median "
            f"{figures['deploy_to_live_median_ms']:.1f} ms, p99 "
            f"{figures['deploy_to_live_p99_ms']:.1f} ms"
        )
        with serving(BARE) as bare_port:
            result = side_by_side(f"http://127.0.0.1:{bare_port}/", workers, subject_host=host)
    figures.update(
        bare_rps=statistics.median(result.anchor),
        serve_rps=statistics.median(result.subject),
        ratio=result.ratio,
    )
    print(result.describe("serve hello through hearth serve", TARGET))
    return figures


def instructions() -> dict[str, float]:
    """Requests through `hearth serve` against the bare app in instructions per request
    (callgrind): repeatable on a busy machine, where wrk's figures are not."""

    def deploy_hello(port: int) -> None:
        admin = f"http://127.0.0.1:{port + 1}"
        headers = {"authorization": f"Bearer {TOKEN}"}
        with httpx.Client(base_url=admin, headers=headers, timeout=120) as api:
            api.post("/api/v1/services", json={"name": "bench"}).raise_for_status()
            _upload(api, "Hello from Hearth!")
        with httpx.Client(headers={"host": HOST}, timeout=120) as client:
            while client.get(f"http://127.0.0.1:{port}/").text != "Hello from Hearth!":
                time.sleep(0.1)

    bare = instructions_per_request(BARE)
    served = instructions_per_request(
        serve_command(),
        env={"HEARTH_BOOTSTRAP_TOKEN": TOKEN},
        host=HOST,
        prepare=deploy_hello,
    )
    print(
        f"serve hello: hearth {served:,.0f} instructions/request, bare ASGI {bare:,.0f} -> "
        f"ratio {bare / served:.3f}"
    )
    return {"bare_instructions": bare, "serve_instructions": served}


if __name__ == "__main__":
    instructions() if "--instructions" in sys.argv else main()
