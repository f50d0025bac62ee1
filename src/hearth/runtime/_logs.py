"""Route `print` and `logging` output of user code into the current invocation's trace.

Installed once per process: `sys.stdout`/`sys.stderr` become routers that hand a line to the
running invocation (looked up in a ContextVar) and pass everything else through unchanged.
"""

from __future__ import annotations

import logging
import sys
from typing import Any, TextIO, cast

from ._context import current_invocation

_LEVELS = {
    logging.DEBUG: "debug",
    logging.INFO: "info",
    logging.WARNING: "warn",
    logging.ERROR: "error",
    logging.CRITICAL: "error",
}


class _StreamRouter:
    """A text stream that sends what is written inside an invocation to its logs."""

    def __init__(self, target: TextIO, level: str) -> None:
        self._target = target
        self._level = level

    def write(self, text: str) -> int:
        invocation = current_invocation.get()
        if invocation is None:
            return self._target.write(text)
        invocation.write(self._level, text)
        return len(text)

    def flush(self) -> None:
        self._target.flush()

    def __getattr__(self, name: str) -> object:
        return getattr(self._target, name)


def worker_print(
    *values: object,
    sep: str | None = " ",
    end: str | None = "\n",
    file: Any = None,
    flush: bool = False,
) -> None:
    """The `print` user modules see: into the invocation's logs, whatever sys.stdout is now."""
    invocation = current_invocation.get()
    if invocation is None or (
        file is not None and file is not sys.stdout and file is not sys.stderr
    ):
        print(*values, sep=sep, end=end, file=file, flush=flush)
        return
    text = (" " if sep is None else sep).join(map(str, values)) + ("\n" if end is None else end)
    invocation.write("error" if file is sys.stderr else "log", text)


class _InvocationLogHandler(logging.Handler):
    """Records `logging` calls made inside an invocation; outside one, prints as usual."""

    def __init__(self, fallback: TextIO) -> None:
        super().__init__()
        self._fallback = logging.StreamHandler(fallback)

    def emit(self, record: logging.LogRecord) -> None:
        invocation = current_invocation.get()
        if invocation is None:
            self._fallback.handle(record)
            return
        level = _LEVELS.get(record.levelno, "log")
        try:
            invocation.log(level, record.getMessage())
        except Exception:  # a bad format string in user code must not break the request
            self.handleError(record)


_handler: _InvocationLogHandler | None = None


def install_log_capture() -> None:
    """Idempotent: wraps stdout/stderr and attaches the logging handler to the root logger.

    Re-wraps when something (a test runner's capture) replaced the streams since. The root
    logger is set to INFO so a worker's `logging.info(...)` reaches its logs as Cloudflare
    shows them; the platform's own loggers do not propagate to the root.
    """
    global _handler
    if not isinstance(sys.stdout, _StreamRouter) or not isinstance(sys.stderr, _StreamRouter):
        out = _StreamRouter(sys.stdout, "log")
        err = _StreamRouter(sys.stderr, "error")
        sys.stdout, sys.stderr = out, err
    if _handler is None:
        _handler = _InvocationLogHandler(cast(TextIO, sys.__stderr__ or sys.stderr))
        root = logging.getLogger()
        root.addHandler(_handler)
        if root.level > logging.INFO or root.level == logging.NOTSET:
            root.setLevel(logging.INFO)
            # Libraries that narrate every call at INFO would drown a worker's own lines.
            for name in ("httpx", "httpcore", "alembic", "asyncio"):
                logging.getLogger(name).setLevel(logging.WARNING)
