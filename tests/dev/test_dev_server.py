"""`hearth dev`: serves a project, prints requests and logs, reloads on save, shows errors."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from hearth.edge._server import free_port

from .conftest import EXAMPLES, running_dev

WRANGLER = """
name = "reloading"
main = "src/entry.py"
compatibility_date = "2025-09-01"

[vars]
WHO = "production"

[env.staging.vars]
WHO = "staging"
"""

ENTRY = """
from workers import Response, WorkerEntrypoint


class Default(WorkerEntrypoint):
    async def fetch(self, request):
        print("handling", request.url)
        return Response("{greeting}, " + self.env.WHO)
"""


def write_project(root: Path, greeting: str = "hello") -> Path:
    (root / "src").mkdir(parents=True, exist_ok=True)
    (root / "wrangler.toml").write_text(WRANGLER)
    (root / "src" / "entry.py").write_text(ENTRY.replace("{greeting}", greeting))
    return root


async def wait_for_reload(dev, client: httpx.AsyncClient, expected: str) -> httpx.Response:
    deadline = time.monotonic() + 10
    while True:
        response = await client.get(dev.url)
        if expected in response.text or time.monotonic() > deadline:
            return response
        await asyncio.sleep(0.05)


async def test_each_request_and_its_logs_are_printed(tmp_path):
    async with running_dev(write_project(tmp_path)) as dev, httpx.AsyncClient() as client:
        await client.get(f"{dev.url}/orders?id=3")
        await asyncio.sleep(0.05)
    output = dev.output.getvalue()
    assert "serving reloading at http://127.0.0.1:" in output
    assert "GET /orders?id=3 200 (" in output and " ms)" in output
    assert f"(log) handling {dev.url}/orders?id=3" in output


async def test_a_path_that_looks_like_console_markup_is_printed_as_it_is(tmp_path):
    async with running_dev(write_project(tmp_path)) as dev, httpx.AsyncClient() as client:
        response = await client.get(f"{dev.url}/search[/x]")
        await asyncio.sleep(0.05)
    assert response.text == "hello, production"
    assert "GET /search[/x] 200 (" in dev.output.getvalue()


async def test_data_kept_inside_the_project_does_not_reload_it(tmp_path):
    """`--persist-to .wrangler/state` inside the project: a KV write is not a code change."""
    project = write_project(tmp_path)
    (project / "wrangler.toml").write_text(
        WRANGLER.replace("[vars]", 'kv_namespaces = [{ binding = "KV", id = "cache" }]\n\n[vars]')
    )
    (project / "src" / "entry.py").write_text(
        ENTRY.replace("{greeting}", "hello").replace(
            "        print(", '        await self.env.KV.put("seen", request.url)\n        print('
        )
    )
    state = project / ".wrangler" / "state"
    async with running_dev(project, persist_to=state) as dev, httpx.AsyncClient() as client:
        await asyncio.sleep(0.3)  # the watcher is running
        for _ in range(3):
            assert (await client.get(dev.url)).text == "hello, production"
        await asyncio.sleep(1.5)  # longer than the watcher's debounce
        assert dev.kv._sweeper is not None  # expired keys are swept, as on hearth serve
    assert (state / "kv.sqlite3").exists()
    assert "change in" not in dev.output.getvalue()


async def test_env_option_selects_an_environment_block(tmp_path):
    async with running_dev(write_project(tmp_path), env="staging") as dev:
        async with httpx.AsyncClient() as client:
            response = await client.get(dev.url)
    assert response.text == "hello, staging"


async def test_saving_a_file_reloads_without_dropping_the_server(tmp_path):
    project = write_project(tmp_path)
    async with running_dev(project) as dev, httpx.AsyncClient() as client:
        assert (await client.get(dev.url)).text == "hello, production"
        (project / "src" / "entry.py").write_text(ENTRY.replace("{greeting}", "bonjour"))
        response = await wait_for_reload(dev, client, "bonjour")
        assert response.text == "bonjour, production"
        assert "reloaded" in dev.output.getvalue()


async def test_a_reload_prints_one_line_naming_the_files_not_watchfiles_count(tmp_path, caplog):
    caplog.set_level("INFO")
    project = write_project(tmp_path)
    async with running_dev(project) as dev, httpx.AsyncClient() as client:
        (project / "src" / "entry.py").write_text(ENTRY.replace("{greeting}", "hej"))
        await wait_for_reload(dev, client, "hej")
    assert "change in entry.py, reloading" in dev.output.getvalue()
    assert [r.getMessage() for r in caplog.records if r.name.startswith("watchfiles")] == []


async def test_a_syntax_error_shows_an_error_page_then_recovers_on_the_next_save(tmp_path):
    project = write_project(tmp_path)
    entry = project / "src" / "entry.py"
    async with running_dev(project) as dev, httpx.AsyncClient() as client:
        entry.write_text("from workers import Response\n\ndef broken(:\n")
        page = await wait_for_reload(dev, client, "SyntaxError")
        assert page.status_code == 500
        # Paths as the project names them; none of Hearth's frames or folders.
        assert "Error loading worker: src/entry.py:3: SyntaxError" in page.text
        assert 'File "src/entry.py", line 3' in page.text
        assert "hearth" not in page.text.replace("hearth dev", "")
        assert "Error loading worker: src/entry.py:3: SyntaxError" in dev.output.getvalue()
        entry.write_text(ENTRY.replace("{greeting}", "fixed"))
        recovered = await wait_for_reload(dev, client, "fixed")
        assert (recovered.status_code, recovered.text) == (200, "fixed, production")


async def test_a_malformed_config_names_the_file_line_and_key(tmp_path):
    project = write_project(tmp_path)
    (project / "wrangler.toml").write_text(
        'name = "reloading"\nmain = "src/entry.py"\ncompatibility_date = 20250901\n'
    )
    async with running_dev(project) as dev, httpx.AsyncClient() as client:
        page = await client.get(dev.url)
    assert page.status_code == 500
    assert "wrangler.toml:3: compatibility_date" in page.text
    assert "wrangler.toml:3: compatibility_date" in dev.output.getvalue()


async def test_a_worker_exception_is_a_500_without_the_traceback(tmp_path):
    project = write_project(tmp_path)
    (project / "src" / "entry.py").write_text(
        "from workers import WorkerEntrypoint\n\n"
        "class Default(WorkerEntrypoint):\n"
        "    async def fetch(self, request):\n"
        "        raise RuntimeError('secret internals')\n"
    )
    async with running_dev(project) as dev, httpx.AsyncClient() as client:
        response = await client.get(dev.url)
        await asyncio.sleep(0.05)
    assert response.status_code == 500
    assert "secret internals" not in response.text
    assert "RuntimeError: secret internals" in dev.output.getvalue()


async def test_missing_pyproject_dependencies_are_warned_about(tmp_path):
    project = write_project(tmp_path)
    (project / "pyproject.toml").write_text(
        '[project]\nname = "x"\nversion = "0"\ndependencies = ["surely-not-installed-pkg>=1"]\n'
    )
    async with running_dev(project) as dev, httpx.AsyncClient() as client:
        (project / "src" / "entry.py").write_text(ENTRY.replace("{greeting}", "hej"))
        await wait_for_reload(dev, client, "hej")
    # Said once, not again on each reload.
    assert dev.output.getvalue().count("surely-not-installed-pkg") == 1


def test_the_hearth_dev_command_serves_on_the_given_port():
    port = free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "hearth",
            "dev",
            str(EXAMPLES / "hello"),
            "--port",
            str(port),
            "--ip",
            "127.0.0.1",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, "COLUMNS": "200"},
    )
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                response = httpx.get(f"http://127.0.0.1:{port}/")
                break
            except httpx.ConnectError:
                if time.monotonic() > deadline or process.poll() is not None:
                    pytest.fail("hearth dev did not start")
                time.sleep(0.1)
        assert response.text == "Hello from Hearth!"
    finally:
        process.send_signal(signal.SIGINT)
        output, _ = process.communicate(timeout=10)
    assert process.returncode == 0
    assert f"serving hello at http://127.0.0.1:{port}" in output
    assert "GET / 200" in output


async def test_a_websocket_upgrade_request_reaches_the_worker_as_a_plain_request(tmp_path):
    """Workers cannot accept WebSockets yet; the request still gets the worker's answer
    (as a request the worker does not upgrade), not a server error."""
    upgrade = {
        "connection": "Upgrade",
        "upgrade": "websocket",
        "sec-websocket-version": "13",
        "sec-websocket-key": "dGhlIHNhbXBsZSBub25jZQ==",
    }
    async with running_dev(write_project(tmp_path)) as dev, httpx.AsyncClient() as client:
        response = await client.get(dev.url, headers=upgrade)
    assert (response.status_code, response.text) == (200, "hello, production")
