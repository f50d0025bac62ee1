"""`asgi.fetch(app, request, env)`: run any ASGI app (FastAPI, Starlette…) as a worker.

As in Cloudflare's Python Workers, `request.scope["env"]` holds the worker's env. The app's
lifespan startup runs once, before its first request.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import unquote

from hearth.fetch import URL, Request, Response

_started: dict[int, asyncio.Future[None]] = {}


async def fetch(app: Any, request: Request, env: Any = None, ctx: Any = None) -> Response:
    request = getattr(request, "js_object", request)
    await _startup(app)
    scope = _scope(request, env)
    body = request.body
    chunks = body.__aiter__() if body is not None else None
    response_started: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
    queue: asyncio.Queue[bytes | None] = asyncio.Queue()
    finished = asyncio.Event()

    request_done = False

    async def receive() -> dict[str, Any]:
        nonlocal request_done
        if not request_done:
            if chunks is not None:
                try:
                    chunk = await chunks.__anext__()
                    return {"type": "http.request", "body": chunk, "more_body": True}
                except StopAsyncIteration:
                    pass
            request_done = True
            return {"type": "http.request", "body": b"", "more_body": False}
        await finished.wait()  # frameworks poll for disconnect while streaming; answer at the end
        return {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            response_started.set_result(message)
        elif message["type"] == "http.response.body":
            data = message.get("body", b"")
            if data:
                queue.put_nowait(data)
            if not message.get("more_body", False):
                queue.put_nowait(None)

    task = asyncio.ensure_future(app(scope, receive, send))
    await asyncio.wait({task, response_started}, return_when=asyncio.FIRST_COMPLETED)
    if not response_started.done():
        task.result()  # the app failed before responding: raise its error
        raise RuntimeError("ASGI app returned without sending a response")
    start = response_started.result()

    async def stream() -> AsyncIterator[bytes]:
        try:
            while (chunk := await queue.get()) is not None:
                yield chunk
            await task
        finally:
            finished.set()

    headers = [(k.decode("latin-1"), v.decode("latin-1")) for k, v in start.get("headers", [])]
    status = start["status"]
    has_body = status not in (101, 204, 205, 304) and request.method != "HEAD"
    if not has_body:
        finished.set()
    return Response(stream() if has_body else None, status=status, headers=headers)


def _scope(request: Request, env: Any) -> dict[str, Any]:
    url = URL(request.url)
    scheme = url.protocol.rstrip(":")
    port = int(url.port) if url.port else (443 if scheme == "https" else 80)
    return {
        "type": "http",
        "asgi": {"version": "3.0", "spec_version": "2.3"},
        "http_version": "1.1",
        "method": request.method,
        "scheme": scheme,
        "path": unquote(url.pathname),
        "raw_path": url.pathname.encode(),
        "query_string": url.search.removeprefix("?").encode(),
        "root_path": "",
        "headers": [(k.encode("latin-1"), v.encode("latin-1")) for k, v in request.headers.items()],
        "server": (url.hostname, port),
        "client": None,
        "env": env,
        "state": {},
    }


async def _startup(app: Any) -> None:
    """Run the app's lifespan startup once; apps without lifespan support are fine."""
    key = id(app)
    started = _started.get(key)
    if started is None:
        started = _started[key] = asyncio.get_running_loop().create_future()
        asyncio.ensure_future(_lifespan(app, started))
    await started


async def _lifespan(app: Any, started: asyncio.Future[None]) -> None:
    sent = False

    async def receive() -> dict[str, Any]:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "lifespan.startup"}
        await asyncio.Future()  # the app lives as long as the process; shutdown never comes
        return {}

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "lifespan.startup.failed":
            started.set_exception(RuntimeError(message.get("message", "lifespan startup failed")))
        elif not started.done():
            started.set_result(None)

    try:
        await app({"type": "lifespan", "asgi": {"version": "3.0"}, "state": {}}, receive, send)
    except Exception:
        pass  # no lifespan support
    if not started.done():
        started.set_result(None)
