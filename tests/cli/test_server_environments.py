"""The server's environments are the truth: an environment made with `hearth env create`
(or production, which the top level describes) is reachable from the project folder with
`--env` whether or not the wrangler config has an `[env.NAME]` block for it."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

from .conftest import TOKEN, Cli, Server, cli_env, ok

CONFIG = """\
name = "envs"
main = "src/entry.py"
compatibility_date = "2025-09-01"

[env.staging]
vars = { WHERE = "staging" }
"""


@pytest.fixture(scope="module")
def project(server: Server, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A service with production, staging (from its block) and qa cloned from staging."""
    root = tmp_path_factory.mktemp("envs")
    (root / "src").mkdir()
    (root / "src" / "entry.py").write_text(
        "from workers import Response, WorkerEntrypoint\n\n"
        "class Default(WorkerEntrypoint):\n"
        "    async def fetch(self, request):\n"
        "        return Response(getattr(self.env, 'WHERE', 'top'))\n"
    )
    (root / "wrangler.toml").write_text(CONFIG)
    return root


def test_deploy_to_production_and_to_an_environment_without_a_block(
    cli: Cli, server: Server, project: Path
) -> None:
    ok(cli("deploy", cwd=project))
    ok(cli("deploy", "--env", "staging", cwd=project))
    ok(cli("env", "create", "qa", "--from", "staging", cwd=project))
    deployed = ok(cli("deploy", "--env", "qa", cwd=project))
    assert "no [env.qa] block (blocks: staging); using the top-level configuration" in (
        deployed.stderr
    )
    assert server.fetch("qa.envs.main.localhost").text == "top"
    production = ok(cli("deploy", "--env", "production", cwd=project))
    assert "block" not in production.stderr
    assert server.fetch("envs.main.localhost").text == "top"


@pytest.mark.parametrize("env", ["qa", "production"])
def test_read_commands_reach_every_environment_of_the_server(
    cli: Cli, project: Path, env: str
) -> None:
    versions = json.loads(ok(cli("versions", "list", "--env", env, "--json", cwd=project)).stdout)
    assert versions and all(v["environment"] == env for v in versions)
    ok(cli("secret", "put", "KEY", "--env", env, cwd=project, input="value"))
    secrets = json.loads(ok(cli("secret", "list", "--env", env, "--json", cwd=project)).stdout)
    assert [s["name"] for s in secrets] == ["KEY"]


def test_an_environment_the_server_does_not_have_is_the_servers_error(
    cli: Cli, project: Path
) -> None:
    run = cli("versions", "list", "--env", "nowhere", cwd=project)
    assert run.returncode == 1
    assert run.error_line == "error: environment 'nowhere' of service 'envs' not found"


def test_tail_follows_an_environment_without_a_block(
    server: Server, project: Path, tmp_path: Path
) -> None:
    env = cli_env(tmp_path / "config", HEARTH_URL=server.url, HEARTH_TOKEN=TOKEN)
    command = [sys.executable, "-m", "hearth", "tail", "--env", "qa", "--format", "json"]
    tail = subprocess.Popen(
        command, cwd=project, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        deadline = time.monotonic() + 30
        line = ""
        while not line and time.monotonic() < deadline:
            server.fetch("qa.envs.main.localhost", "/seen")
            line = _line_within(tail, 0.5)
        assert json.loads(line)["event"]["request"]["url"].endswith("/seen")
    finally:
        tail.terminate()
        tail.wait(10)


def _line_within(process: subprocess.Popen[str], seconds: float) -> str:
    import selectors

    assert process.stdout is not None
    with selectors.DefaultSelector() as selector:
        selector.register(process.stdout, selectors.EVENT_READ)
        if selector.select(seconds):
            return process.stdout.readline()
    if process.poll() is not None:
        raise AssertionError(
            f"hearth tail exited: {process.stderr.read() if process.stderr else ''}"
        )
    return ""
