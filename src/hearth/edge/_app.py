"""The ASGI app for workers traffic: resolve the request to a version, invoke, respond.

Plain ASGI on purpose (no framework on the hot path); see docs/ARCHITECTURE.md, "Performance principles".
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from ..fetch import Response, request_from_asgi, response_messages, send_response
from ..runtime import Runtime

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]

#: Decides which loaded version serves a request; a Response answers it directly
#: (an unknown host, or `hearth dev`'s error page while the code does not load); an awaitable
#: of either is the slow path (a version that must be loaded first).
Resolver = Callable[[Scope], "str | Response | Awaitable[str | Response]"]

log = logging.getLogger("hearth.edge")

# A tuple, not `str | Response`: that expression would build a union object on every request.
_ANSWERS = (str, Response)


def worker_exception_response() -> Response:
    # Short on purpose: the traceback belongs in the trace event, never in the client's body.
    return Response("Worker threw exception", status=500)


class EdgeApp:
    def __init__(self, runtime: Runtime, resolve: Resolver) -> None:
        self.runtime = runtime
        self.resolve = resolve
        self.on_startup: list[Callable[[], Awaitable[None]]] = []
        self.on_shutdown: list[Callable[[], Awaitable[None]]] = []

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            target = self.resolve(scope)
            if not isinstance(target, _ANSWERS):
                target = await target  # the slow path: e.g. a preview version loaded on demand
            if type(target) is str:
                request = request_from_asgi(scope, receive)
                try:
                    response = await self.runtime.invoke(target, request)
                except Exception:
                    response = worker_exception_response()
            else:
                response = target
            head = scope["method"] == "HEAD"
            messages = response_messages(response, head=head)
            if messages is None:  # a streamed body
                await send_response(response, send, head=head)
            else:  # bytes in memory, the common case: no coroutine in between
                await send(messages[0])
                await send(messages[1])
        elif scope["type"] == "lifespan":
            await self._lifespan(receive, send)

    async def _lifespan(self, receive: Receive, send: Send) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                try:
                    for hook in self.on_startup:
                        await hook()
                except Exception as error:
                    log.exception("startup failed")
                    await send({"type": "lifespan.startup.failed", "message": str(error)})
                    return
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                for hook in self.on_shutdown:
                    await hook()
                await send({"type": "lifespan.shutdown.complete"})
                return
