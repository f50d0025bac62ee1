"""On a terminal, tokens and secret values are asked for with a hidden prompt: what is typed
is never echoed (a real pseudo-terminal, the CLI as a subprocess)."""

from __future__ import annotations

import os
import pty
import select
import signal
import sys
import time
from pathlib import Path

from .conftest import TOKEN, Cli, Server, cli_env, ok


def _on_terminal(args: list[str], env: dict[str, str], answer: str, cwd: Path) -> tuple[int, str]:
    """Run `python -m hearth ARGS` on a pty; type `answer` after the prompt; return the exit
    status and everything the terminal showed."""
    pid, fd = pty.fork()
    if pid == 0:  # the child: its stdin/stdout/stderr are the terminal
        os.chdir(cwd)
        os.execve(sys.executable, [sys.executable, "-m", "hearth", *args], env)
    shown = b""
    answered = False
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.2)
        if ready:
            try:
                chunk = os.read(fd, 4096)
            except OSError:  # the child closed the terminal
                break
            if not chunk:
                break
            shown += chunk
        # Click prints "Value of X:" first and the final " " once echo is off (getpass
        # flushes what was typed before): answer only then.
        if not answered and b": " in shown:
            os.write(fd, answer.encode() + b"\n")
            answered = True
    else:
        os.kill(pid, signal.SIGKILL)  # never a hung test: the child is ours
    _, status = os.waitpid(pid, 0)
    os.close(fd)
    return os.waitstatus_to_exitcode(status), shown.decode(errors="replace")


def test_secret_put_asks_without_echo(cli: Cli, server: Server, tmp_path: Path) -> None:
    ok(cli("init", "prompted"))
    ok(cli("deploy", cwd=tmp_path / "prompted"))
    env = cli_env(tmp_path / "cfg", HEARTH_URL=server.url, HEARTH_TOKEN=TOKEN)
    code, shown = _on_terminal(
        ["secret", "put", "API_KEY"], env, "typed-secret-value", tmp_path / "prompted"
    )
    assert code == 0, shown
    assert "Value of API_KEY:" in shown
    assert "typed-secret-value" not in shown
    assert "Secret API_KEY set on prompted (production): version 2 deployed" in shown


def test_login_asks_for_the_token_without_echo(server: Server, tmp_path: Path) -> None:
    env = cli_env(tmp_path / "cfg")
    code, shown = _on_terminal(["login", "--url", server.url], env, TOKEN, tmp_path)
    assert code == 0, shown
    assert "API token:" in shown and TOKEN not in shown
    assert TOKEN in (tmp_path / "cfg" / "hearth" / "config.toml").read_text()
