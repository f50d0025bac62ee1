"""The anchor: the smallest ASGI hello-world, served by uvicorn with Hearth's settings."""

from __future__ import annotations

import sys

import uvicorn

HEADERS = [(b"content-type", b"text/plain;charset=UTF-8")]


async def app(scope, receive, send):
    if scope["type"] != "http":
        return
    await send({"type": "http.response.start", "status": 200, "headers": HEADERS})
    await send({"type": "http.response.body", "body": b"Hello from Hearth!"})


if __name__ == "__main__":
    uvicorn.run(
        app,
        host="127.0.0.1",
        port=int(sys.argv[1]),
        loop="uvloop",
        http="httptools",
        access_log=False,
        log_level="warning",
        lifespan="off",
        server_header=False,
    )
