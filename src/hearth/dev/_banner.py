"""What `hearth dev` says when it starts: the worker's bindings, as wrangler lists them, and
the keys a terminal session answers to (`b` open a browser, `c` clear, `x` exit)."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import sys
import termios
import tty
from collections.abc import Callable, Iterator

from ..bindings import declared_bindings
from ..config import WorkerConfig

__all__ = ["HOTKEYS", "binding_lines", "hotkeys"]

HOTKEYS = "[b] open a browser, [c] clear console, [x] to exit"


def binding_lines(config: WorkerConfig, running: set[str]) -> list[str]:
    """`env.NAME (resource)  Type  mode`, one per binding; `running` is the services this
    session runs (a binding to another one is `not connected`)."""
    rows: list[tuple[str, str, str]] = []
    for name, value in config.vars.items():
        shown = value if isinstance(value, str) else json.dumps(value)
        shown = shown if len(shown) <= 30 else shown[:29] + "…"
        rows.append((f'env.{name} ("{shown}")', "Environment Variable", "local"))
    for name in config.secrets:
        rows.append((f'env.{name} ("(hidden)")', "Secret (.dev.vars)", "local"))
    rows += [binding.describe(running) for binding in declared_bindings(config)]
    if not rows:
        return []
    widths = [max(len(row[i]) for row in rows) for i in range(2)]
    lines = ["Your worker has access to the following bindings:"]
    lines += [f"  {a:<{widths[0]}}  {b:<{widths[1]}}  {c}" for a, b, c in rows]
    return lines


@contextlib.contextmanager
def hotkeys(actions: dict[str, Callable[[], object]]) -> Iterator[bool]:
    """Read single keys from a terminal while the session runs (yields whether it does):
    the terminal is in cbreak mode, no Enter needed, and restored on the way out."""
    stdin = sys.stdin
    if not (stdin.isatty() and sys.stdout.isatty()):
        yield False
        return
    fd = stdin.fileno()
    saved = termios.tcgetattr(fd)
    loop = asyncio.get_running_loop()

    def read() -> None:
        action = actions.get(os.read(fd, 1).decode(errors="replace").lower())
        if action is not None:
            action()

    tty.setcbreak(fd)
    loop.add_reader(fd, read)
    try:
        yield True
    finally:
        loop.remove_reader(fd)
        termios.tcsetattr(fd, termios.TCSADRAIN, saved)
