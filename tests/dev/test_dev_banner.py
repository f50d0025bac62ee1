"""`hearth dev`'s start-up banner lists the worker's bindings as wrangler does, and on a
terminal it answers single keys: `b` opens a browser, `c` clears, `x` exits."""

from __future__ import annotations

import os
import pty
import select
import subprocess
import sys
import time
from pathlib import Path

from hearth.dev import load_project_config as load_config
from hearth.dev._banner import binding_lines
from hearth.edge._server import free_port

from .conftest import EXAMPLES

CONFIG = """
name = "gateway"
main = "src/entry.py"
compatibility_date = "2025-09-01"
vars = { GREETING = "hello", LIMITS = { max = 3 } }

[[kv_namespaces]]
binding = "CACHE"
id = "abc123"

[[services]]
binding = "AUTH"
service = "auth"

[[services]]
binding = "BILLING"
service = "billing"
environment = "staging"

[[durable_objects.bindings]]
name = "COUNTER"
class_name = "Counter"
script_name = "counters"
"""


def test_the_banner_lists_every_binding_with_its_resource_and_mode(tmp_path: Path) -> None:
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "entry.py").write_text("")
    (tmp_path / "wrangler.toml").write_text(CONFIG)
    (tmp_path / ".dev.vars").write_text("API_KEY=s3cret\n")
    lines = binding_lines(load_config(tmp_path), running={"gateway", "auth"})
    assert lines == [
        "Your worker has access to the following bindings:",
        '  env.GREETING ("hello")                      Environment Variable  local',
        '  env.LIMITS ("{"max": 3}")                   Environment Variable  local',
        '  env.API_KEY ("(hidden)")                    Secret (.dev.vars)    local',
        "  env.CACHE (abc123)                          KV Namespace          local",
        "  env.AUTH (auth)                             Worker                local",
        "  env.BILLING (billing@staging)               Worker                not connected",
        "  env.COUNTER (Counter, defined in counters)  Durable Object        local",
    ]
    assert "s3cret" not in "\n".join(lines)


def test_on_a_terminal_x_exits_the_session() -> None:
    leader, follower = pty.openpty()
    command = [sys.executable, "-m", "hearth", "dev", str(EXAMPLES / "hello")]
    command += ["--ip", "127.0.0.1", "--port", str(free_port())]
    process = subprocess.Popen(
        command,
        stdin=follower,
        stdout=follower,
        stderr=follower,
        env={**os.environ, "COLUMNS": "200"},
    )
    os.close(follower)
    seen = b""
    try:
        deadline = time.monotonic() + 30
        while b"[x] to exit" not in seen and time.monotonic() < deadline:
            if select.select([leader], [], [], 0.5)[0]:
                seen += os.read(leader, 4096)
        assert b"[b] open a browser, [c] clear console, [x] to exit" in seen
        os.write(leader, b"x")
        assert process.wait(timeout=15) == 0
    finally:
        if process.poll() is None:
            process.kill()
        os.close(leader)
