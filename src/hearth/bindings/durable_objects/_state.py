"""`DurableObjectState`: the `self.ctx` of a Durable Object, which lives as long as it does."""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Awaitable, Callable
from typing import Any, Protocol

from ...runtime import current_invocation
from ._ids import DurableObjectId
from ._storage import ObjectStorage


class ObjectLife(Protocol):
    """What the state asks of the object it belongs to (the manager's `LiveObject`)."""

    def block(self, task: asyncio.Future[Any]) -> None: ...

    def reset(self) -> None: ...


class DurableObjectAbort(RuntimeError):
    """Raised by `ctx.abort()`: the object is reset, its next event gets a new instance."""


class DurableObjectState:
    """`self.ctx`: `id`, `storage`, `blockConcurrencyWhile`, `waitUntil`, `abort`."""

    def __init__(self, live: ObjectLife, object_id: DurableObjectId, storage: ObjectStorage):
        self._live = live
        self.id = object_id
        self.storage = storage

    def blockConcurrencyWhile(  # noqa: N802 - Cloudflare's name
        self, callback: Callable[[], Awaitable[Any]] | Awaitable[Any]
    ) -> asyncio.Future[Any]:
        """Run `callback` with no other event delivered to the object until it finishes;
        usable from `__init__` without `await` (as Cloudflare's examples do). If it raises,
        the object is reset."""
        awaitable = callback() if callable(callback) else callback
        if not inspect.isawaitable(awaitable):
            future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
            future.set_result(awaitable)
            return future
        task = asyncio.ensure_future(awaitable)
        self._live.block(task)
        return task

    block_concurrency_while = blockConcurrencyWhile

    def waitUntil(self, awaitable: Awaitable[Any]) -> None:  # noqa: N802
        invocation = current_invocation.get()
        if invocation is not None:
            invocation.waitUntil(awaitable)
        else:
            asyncio.ensure_future(awaitable)

    wait_until = waitUntil

    def abort(self, reason: str | None = None) -> None:
        """Reset the object: its unconfirmed writes are dropped, this event fails with
        `DurableObjectAbort`, and the next event meets a new instance."""
        self._live.reset()
        raise DurableObjectAbort(reason or "Durable Object was aborted")
