"""`workers.wsgi.fetch(app, request, env)`: run a WSGI app (Flask, Django) as a worker.

The app runs in a thread pool (a2wsgi); `environ["env"]` holds the worker's env.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from a2wsgi import WSGIMiddleware

from hearth.fetch import Request, Response

from .. import asgi

_adapters: dict[int, WSGIMiddleware] = {}


def _with_env(app: Callable[..., Iterable[bytes]]) -> Callable[..., Iterable[bytes]]:
    def wsgi_app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        environ["env"] = environ["asgi.scope"].get("env")
        return app(environ, start_response)

    return wsgi_app


async def fetch(app: Any, request: Request, env: Any = None, ctx: Any = None) -> Response:
    adapter = _adapters.get(id(app))
    if adapter is None:
        adapter = _adapters[id(app)] = WSGIMiddleware(_with_env(app))
    return await asgi.fetch(adapter, request, env)
