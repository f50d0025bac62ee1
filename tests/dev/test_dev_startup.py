"""`hearth dev` refuses to start, in one line and exit 1, when it could only fail later: the
port is taken, or a project given with `-c` is not there. A worker that does not load still
gets a request line for each 500 it answers."""

from __future__ import annotations

import socket
import subprocess
import sys

import httpx
import pytest

from hearth.dev import DevError, DevServer
from hearth.edge._server import free_port

from .conftest import EXAMPLES, running_dev
from .test_dev_server import wait_for_reload, write_project


def hearth_dev(*args: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "hearth", "dev", *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=60)


def test_a_taken_port_is_one_line_before_any_banner():
    with socket.create_server(("127.0.0.1", 0)) as taken:
        port = taken.getsockname()[1]
        run = hearth_dev(str(EXAMPLES / "hello"), "--ip", "127.0.0.1", "--port", str(port))
    assert run.returncode == 1
    assert "serving" not in run.stdout
    assert run.stderr == (
        f"error: cannot listen on 127.0.0.1:{port}: Address already in use "
        "(another hearth dev or wrangler dev? pick another with --port)\n"
    )


async def test_the_server_raises_dev_error_for_a_taken_port(tmp_path):
    with socket.create_server(("127.0.0.1", 0)) as taken:
        server = DevServer(write_project(tmp_path), host="127.0.0.1", port=taken.getsockname()[1])
        with pytest.raises(DevError, match="Address already in use"):
            await server.serve(install_signal_handlers=False)


def test_a_missing_config_path_stops_the_command(tmp_path):
    missing = tmp_path / "missing.toml"
    run = hearth_dev("-c", str(missing), "-c", str(EXAMPLES / "hello"), "--port", str(free_port()))
    assert run.returncode == 1
    assert run.stdout == ""
    assert run.stderr == "error: missing.toml: no such file or directory\n"


async def test_each_request_to_a_worker_that_does_not_load_gets_a_line(tmp_path):
    project = write_project(tmp_path)
    async with running_dev(project) as dev, httpx.AsyncClient() as client:
        (project / "src" / "entry.py").write_text("def broken(:\n")
        page = await wait_for_reload(dev, client, "SyntaxError")
        await client.get(f"{dev.url}/again")
    assert page.status_code == 500
    assert "GET /again 500 (the worker does not load)" in dev.output.getvalue()
