"""The CLI as users run it: `python -m hearth …` subprocesses against a real `hearth serve`
subprocess (one per test module), with the per-user config in a temporary folder."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

from hearth.edge._server import free_port

TOKEN = "cli-test-admin-token-of-thirty-two-chars-or-more"


@dataclass
class Server:
    """A running `hearth serve`: the API URL, the workers port, an admin API client."""

    process: subprocess.Popen[bytes]
    url: str  # the admin listener, e.g. http://127.0.0.1:PORT
    port: int  # the workers listener
    api: httpx.Client
    log: Path

    def fetch(self, host: str, path: str = "/") -> httpx.Response:
        """A request to a worker, by its generated hostname (`demo.main.localhost`)."""
        return httpx.get(f"http://127.0.0.1:{self.port}{path}", headers={"host": host}, timeout=30)


@dataclass
class Run:
    returncode: int
    stdout: str
    stderr: str
    raw: bytes = field(repr=False, default=b"")

    @property
    def error_line(self) -> str:
        """The last line on stderr: the one clear line a failure ends with."""
        lines = self.stderr.strip().splitlines()
        return lines[-1] if lines else ""


Cli = Callable[..., Run]


def start_server(folder: Path) -> Server:
    port, admin_port = free_port(), free_port()
    log = folder / "serve.log"
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "hearth",
            "serve",
            "--data-dir",
            str(folder / "data"),
            "--listen",
            f"127.0.0.1:{port}",
            "--admin-listen",
            f"127.0.0.1:{admin_port}",
        ],
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
        env={**os.environ, "HEARTH_BOOTSTRAP_TOKEN": TOKEN},
    )
    url = f"http://127.0.0.1:{admin_port}"
    api = httpx.Client(
        base_url=f"{url}/api/v1", headers={"authorization": f"Bearer {TOKEN}"}, timeout=30
    )
    deadline = time.monotonic() + 30
    while True:
        if process.poll() is not None:
            raise AssertionError(f"hearth serve exited:\n{log.read_text()}")
        try:
            if api.get("/health").status_code == 200:
                return Server(process, url, port, api, log)
        except httpx.TransportError:
            pass
        if time.monotonic() > deadline:
            raise AssertionError(f"hearth serve did not start:\n{log.read_text()}")
        time.sleep(0.1)


def stop_server(server: Server) -> None:
    server.api.close()
    server.process.terminate()
    try:
        server.process.wait(10)
    except subprocess.TimeoutExpired:
        server.process.kill()
        server.process.wait()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    running = start_server(tmp_path_factory.mktemp("serve"))
    yield running
    stop_server(running)


def cli_env(config_home: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("HEARTH_")}
    env |= {"XDG_CONFIG_HOME": str(config_home), "COLUMNS": "200", "NO_COLOR": "1", **extra}
    return env


def run_cli(
    args: tuple[str, ...], *, cwd: Path, env: dict[str, str], input: bytes | str | None = None
) -> Run:
    data = input.encode() if isinstance(input, str) else input
    done = subprocess.run(
        [sys.executable, "-m", "hearth", *args],
        cwd=cwd,
        env=env,
        input=data if data is not None else b"",
        capture_output=True,
        timeout=120,
    )
    return Run(
        done.returncode,
        done.stdout.decode(errors="replace"),
        done.stderr.decode(errors="replace"),
        done.stdout,
    )


@pytest.fixture
def cli(server: Server, tmp_path: Path) -> Cli:
    """`cli(*args, cwd=…, input=…, env=…)`: run `python -m hearth ARGS` logged in to the
    module's server through HEARTH_URL/HEARTH_TOKEN (no config file is written)."""

    def run(
        *args: str, cwd: Path | None = None, input: bytes | str | None = None, **env: str
    ) -> Run:
        login = {"HEARTH_URL": server.url, "HEARTH_TOKEN": TOKEN}
        environment = cli_env(tmp_path / "config", **(login | env))
        return run_cli(args, cwd=cwd or tmp_path, env=environment, input=input)

    return run


def ok(run: Run) -> Run:
    """The run succeeded (its output shown when it did not)."""
    assert run.returncode == 0, f"exit {run.returncode}\nstdout: {run.stdout}\nstderr: {run.stderr}"
    return run
