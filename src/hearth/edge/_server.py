"""Running ASGI apps under uvicorn (uvloop + httptools where available)."""

from __future__ import annotations

import asyncio
import socket
from typing import Any

import uvicorn


def make_server(app: Any, host: str, port: int, **options: Any) -> uvicorn.Server:
    config = uvicorn.Config(
        app,
        host=host,
        port=port,
        loop="none",  # the caller owns the event loop (uvloop via run())
        http="httptools",
        lifespan="on",
        access_log=False,
        log_level="warning",
        server_header=False,
        **options,
    )
    server = uvicorn.Server(config)
    server.install_signal_handlers = lambda: None  # type: ignore[method-assign]
    return server


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
