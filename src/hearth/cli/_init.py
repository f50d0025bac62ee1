"""`hearth init [NAME]`: a worker project that runs, tests and deploys as generated."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer

from ._errors import CliError
from ._output import out

__all__ = ["init"]

_NAME = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?")

_WRANGLER = """\
name = "{name}"
main = "src/entry.py"
compatibility_date = "{date}"
compatibility_flags = ["python_workers"]

[vars]
GREETING = "Hello"

# A preview environment of the same service: hearth deploy --env staging
[env.staging.vars]
GREETING = "Hello from staging"
"""

_ENTRY = """\
from workers import Response, WorkerEntrypoint


class Default(WorkerEntrypoint):
    async def fetch(self, request):
        print(f"{request.method} {request.url}")
        return Response(f"{self.env.GREETING} from {name}!")
"""

_TEST = '''\
"""Runs the worker with `hearth dev` on a free port and calls it over HTTP."""

import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_fetch_greets() -> None:
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "hearth", "dev", str(PROJECT), "--ip", "127.0.0.1",
         "--port", str(port), "--no-log-requests"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{{port}}/", timeout=5) as response:
                    body = response.read().decode()
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise
                time.sleep(0.2)
        assert body == "Hello from {name}!"
    finally:
        server.terminate()
        server.wait(timeout=10)
'''

_PYTEST_INI = """\
[pytest]
testpaths = tests
# The test is a plain function; pytest-asyncio, where installed, would warn about its unset
# loop scope. Remove this line to write async tests with it.
addopts = -p no:asyncio
"""

_GITIGNORE = """\
.hearth/
.dev.vars*
__pycache__/
.venv/
.pytest_cache/
"""


def init(
    name: Annotated[
        str | None, typer.Argument(help="Service name and directory (default: this directory).")
    ] = None,
) -> None:
    """Make a worker project: wrangler.toml, src/entry.py, a test, pytest.ini, .gitignore."""
    folder = Path(name) if name else Path(".")
    service = (name and Path(name).name) or Path.cwd().name
    service = service.lower()
    if not _NAME.fullmatch(service):
        raise CliError(
            f"{service!r} is not a service name: lowercase letters, digits and '-', at most 63"
        )
    files = {
        "wrangler.toml": _WRANGLER.format(name=service, date=datetime.now(UTC).date().isoformat()),
        "src/entry.py": _ENTRY.replace("{name}", service),
        "tests/test_entry.py": _TEST.format(name=service),
        "pytest.ini": _PYTEST_INI,
        ".gitignore": _GITIGNORE,
    }
    existing = [path for path in files if (folder / path).exists()]
    if existing:
        raise CliError(f"{folder / existing[0]} exists already: init makes new projects only")
    for path, text in files.items():
        target = folder / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    out.print(f"Created worker project {service} in {folder.resolve()}")
    hint = f"cd {name} && " if name else ""
    out.print(f"  run it:    {hint}hearth dev")
    out.print(f"  test it:   {hint}python -m pytest tests")
    out.print(f"  deploy it: {hint}hearth deploy")
