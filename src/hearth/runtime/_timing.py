"""CPU time of one coroutine, counted only while it runs (not while it awaits I/O).

"CPU time" is the time the coroutine held the event loop, summed over its steps, measured with
`perf_counter` (a vDSO call, ~60 ns, where `thread_time` is a ~750 ns syscall on these machines).
On a single-threaded loop that is exactly the time a CPU limit must bound.
"""

from __future__ import annotations

from collections.abc import Generator
from time import perf_counter
from typing import Any

_NOTHING = object()


class CpuTimed:
    """Awaitable wrapper that adds up thread CPU time across each step of the coroutine.

    Stepping the inner coroutine by hand is what makes the figure exact under concurrency,
    and it is the place where a per-invocation CPU limit hooks in.
    """

    __slots__ = ("_inner", "_into", "_first", "cpu")

    def __init__(
        self,
        inner: Generator[Any, Any, Any],
        into: Any,
        first: Any = _NOTHING,
        cpu: float = 0.0,
    ) -> None:
        # `into`: what gets `cpu_time_ms` when the coroutine ends (the invocation's context).
        # `first` is what the inner coroutine yielded when the caller already took its first
        # step by hand (the fast path for handlers that finish without awaiting).
        self._inner = inner
        self._into = into
        self._first = first
        self.cpu = cpu

    def __await__(self) -> Generator[Any, Any, Any]:
        inner = self._inner
        send_value: Any = None
        error: BaseException | None = None
        if self._first is not _NOTHING:
            try:
                send_value = yield self._first
            except BaseException as thrown:
                error = thrown
        while True:
            start = perf_counter()
            try:
                if error is None:
                    yielded = inner.send(send_value)
                else:
                    yielded = inner.throw(error)
            except StopIteration as done:
                self.cpu += perf_counter() - start
                self._into.cpu_time_ms = self.cpu * 1000
                return done.value
            except BaseException:
                self.cpu += perf_counter() - start
                self._into.cpu_time_ms = self.cpu * 1000
                raise
            self.cpu += perf_counter() - start
            try:
                send_value = yield yielded
                error = None
            except BaseException as thrown:  # cancellation and friends go to the inner coroutine
                send_value, error = None, thrown
