"""Running ASGI apps under uvicorn (uvloop + httptools where available)."""

from __future__ import annotations

import asyncio
import socket
from typing import Any

import uvicorn

from ..patterns import request_host
from ._limits import HEADER_TIMEOUT, MAX_HEADER_BYTES, limited_protocol


def make_server(
    app: Any,
    host: str,
    port: int,
    *,
    max_header_bytes: int = MAX_HEADER_BYTES,
    header_timeout: float = HEADER_TIMEOUT,
    **options: Any,
) -> uvicorn.Server:
    """uvicorn on httptools, with a limit on the size of request heads (431) and the time to
    send one (408): see `_limits`."""
    config = uvicorn.Config(
        app,
        host=host,
        port=port,
        loop="none",  # the caller owns the event loop (uvloop via run())
        http=limited_protocol(max_header_bytes, header_timeout),
        lifespan="on",
        access_log=False,
        log_level="warning",
        server_header=False,
        **options,
    )
    server = uvicorn.Server(config)
    server.install_signal_handlers = lambda: None  # type: ignore[attr-defined]  # the caller's loop owns signals
    return server


def https_redirect(https_port: int) -> Any:
    """A plain-HTTP ASGI app answering every request with a 308 to the same host, path and
    query over HTTPS on `https_port` (308, unlike 301, keeps the method and body)."""
    suffix = "" if https_port == 443 else f":{https_port}"

    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "lifespan":
            while (await receive())["type"] != "lifespan.shutdown":
                await send({"type": "lifespan.startup.complete"})
            await send({"type": "lifespan.shutdown.complete"})
            return
        if scope["type"] != "http":
            return  # a WebSocket upgrade is refused; the client retries on wss:// itself
        raw = next((v for k, v in scope["headers"] if k == b"host"), b"")
        host = request_host(raw.decode("latin-1"))
        if not host:
            status, headers = 400, []
        else:
            target = (scope.get("raw_path") or scope["path"].encode()).decode("latin-1")
            if scope["query_string"]:
                target += "?" + scope["query_string"].decode("latin-1")
            location = f"https://{host}{suffix}{target}"
            status, headers = 308, [(b"location", location.encode("latin-1"))]
        headers.append((b"content-length", b"0"))
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": b""})

    return app


def run(main: Any) -> Any:
    """Run a coroutine on uvloop when it is installed, plain asyncio otherwise."""
    try:
        import uvloop
    except ImportError:  # pragma: no cover - uvloop is a dependency; kept for other platforms
        return asyncio.run(main)
    return uvloop.run(main)


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]
