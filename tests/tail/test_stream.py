"""The tail endpoint itself, with plain clients: Server-Sent Events over httpx, the WebSocket
framing, backpressure (a stalled client) and the limit of concurrent tails."""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any

import httpx
import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import InvalidStatus

from hearth.edge._server import free_port, make_server
from hearth.server import platform_api

from .conftest import DOMAIN, Live, until

SSE = {"accept": "text/event-stream"}


def ws_url(live: Live, query: str = "") -> str:
    return live.tail_path.replace("http://", "ws://") + query


async def sse_messages(response: httpx.Response, count: int) -> list[dict[str, Any]]:
    """The first `count` messages of an event stream, checking each `event:` names its type."""
    messages: list[dict[str, Any]] = []
    kind = None
    async with asyncio.timeout(10):
        async for line in response.aiter_lines():
            if line.startswith("event: "):
                kind = line.removeprefix("event: ")
            elif line.startswith("data: "):
                message = json.loads(line.removeprefix("data: "))
                assert message["type"] == kind
                messages.append(message)
                if len(messages) == count:
                    return messages
    raise AssertionError("the stream ended")


async def test_server_sent_events_with_plain_httpx(live: Live):
    """`Accept: text/event-stream` gets the same messages as the WebSocket, as SSE
    (`event: event`, `data: {"type": "event", "event": {…}}`); closing the stream closes the
    tail."""
    headers = {**SSE, "authorization": f"Bearer {live.token}"}
    async with httpx.AsyncClient(timeout=10) as client:
        async with client.stream("GET", live.tail_path, headers=headers) as response:
            assert response.status_code == 200
            assert response.headers["content-type"].startswith("text/event-stream")
            await until(lambda: live.tails == 1)
            await live.call("/over-sse")
            (message,) = await sse_messages(response, 1)
    assert message["event"]["event"]["request"]["url"].endswith("/over-sse")
    assert message["event"]["logs"][0]["message"] == ["handling GET /over-sse"]
    await until(lambda: live.tails == 0)


@pytest.mark.parametrize(
    ("path", "query", "token", "status", "message"),
    [
        ("shop/environments/production", "", "other", 404, "service 'shop' not found"),
        ("shop/environments/staging", "", "main", 404, "staging"),
        ("shop/environments/production", "?sampling_rate=2", "main", 400, "sampling_rate: 2 "),
        ("shop/environments/production", "?status=ok&statuz=x", "main", 400, "'statuz'"),
        ("shop/environments/production", "?search=a&search=b", "main", 400, "search: given"),
        ("shop/environments/production", "", None, 401, "missing API token"),
    ],
)
async def test_sse_refusals_have_the_apis_error_shape(
    live: Live, path: str, query: str, token: str | None, status: int, message: str
):
    """Another account's service, an unknown environment, a bad or unknown filter and a
    missing token: the API's status and `{"error": {"code", "message"}}` naming the problem."""
    headers = dict(SSE)
    if token is not None:
        value = live.token if token == "main" else live.other_token
        headers["authorization"] = f"Bearer {value}"
    url = f"{live.api_url}/api/v1/services/{path}/tail{query}"
    async with httpx.AsyncClient() as client:
        response = await client.get(url, headers=headers)
    assert response.status_code == status
    assert message in response.json()["error"]["message"]
    assert live.tails == 0


async def test_a_failing_subscriber_never_breaks_the_request_it_reports(live: Live):
    """Whatever goes wrong in a trace subscriber (a tail, the dev console) happens after the
    worker answered: the client still gets the worker's response."""

    def broken(event: object) -> None:
        raise RuntimeError("subscriber bug")

    unsubscribe = live.platform.node.runtime.trace_bus.subscribe(broken)
    try:
        response = await live.call("/hello")
    finally:
        unsubscribe()
    assert response.status_code == 200


async def test_a_client_gone_during_the_websocket_handshake_frees_its_slot(live: Live):
    """Driven at the ASGI level: a server whose accept fails when the peer has already left
    (uvicorn's does not raise, others may) must not keep the tail subscribed."""
    api = platform_api(
        live.platform.plane, domain=DOMAIN, workers_url="http://x", node=live.platform.node
    )
    scope = {
        "type": "websocket",
        "asgi": {"version": "3.0"},
        "scheme": "ws",
        "http_version": "1.1",
        "path": "/api/v1/services/shop/environments/production/tail",
        "raw_path": b"",
        "query_string": b"",
        "root_path": "",
        "client": ("127.0.0.1", 1),
        "server": ("127.0.0.1", 2),
        "headers": [(b"authorization", f"Bearer {live.token}".encode()), (b"host", b"x")],
        "subprotocols": [],
        "extensions": {},
    }

    async def receive() -> dict:
        return {"type": "websocket.connect"}

    async def send(message: dict) -> None:
        if message["type"] == "websocket.accept":
            raise ConnectionResetError("the peer went away")

    with pytest.raises(ConnectionResetError):
        await api(scope, receive, send)
    assert live.tails == 0


async def test_a_plain_get_is_told_how_to_tail(live: Live):
    """Without `Accept: text/event-stream` (and not a WebSocket) the answer says what to do."""
    async with httpx.AsyncClient() as client:
        response = await client.get(
            live.tail_path, headers={"authorization": f"Bearer {live.token}"}
        )
    assert response.status_code == 426
    assert "text/event-stream" in response.json()["error"]["message"]


async def test_websocket_messages_and_the_token_query_parameter(live: Live):
    """A client that cannot set headers passes `?token=`; each message is one JSON object
    `{"type": "event", "event": {…}}`. A refused WebSocket gets the HTTP status and the API's
    error body before the handshake."""
    async with connect(ws_url(live, f"?token={live.token}&method=GET")) as socket:
        await until(lambda: live.tails == 1)
        await live.call("/raw")
        message = json.loads(await asyncio.wait_for(socket.recv(), 10))
    assert message["type"] == "event"
    assert message["event"]["event"]["request"]["method"] == "GET"
    assert message["event"]["scriptVersion"]["id"]

    with pytest.raises(InvalidStatus) as refused:
        await connect(ws_url(live, f"?token={live.other_token}"))
    assert refused.value.response.status_code == 404
    assert json.loads(refused.value.response.body)["error"]["code"] == "service_not_found"


async def test_a_stalled_client_does_not_slow_requests_and_is_told_what_it_missed(live: Live):
    """A WebSocket client that stops reading: its socket buffers and then its tail's bounded
    queue fill up, after which events are dropped and counted, while requests keep their
    speed. When it reads again it gets what was queued, then `{"type": "dropped", "count": N}`,
    and events plus drops add up to every request."""
    pad = {"x-pad": str(20_000)}  # 20 KB of log per event: the socket buffers fill sooner

    async def timed(requests: int) -> float:
        started = time.perf_counter()
        for n in range(requests):
            assert (await live.call(f"/{n}", **pad)).status_code == 200
        return (time.perf_counter() - started) / requests

    await timed(50)  # warm up
    alone = await timed(300)
    # max_queue=1: the client library stops reading the socket at once, as a stalled
    # consumer would; no compression, or the padding would shrink to nothing.
    socket = await connect(
        ws_url(live),
        additional_headers={"authorization": f"Bearer {live.token}"},
        max_size=None,
        max_queue=1,
        compression=None,
    )
    await until(lambda: live.tails == 1)
    total = 2000
    stalled = await timed(total)
    assert stalled < alone * 3 + 0.002, (alone, stalled)

    events = dropped = 0
    async with asyncio.timeout(60):
        while events + dropped < total:
            message = json.loads(await socket.recv())
            if message["type"] == "event":
                events += 1
            elif message["type"] == "events":  # what was waiting, sent together
                events += len(message["events"])
            else:
                assert message["type"] == "dropped"
                dropped += message["count"]
    await socket.close()
    assert dropped > 0 and events >= 1000
    assert events + dropped == total


async def test_the_eleventh_tail_of_an_environment_is_refused(live: Live):
    """Ten tails of one environment at once; the eleventh gets 429 saying so, and once one
    closes there is room again."""
    auth = {"authorization": f"Bearer {live.token}"}
    sockets = [await connect(ws_url(live), additional_headers=auth) for _ in range(10)]
    await until(lambda: live.tails == 10)
    with pytest.raises(InvalidStatus) as refused:
        await connect(ws_url(live), additional_headers=auth)
    assert refused.value.response.status_code == 429
    assert "at most 10 at once" in json.loads(refused.value.response.body)["error"]["message"]

    await sockets.pop().close()
    await until(lambda: live.tails == 9)
    sockets.append(await connect(ws_url(live), additional_headers=auth))
    assert live.tails == 10
    for socket in sockets:
        await socket.close()
    await until(lambda: live.tails == 0)


async def test_an_api_without_a_running_node_says_so(live: Live):
    """The API served over the control plane alone (no runtime, so no trace events) answers
    503 rather than a tail that would never show anything."""
    port = free_port()
    api = platform_api(live.platform.plane, domain=DOMAIN, workers_url="http://x:1")
    server = make_server(api, "127.0.0.1", port)
    task = asyncio.ensure_future(server.serve())
    while not server.started:
        await asyncio.sleep(0.01)
    try:
        async with httpx.AsyncClient() as client:
            response = await client.get(
                live.tail_path.replace(str(live.port), str(port)),
                headers={**SSE, "authorization": f"Bearer {live.token}"},
            )
    finally:
        server.should_exit = True
        await task
    assert response.status_code == 503
    assert "running node" in response.json()["error"]["message"]
