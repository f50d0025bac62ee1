"""The current invocation: what `print`, `logging`, `ctx.waitUntil` and bindings attach to."""

from __future__ import annotations

import asyncio
import itertools
import time
from collections.abc import Awaitable
from contextvars import ContextVar
from time import perf_counter
from typing import Any

from ..fetch import Request

#: Set for the duration of an invocation; bindings read it for depth and trace linking.
current_invocation: ContextVar[ExecutionContext | None] = ContextVar(
    "hearth_invocation", default=None
)

_trace_ids = itertools.count(1)
# perf_counter is cheaper than time.time() per request; the offset turns one into the other.
_EPOCH_OFFSET = time.time() - perf_counter()


#: The request headers that choose a version of a deployment (the edge reads them); a
#: service-binding call passes them on, so a pinned or overridden request stays so downstream.
VERSION_KEY_HEADER = b"hearth-version-key"
VERSION_OVERRIDE_HEADER = b"hearth-version-override"

#: Cloudflare keeps 128 KB of logs per invocation; past that, lines are dropped (and the
#: trace event says `truncated`), so a worker printing in a loop cannot grow the server.
MAX_LOG_BYTES = 128 * 1024
LOGS_TRUNCATED = (
    f"Log size limit exceeded: this invocation's logs past {MAX_LOG_BYTES // 1024} KB were dropped"
)


class ExecutionContext:
    """`ctx` of a fetch/RPC/scheduled handler (Cloudflare's ExecutionContext).

    It is also the runtime's whole record of the invocation — what ran, its logs, exceptions,
    outcome and timings, pending `waitUntil` work, binding call depth — so a request creates one
    object, and a `TraceEvent` view of it only when somebody subscribes to traces.
    """

    # No __slots__ on purpose: the fields most invocations never touch live as class-level
    # defaults, so creating a context stores only what every invocation has.
    entrypoint: str | None = None
    status: int | None = None
    outcome = "ok"
    logs: list[dict[str, Any]] | None = None
    exceptions: list[dict[str, Any]] | None = None
    wall_time_ms = 0.0
    cpu_time_ms = 0.0
    pending: list[asyncio.Future[Any]] | None = None
    _partial: dict[str, str] | None = None  # level → unfinished printed line
    log_bytes = 0  # the UTF-8 size of the messages logged so far
    logs_truncated = False
    _trace_id: int | None = None
    _props: dict[str, Any] | None = None
    # Service bindings keep their per-request state here, as class defaults so that requests
    # using no binding pay nothing: on the top-level context, how many worker invocations the
    # request has made so far (itself included, limit 32); on any context, the version-key
    # headers its subrequests inherit (worked out on first use).
    invocations = 1
    version_headers: list[tuple[bytes, bytes]] | None = None

    def __init__(
        self,
        version: Any,  # the VersionSpec that runs
        kind: str,  # "fetch", "rpc", "scheduled", "alarm"
        event: Any,  # the Request of Default's fetch, else an event of ._events
        env: Any,
        parent: ExecutionContext | None,
        props: dict[str, Any] | None = None,
    ) -> None:
        # Runtime.invoke sets these same fields itself, without this call: keep the two alike.
        self.env = env
        self.depth: int = 1 if parent is None else parent.depth + 1
        self.version = version
        self.kind = kind
        self.event = event
        self.parent = parent
        self.started = perf_counter()
        if props is not None:
            self._props = props

    @property
    def request(self) -> Any:
        """The Request of a fetch invocation (the event itself for Default's fetch), else None."""
        event = self.event
        return event if isinstance(event, Request) else getattr(event, "request", None)

    @property
    def props(self) -> dict[str, Any]:
        """Cloudflare's `ctx.props`: what the binding that called this worker passed along."""
        if self._props is None:
            self._props = {}
        return self._props

    @property
    def timestamp(self) -> float:
        """When the invocation started, in seconds since the epoch."""
        return _EPOCH_OFFSET + self.started

    @property
    def trace_id(self) -> int:
        """Numbered on first use: only invocations that are linked or reported need one."""
        if self._trace_id is None:
            self._trace_id = next(_trace_ids)
        return self._trace_id

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
        if self.logs_truncated:
            return
        self.log_bytes += len(message.encode("utf-8", "replace"))
        if self.log_bytes > MAX_LOG_BYTES:
            self.logs_truncated = True
            level, message = "warn", LOGS_TRUNCATED
        entry = {"message": [message], "level": level, "timestamp": int(time.time() * 1000)}
        if self.logs is None:
            self.logs = [entry]
        else:
            self.logs.append(entry)

    def record_exception(self, record: dict[str, Any]) -> None:
        if self.exceptions is None:
            self.exceptions = [record]
        else:
            self.exceptions.append(record)

    def write(self, level: str, text: str) -> None:
        """Printed text: every complete line becomes one log entry."""
        if self._partial and level in self._partial:
            text = self._partial.pop(level) + text
        *lines, rest = text.split("\n")
        for line in lines:
            self.log(level, line)
        if len(rest) > MAX_LOG_BYTES:  # a line that never ends is logged (and capped) anyway
            self.log(level, rest)
        elif rest:
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
