"""CPU time of one coroutine, counted only while it runs (not while it awaits I/O)."""

from __future__ import annotations

from collections.abc import Generator
from time import perf_counter as thread_time  # see module docstring
from types import CoroutineType
from typing import Any

_NOTHING = object()


class CpuTimed:
    """Awaitable wrapper that adds up thread CPU time across each step of the coroutine.

    Stepping the inner coroutine by hand is what makes the figure exact under concurrency,
    and it is the place where a per-invocation CPU limit hooks in.
    """

    __slots__ = ("_inner", "_first", "cpu")

    def __init__(
        self, inner: Generator[Any, Any, Any], first: Any = _NOTHING, cpu: float = 0.0
    ) -> None:
        # `first` is what the inner coroutine yielded when the caller already took its first
        # step by hand (the fast path for handlers that finish without awaiting).
        self._inner = inner
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
            start = thread_time()
            try:
                if error is None:
                    yielded = inner.send(send_value)
                else:
                    yielded = inner.throw(error)
            except StopIteration as done:
                self.cpu += thread_time() - start
                return done.value
            except BaseException:
                self.cpu += thread_time() - start
                raise
            self.cpu += thread_time() - start
            try:
                send_value = yield yielded
                error = None
            except BaseException as thrown:  # cancellation and friends go to the inner coroutine
                send_value, error = None, thrown


async def run_timed(call: Any) -> tuple[Any, float]:
    """Await `call` and return (result, CPU seconds spent inside it)."""
    inner = call if type(call) is CoroutineType else call.__await__()
    start = thread_time()
    try:
        first = inner.send(None)
    except StopIteration as done:  # finished without suspending: no wrapper needed
        return done.value, thread_time() - start
    timed = CpuTimed(inner, first, thread_time() - start)
    return await timed, timed.cpu
