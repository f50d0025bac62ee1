"""`/services/{service}/environments/{environment}/tail`: live trace events of an environment,
as a WebSocket or, with `Accept: text/event-stream`, as Server-Sent Events.

Both carry the same messages, one JSON object each: `{"type": "event", "event": {…}}` (the
event in Cloudflare's tail shape) and `{"type": "dropped", "count": N}` once a client that fell
behind has caught up. Refusals have the API's usual statuses and `{"error": …}` body; a
WebSocket is refused before the handshake with that same HTTP response.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterable

from fastapi import APIRouter, FastAPI, Request, WebSocket
from fastapi.responses import Response, StreamingResponse
from fastapi.security import HTTPAuthorizationCredentials
from starlette.background import BackgroundTask

from ..api import ERROR_RESPONSES, ApiContext, Caller, Ctx, authenticate, error_response
from ..control import ControlError, Invalid, Principal
from ._filters import FilterError, compile_filters, parse_query
from ._tails import BATCH_SIZE, Tail, TailRegistry

__all__ = ["router"]

router = APIRouter(tags=["tail"], responses=ERROR_RESPONSES)

PATH = "/services/{service}/environments/{environment}/tail"
BATCH_WAIT = 0.01  # seconds an event waits for the ones behind it (one write for all)
KEEPALIVE_SECONDS = 15.0  # an SSE comment this often: proxies keep the stream, dead peers show


class Unavailable(ControlError):
    status = 503
    default_code = "unavailable"


def _registry(app: FastAPI) -> TailRegistry:
    registry: TailRegistry | None = getattr(app.state, "tails", None)
    if registry is None:
        registry = app.state.tails = TailRegistry()
    return registry


async def _open_tail(
    ctx: ApiContext,
    app: FastAPI,
    principal: Principal,
    service: str,
    environment: str,
    params: Iterable[tuple[str, str]],
) -> Tail:
    """Validate the request (filters 400, unknown environment or version 404, limit 429) and
    subscribe a new tail to the node's trace bus."""
    try:
        query = parse_query(params)
    except FilterError as error:
        raise Invalid(str(error), code="invalid_request") from None
    if ctx.node is None:
        raise Unavailable("live logs need a running node; this API serves the control plane only")
    await ctx.plane.environments.get(principal, service, environment)
    version_id = None
    if query.version is not None:
        version = query.version  # parse_query let through only short ASCII numbers
        wanted: str | int = int(version) if version.isdigit() else version
        version_id = (await ctx.plane.versions.get(principal, service, environment, wanted)).id
    matches = compile_filters(
        query.filters,
        account=principal.account.id,
        service=service,
        environment=environment,
        version=version_id,
    )
    key = (principal.account.id, service, environment)
    return _registry(app).open(key, ctx.node.runtime.trace_bus, matches)


@router.get(
    PATH,
    response_class=StreamingResponse,
    responses={
        200: {"content": {"text/event-stream": {}}, "description": "The event stream"},
        426: {"description": "Neither a WebSocket nor `Accept: text/event-stream`"},
        429: {"description": "Too many tails of this environment"},
    },
)
async def tail_events(
    request: Request, ctx: Ctx, principal: Caller, service: str, environment: str
) -> Response:
    """Live trace events as Server-Sent Events (`Accept: text/event-stream`); the same path
    is a WebSocket. Query: `status` (repeatable: ok, error, canceled), `method` (repeatable),
    `header` (`name` or `name:value`), `search` (text in logs and exceptions), `sampling_rate`
    (0 < r ≤ 1), `version` (id or number). Each message is `event: <type>` and `data:` one JSON
    object, `{"type": "event", "event": {…}}`, `{"type": "events", "events": [{…}, …]}` (the
    events that were waiting, in order) or `{"type": "dropped", "count": N}`."""
    if "text/event-stream" not in request.headers.get("accept", ""):
        return error_response(
            426,
            "upgrade_required",
            "the tail is a WebSocket, or Server-Sent Events with 'Accept: text/event-stream'",
        )
    tail = await _open_tail(ctx, request.app, principal, service, environment, _params(request))
    return StreamingResponse(
        _sse(tail, f"{service}/{environment}"),
        media_type="text/event-stream",
        headers={"cache-control": "no-cache", "x-accel-buffering": "no"},
        # Also frees the slot if the stream ended before the generator ever ran.
        background=BackgroundTask(tail.close),
    )


async def _sse(tail: Tail, name: str) -> AsyncIterator[str]:
    try:
        yield f": live tail of {name}\n\n"  # headers and a first byte: the client sees it open
        while True:
            if await tail.wait(timeout=KEEPALIVE_SECONDS):
                kind, text = await _gathered(tail)
                yield f"event: {kind}\ndata: {text}\n\n"
            else:
                yield ": keep-alive\n\n"
    finally:
        tail.close()


def _params(connection: Request | WebSocket) -> list[tuple[str, str]]:
    return connection.query_params.multi_items()


@router.websocket(PATH)
async def tail_socket(websocket: WebSocket, service: str, environment: str) -> None:
    ctx: ApiContext = websocket.app.state.hearth
    params = _params(websocket)
    try:
        principal = await authenticate(ctx, _credentials(websocket, params))
        tail = await _open_tail(ctx, websocket.app, principal, service, environment, params)
    except ControlError as error:
        await _refuse(websocket, error)
        return
    try:
        await websocket.accept()
    except BaseException:  # the client left during the handshake: give its slot back
        tail.close()
        raise
    sender = asyncio.ensure_future(_send_all(websocket, tail))
    # Reading is how a closed connection (or the server shutting down) is noticed while no
    # event is coming; anything the client sends is ignored.
    receiver = asyncio.ensure_future(_until_disconnect(websocket))
    try:
        await asyncio.wait((sender, receiver), return_when=asyncio.FIRST_COMPLETED)
    finally:
        tail.close()
        for task in (sender, receiver):
            task.cancel()
        await asyncio.gather(sender, receiver, return_exceptions=True)


def _credentials(
    websocket: WebSocket, params: list[tuple[str, str]]
) -> HTTPAuthorizationCredentials | None:
    scheme, _, token = websocket.headers.get("authorization", "").partition(" ")
    if scheme.lower() == "bearer" and token.strip():
        return HTTPAuthorizationCredentials(scheme="Bearer", credentials=token.strip())
    # For clients that cannot set headers on a WebSocket (browsers).
    for key, value in params:
        if key == "token" and value:
            return HTTPAuthorizationCredentials(scheme="Bearer", credentials=value)
    return None


async def _refuse(websocket: WebSocket, error: ControlError) -> None:
    extra = {k: v for k, v in error.detail.items() if k not in ("code", "message")}
    response = error_response(error.status, error.code, error.message, **extra)
    if "websocket.http.response" in websocket.scope.get("extensions", {}):
        await websocket.send_denial_response(response)
        return
    # A server without the denial extension: accept, then close with a policy code and the
    # reason (which a close frame limits to 123 bytes).
    await websocket.accept()
    code = 1013 if error.status in (429, 503) else 1008
    await websocket.close(code, f"{error.status} {error.message}"[:123])


async def _send_all(websocket: WebSocket, tail: Tail) -> None:
    while True:
        await tail.wait()
        await websocket.send_text((await _gathered(tail))[1])


async def _gathered(tail: Tail) -> tuple[str, str]:
    """What waits and what arrives within `BATCH_WAIT` after it, as one message: a busy
    environment's tail costs one socket write per 10 ms instead of one per event. No wait
    when a full batch is already queued: a tail that waited every time could carry only
    `BATCH_SIZE` events per `BATCH_WAIT`, and would drop what a busy worker makes beyond."""
    if 0 < tail.waiting < BATCH_SIZE:
        await asyncio.sleep(BATCH_WAIT)
    return tail.take()


async def _until_disconnect(websocket: WebSocket) -> None:
    while (await websocket.receive())["type"] != "websocket.disconnect":
        pass
