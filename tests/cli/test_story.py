"""The acceptance story of the CLI, each step a `python -m hearth` subprocess against a real
`hearth serve`: init → deploy → env create --from production → deploy --env staging with a
changed var → promote staging production → rollback → secret put (stdin) → versions list
--json → tail, which shows a request's `print` output and an exception."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
from pathlib import Path

from .conftest import TOKEN, Cli, Server, cli_env, ok

ENTRY = """\
from workers import Response, WorkerEntrypoint


class Default(WorkerEntrypoint):
    async def fetch(self, request):
        if request.url.endswith("/boom"):
            raise ValueError("the worker blew up")
        if request.url.endswith("/secret"):
            return Response(getattr(self.env, "API_KEY", "no secret"))
        print("tail sees this print")
        return Response(f"{self.env.GREETING} from story!")
"""


def _git(folder: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", "-C", str(folder), *args], capture_output=True, text=True, check=True
    )
    return done.stdout.strip()


def test_the_whole_story(cli: Cli, server: Server, tmp_path: Path) -> None:
    """Every step prints what it did, and the platform serves what the step says."""
    ok(cli("init", "story"))
    project = tmp_path / "story"
    (project / "src" / "entry.py").write_text(ENTRY)
    _git(project, "init", "-q")
    _git(
        project, "-c", "user.email=t@t", "-c", "user.name=t", "commit", "-qam", "x", "--allow-empty"
    )
    _git(project, "add", ".")
    _git(project, "-c", "user.email=t@t", "-c", "user.name=t", "commit", "-qm", "story")
    commit = _git(project, "rev-parse", "HEAD")

    first = ok(cli("deploy", "-m", "first", "--tag", "v1", cwd=project))
    assert "Created service story" in first.stderr
    assert "Deployed story (production) version 1" in first.stdout
    assert "http://story.main.localhost:" in first.stdout  # the environment URL
    assert "http://v1.production.story.main.localhost:" in first.stdout  # the version URL
    assert server.fetch("story.main.localhost").text == "Hello from story!"

    cloned = ok(cli("env", "create", "staging", "--from", "production", cwd=project))
    assert "Created environment staging of story from production" in cloned.stdout
    assert server.fetch("staging.story.main.localhost").text == "Hello from story!"

    config = project / "wrangler.toml"
    config.write_text(config.read_text().replace("Hello from staging", "Howdy"))
    staged = ok(cli("deploy", "--env", "staging", "-m", "new greeting", cwd=project))
    assert "Deployed story (staging) version 2" in staged.stdout
    assert server.fetch("staging.story.main.localhost").text == "Howdy from story!"

    promoted = ok(cli("promote", "staging", "production", cwd=project))
    assert promoted.stdout.splitlines()[:3] == [
        "Promoted staging to production of story: version 2",
        "  carried: staging's code",
        "  kept: production's own vars, secrets and bindings (--with-config carries staging's)",
    ]
    # Promotion moves code, not config: production keeps its own GREETING.
    assert server.fetch("story.main.localhost").text == "Hello from story!"

    rolled = ok(cli("rollback", "--yes", cwd=project))
    assert "now serving v1@100%" in rolled.stdout

    secret = ok(cli("secret", "put", "API_KEY", "--env", "staging", cwd=project, input="s3cret\n"))
    assert "s3cret" not in secret.stdout + secret.stderr  # never echoed
    assert "version 3 deployed" in secret.stdout
    assert server.fetch("staging.story.main.localhost", "/secret").text == "s3cret"

    listed = json.loads(
        ok(cli("versions", "list", "--env", "staging", "--json", cwd=project)).stdout
    )
    assert [v["number"] for v in listed] == [3, 2, 1]
    newest, upload, clone = listed
    assert newest["triggered_by"] == "secret" and newest["secrets"] == ["API_KEY"]
    assert upload["triggered_by"] == "upload"
    assert upload["message"] == "new greeting"
    assert upload["tag"] is None
    assert upload["git_commit"] == commit
    assert upload["vars"] == {"GREETING": "Howdy"}
    assert upload["author"] == "bootstrap"
    assert upload["service"] == "story" and upload["environment"] == "staging"
    assert upload["main_module"] == "entry.py"
    assert upload["compatibility_flags"] == ["python_workers"]
    assert upload["bindings"] == [] and upload["secrets"] == []
    assert upload["preview_url"].startswith("http://v2.staging.story.main.localhost:")
    assert clone["triggered_by"] == "clone"

    production = json.loads(ok(cli("versions", "list", "--json", cwd=project)).stdout)
    assert [(v["number"], v["triggered_by"]) for v in production] == [
        (2, "promotion"),
        (1, "upload"),
    ]
    assert production[0]["promoted_from"] == upload["id"]
    assert production[1]["message"] == "first" and production[1]["tag"] == "v1"
    status = json.loads(ok(cli("deployments", "status", "--json", cwd=project)).stdout)
    assert status["triggered_by"] == "rollback"
    assert status["versions"][0]["version_number"] == 1


def _follow(server: Server, tmp_path: Path, *args: str) -> tuple[subprocess.Popen[str], list[str]]:
    """`hearth tail ARGS` in the background; its stdout lines collect in the returned list."""
    env = cli_env(tmp_path / "config", HEARTH_URL=server.url, HEARTH_TOKEN=TOKEN)
    process = subprocess.Popen(
        [sys.executable, "-m", "hearth", "tail", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    lines: list[str] = []
    assert process.stdout is not None
    stdout = process.stdout
    threading.Thread(target=lambda: lines.extend(iter(stdout.readline, "")), daemon=True).start()
    return process, lines


def test_tail_shows_prints_and_exceptions(cli: Cli, server: Server, tmp_path: Path) -> None:
    """Three tails at once: pretty shows `GET … - Ok`, the `(log)` line and the exception
    with its traceback; json prints one event per line; `--status error` only failures."""
    ok(cli("init", "tailed"))
    project = tmp_path / "tailed"
    (project / "src" / "entry.py").write_text(ENTRY)
    ok(cli("deploy", cwd=project))
    pretty, pretty_lines = _follow(server, tmp_path, "--name", "tailed")
    as_json, json_lines = _follow(server, tmp_path, "--name", "tailed", "--format", "json")
    errors, error_lines = _follow(
        server, tmp_path, "--name", "tailed", "-f", "json", "--status", "error"
    )
    try:
        deadline = time.monotonic() + 30
        # The tails connect in their own time: requests repeat until both have seen them.
        while not (
            any("Exception Thrown" in line for line in pretty_lines)
            and any("(log) tail sees this print" in line for line in pretty_lines)
            and any('"exception"' in line for line in json_lines)
            and any('"tail sees this print"' in line for line in json_lines)
            and error_lines
        ):
            assert time.monotonic() < deadline, (pretty_lines, json_lines)
            server.fetch("tailed.main.localhost", "/hello")
            server.fetch("tailed.main.localhost", "/boom")
            time.sleep(0.3)
    finally:
        for process in (pretty, as_json, errors):
            process.terminate()
            process.wait(10)
    text = "".join(pretty_lines)
    assert "GET http://tailed.main.localhost/hello - Ok @ " in text
    assert "  (log) tail sees this print" in text
    assert "GET http://tailed.main.localhost/boom - Exception Thrown @ " in text
    assert "  ValueError: the worker blew up" in text
    assert "Traceback" in text or 'File "' in text
    events = [json.loads(line) for line in json_lines]
    failed = next(e for e in events if e["outcome"] == "exception")
    assert failed["exceptions"][0]["name"] == "ValueError"
    assert failed["exceptions"][0]["message"] == "the worker blew up"
    logged = next(e for e in events if e["outcome"] == "ok")
    assert logged["logs"][0]["message"] == ["tail sees this print"]
    assert {json.loads(line)["outcome"] for line in error_lines} == {"exception"}
