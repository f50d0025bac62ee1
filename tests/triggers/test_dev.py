"""`hearth dev` fires a cron by hand as `wrangler dev` does: `/cdn-cgi/handler/scheduled`
always, `/__scheduled` with `--test-scheduled`; the answer is the outcome."""

from __future__ import annotations

from pathlib import Path

import httpx

from tests.dev.conftest import running_dev
from tests.triggers.conftest import FETCH_ONLY_WORKER, SCHEDULED_WORKER

WRANGLER = """
name = "cron-worker"
main = "entry.py"
compatibility_date = "2025-09-01"

[triggers]
crons = ["*/5 * * * *"]
"""


def project(root: Path, entry: bytes = SCHEDULED_WORKER) -> Path:
    (root / "wrangler.toml").write_text(WRANGLER)
    (root / "entry.py").write_bytes(entry)
    return root


async def test_cdn_cgi_handler_scheduled_runs_the_handler_and_answers_ok(tmp_path: Path) -> None:
    async with running_dev(project(tmp_path)) as dev, httpx.AsyncClient() as client:
        response = await client.get(
            f"{dev.url}/cdn-cgi/handler/scheduled?cron=*+*+*+*+*&time=1700000000000"
        )
        assert (response.status_code, response.text) == (200, "ok")
        output = dev.output.getvalue()
        assert "scheduled * * * * * - ok" in output
        assert "cron=* * * * * time=1700000000000" in output
        # The worker's other paths are its own.
        assert (await client.get(f"{dev.url}/cdn-cgi/other")).text == "fetched"


async def test_an_exception_answers_500_with_the_error(tmp_path: Path) -> None:
    async with running_dev(project(tmp_path)) as dev, httpx.AsyncClient() as client:
        response = await client.get(f"{dev.url}/cdn-cgi/handler/scheduled?cron=*/1+*+*+*+*")
        assert response.status_code == 500
        assert response.text == "exception\nValueError: this cron is unlucky\n"
        assert "ValueError: this cron is unlucky" in dev.output.getvalue()  # the traceback


async def test_a_worker_without_a_scheduled_handler_says_so(tmp_path: Path) -> None:
    async with running_dev(project(tmp_path, FETCH_ONLY_WORKER)) as dev, httpx.AsyncClient() as c:
        response = await c.get(f"{dev.url}/cdn-cgi/handler/scheduled")
        assert response.status_code == 500
        assert response.text == "exception\nHandler does not export a scheduled() function.\n"


async def test_the_older_path_needs_test_scheduled(tmp_path: Path) -> None:
    root = project(tmp_path)
    async with running_dev(root) as dev, httpx.AsyncClient() as client:
        # Without --test-scheduled, /__scheduled is just a path the worker serves.
        assert (await client.get(f"{dev.url}/__scheduled?cron=*+*+*+*+*")).text == "fetched"
    async with running_dev(root, test_scheduled=True) as dev, httpx.AsyncClient() as client:
        response = await client.get(f"{dev.url}/__scheduled?cron=*+*+*+*+*")
        assert (response.status_code, response.text) == (200, "ok")
        assert "scheduled * * * * * - ok" in dev.output.getvalue()


async def test_a_bad_time_is_refused(tmp_path: Path) -> None:
    async with running_dev(project(tmp_path)) as dev, httpx.AsyncClient() as client:
        response = await client.get(f"{dev.url}/cdn-cgi/handler/scheduled?time=soon")
        assert response.status_code == 400
        assert "time must be milliseconds since the epoch" in response.text


async def test_a_time_of_non_ascii_digits_is_refused(tmp_path: Path) -> None:
    """`time=²` passes str.isdigit() but is no number: a 400 naming it, not a crash."""
    async with running_dev(project(tmp_path)) as dev, httpx.AsyncClient() as client:
        response = await client.get(f"{dev.url}/cdn-cgi/handler/scheduled?time=%C2%B2")
        assert response.status_code == 400
        assert "time must be milliseconds since the epoch, not '²'" in response.text
