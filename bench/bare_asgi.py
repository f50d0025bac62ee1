"""The anchor: the smallest ASGI hello-world, served by uvicorn with Hearth's settings."""

from __future__ import annotations

import sys

import uvicorn

BODY = b"Hello from Hearth!"
# The same header lines as Hearth's hello response, so both sides send identical responses
# (without a length uvicorn would frame the body chunked, and skip checking one header line).
HEADERS = [(b"content-type", b"text/plain;charset=UTF-8"), (b"content-length", b"%d" % len(BODY))]


async def app(scope, receive, send):
    if scope["type"] != "http":
        return
    await send({"type": "http.response.start", "status": 200, "headers": HEADERS})
    await send({"type": "http.response.body", "body": BODY})


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
