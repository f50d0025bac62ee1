"""The current invocation: what `print`, `logging`, `ctx.waitUntil` and bindings attach to."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable
from contextvars import ContextVar
from typing import Any

from ._trace import TraceEvent

#: Set for the duration of an invocation; bindings read it for depth and trace linking.
current_invocation: ContextVar[ExecutionContext | None] = ContextVar(
    "hearth_invocation", default=None
)


class ExecutionContext:
    """`ctx` of a fetch/RPC/scheduled handler (Cloudflare's ExecutionContext).

    It is also the runtime's book-keeping of the invocation (its trace event, pending
    `waitUntil` work, binding call depth): one object per request instead of two, as this is
    on the path of every request.
    """

    __slots__ = ("props", "trace", "env", "depth", "pending", "_partial")

    def __init__(
        self, trace: TraceEvent, env: Any, depth: int, props: dict[str, Any] | None = None
    ) -> None:
        self.props = props or {}
        self.trace = trace
        self.env = env
        self.depth = depth
        self.pending: list[asyncio.Future[Any]] | None = None
        self._partial: dict[str, str] | None = None  # level → unfinished printed line

    def waitUntil(self, awaitable: Awaitable[Any]) -> None:  # noqa: N802 - Cloudflare's name
        future = asyncio.ensure_future(awaitable)
        if self.pending is None:
            self.pending = []
        self.pending.append(future)

    wait_until = waitUntil

    def passThroughOnException(self) -> None:  # noqa: N802
        # There is no origin behind Hearth to fall through to; accepted so ported code runs.
        pass

    pass_through_on_exception = passThroughOnException

    def log(self, level: str, message: str) -> None:
        self.trace.logs.append(
            {"message": [message], "level": level, "timestamp": int(time.time() * 1000)}
        )

    def write(self, level: str, text: str) -> None:
        """Printed text: every complete line becomes one log entry."""
        if self._partial and level in self._partial:
            text = self._partial.pop(level) + text
        *lines, rest = text.split("\n")
        for line in lines:
            self.log(level, line)
        if rest:
            if self._partial is None:
                self._partial = {}
            self._partial[level] = rest

    def flush_logs(self) -> None:
        if self._partial:
            for level, rest in self._partial.items():
                self.log(level, rest)
            self._partial = None


def wait_until(awaitable: Awaitable[Any]) -> None:
    """Module-level `from workers import wait_until`: extends the current invocation."""
    invocation = current_invocation.get()
    if invocation is None:
        raise RuntimeError("wait_until() called outside of a worker invocation")
    invocation.waitUntil(awaitable)
