"""The CLI as users run it: `python -m hearth …` subprocesses against a real `hearth serve`
subprocess (one per test module), with the per-user config in a temporary folder."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.serving import Serve, start_serve

TOKEN = "cli-test-admin-token-of-thirty-two-chars-or-more"


Server = Serve  # a running `hearth serve` with the admin token below


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


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    folder = tmp_path_factory.mktemp("serve")
    running = start_serve(folder / "data", folder / "serve.log", token=TOKEN)
    yield running
    running.stop()


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
