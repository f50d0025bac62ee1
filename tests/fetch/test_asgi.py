"""request_from_asgi, response_messages and send_response, under a real uvicorn on loopback."""

import asyncio
import hashlib
from collections.abc import Iterator

import h11
import httpx
import pytest

from hearth.fetch import (
    URL,
    ReadableStream,
    Request,
    Response,
    header_dict,
    request_from_asgi,
    request_target,
    response_messages,
    send_response,
)

from .conftest import serving

MB = 1 << 20


async def echo_app(scope, receive, send) -> None:
    """A worker-shaped app: Request in, Response out, nothing else."""
    request = request_from_asgi(scope, receive)
    path = URL(request.url).pathname
    if path == "/upload":
        content_type = request.headers.get("content-type", "application/octet-stream")
        response = Response(request.body, headers={"content-type": content_type})
    elif path == "/inspect":
        response = Response.json(
            {
                "url": request.url,
                "method": request.method,
                "headers": request.headers.items(),
                "body_is_none": request.body is None,
                "body": await request.text(),
            },
            headers=[("Set-Cookie", "a=1"), ("Set-Cookie", "b=2"), ("X-Custom", " Value ")],
        )
    elif path == "/no-content":
        response = Response(None, status=204)
    else:
        response = Response("Hello")
    await send_response(response, send, head=request.method == "HEAD")


@pytest.fixture(scope="module")
def base_url() -> Iterator[str]:
    with serving(echo_app) as url:
        yield url


async def test_hello_world_round_trip(base_url):
    async with httpx.AsyncClient() as client:
        response = await client.get(f"{base_url}/")
    assert response.status_code == 200
    assert response.text == "Hello"
    assert response.headers["content-type"] == "text/plain;charset=UTF-8"
    assert response.headers["content-length"] == "5"


async def test_request_url_method_and_headers_come_from_the_scope(base_url):
    async with httpx.AsyncClient() as client:
        response = await client.get(f"{base_url}/inspect?x=1&y=a%20b", headers={"X-Test": "yes"})
    seen = response.json()
    assert seen["url"] == f"{base_url}/inspect?x=1&y=a%20b"
    assert seen["method"] == "GET"
    assert ["x-test", "yes"] in seen["headers"]
    assert ["host", base_url.removeprefix("http://")] in seen["headers"]


async def test_get_without_a_body_has_body_none(base_url):
    async with httpx.AsyncClient() as client:
        seen = (await client.get(f"{base_url}/inspect")).json()
    assert seen["body_is_none"] is True


async def test_post_with_content_length_zero_has_body_none(base_url):
    async with httpx.AsyncClient() as client:
        seen = (await client.post(f"{base_url}/inspect", content=b"")).json()
    assert seen["body_is_none"] is True


async def test_post_body_is_readable(base_url):
    async with httpx.AsyncClient() as client:
        seen = (await client.post(f"{base_url}/inspect", content=b"posted")).json()
    assert (seen["body_is_none"], seen["body"], seen["method"]) == (False, "posted", "POST")


async def test_response_headers_round_trip_with_set_cookie_kept_apart(base_url):
    async with httpx.AsyncClient() as client:
        response = await client.get(f"{base_url}/inspect")
    cookies = [value for name, value in response.headers.raw if name.lower() == b"set-cookie"]
    assert cookies == [b"a=1", b"b=2"]
    assert response.headers["x-custom"] == "Value"
    assert response.headers["content-type"] == "application/json"


async def duplex_post(url: str, path: str, body, content_type: str):
    """POST a chunked body while reading the response: an echo needs a full-duplex client
    (httpx sends the whole request before it reads, which would deadlock on 10 MB)."""
    host, port = url.removeprefix("http://").split(":")
    reader, writer = await asyncio.open_connection(host, int(port))
    connection = h11.Connection(h11.CLIENT)
    head = h11.Request(
        method="POST",
        target=path,
        headers=[("host", host), ("transfer-encoding", "chunked"), ("content-type", content_type)],
    )
    writer.write(connection.send(head))

    async def write_body():
        async for chunk in body:
            writer.write(connection.send(h11.Data(data=chunk)))
            await writer.drain()
        writer.write(connection.send(h11.EndOfMessage()))
        await writer.drain()

    writing = asyncio.create_task(write_body())
    response, digest, received = None, hashlib.sha256(), 0
    while True:
        event = connection.next_event()
        if event is h11.NEED_DATA:
            connection.receive_data(await reader.read(1 << 16))
        elif isinstance(event, h11.Response):
            response = event
        elif isinstance(event, h11.Data):
            digest.update(event.data)
            received += len(event.data)
        elif isinstance(event, h11.EndOfMessage):
            break
    await writing
    writer.close()
    return response, received, digest.hexdigest()


async def test_a_10_mb_upload_streams_back_unchanged(base_url):
    chunk = hashlib.sha256(b"seed").digest() * 2048  # 64 KiB
    total = 10 * MB

    async def upload():
        for _ in range(total // len(chunk)):
            yield chunk

    expected = hashlib.sha256(chunk * (total // len(chunk))).hexdigest()
    response, received, digest = await asyncio.wait_for(
        duplex_post(base_url, "/upload", upload(), "app/x"), timeout=30
    )
    headers = {name: value for name, value in response.headers}
    assert response.status_code == 200
    assert headers[b"content-type"] == b"app/x"
    assert headers[b"transfer-encoding"] == b"chunked"
    assert received == total
    assert digest == expected


async def test_head_gets_headers_and_length_but_no_body(base_url):
    async with httpx.AsyncClient() as client:
        response = await client.head(f"{base_url}/")
    assert response.status_code == 200
    assert response.headers["content-length"] == "5"
    assert response.content == b""


async def test_no_content_response_has_no_content_length(base_url):
    async with httpx.AsyncClient() as client:
        response = await client.get(f"{base_url}/no-content")
    assert response.status_code == 204
    assert "content-length" not in response.headers


# -- without a server: the lazy parts of request_from_asgi ---------------------------------


def scope(**overrides) -> dict:
    base = {
        "type": "http",
        "method": "GET",
        "scheme": "https",
        "server": ("10.0.0.1", 443),
        "path": "/a b",
        "raw_path": b"/a%20b",
        "query_string": b"q=1",
        "root_path": "",
        "headers": [(b"host", b"Example.com"), (b"accept", b"*/*")],
    }
    return base | overrides


async def never_called():
    raise AssertionError("receive() must not be called")


def test_request_from_asgi_is_a_request():
    request = request_from_asgi(scope(), never_called)
    assert isinstance(request, Request)
    assert request.js_object is request


def test_url_uses_the_host_header_and_raw_path():
    assert request_from_asgi(scope(), never_called).url == "https://example.com/a%20b?q=1"


def test_the_request_target_of_a_log_line_does_not_build_the_url():
    request = request_from_asgi(scope(), never_called)
    assert request_target(request) == "/a%20b?q=1"
    assert request._url is None  # the worker never asked: no Host parsing, no normalising
    assert request_target(Request("https://example.com/p/q?x=1")) == "/p/q?x=1"
    assert request_target(Request("https://example.com")) == "/"


def test_a_trace_events_headers_come_from_the_scope_without_building_headers():
    raw = [(b"host", b"example.com"), (b"Accept", b"text/html"), (b"accept", b"*/*")]
    request = request_from_asgi(scope(headers=raw), never_called)
    assert header_dict(request) == {"host": "example.com", "accept": "text/html, */*"}
    assert request._headers is None  # the worker never asked for them
    request.headers.set("x-added", "by the worker")  # once built, they are what it sees
    assert header_dict(request)["x-added"] == "by the worker"
    assert header_dict(Request("https://a.test/", headers={"A": "1"})) == {"a": "1"}


def test_url_falls_back_to_the_server_address_without_a_host_header():
    request = request_from_asgi(scope(headers=[], server=("10.0.0.1", 8443)), never_called)
    assert request.url == "https://10.0.0.1:8443/a%20b?q=1"


def test_url_is_built_from_path_when_there_is_no_raw_path():
    request = request_from_asgi(scope(raw_path=None, query_string=b""), never_called)
    assert request.url == "https://example.com/a%20b"


def test_url_includes_the_root_path_once():
    mounted = scope(root_path="/app", path="/app/x", raw_path=b"/app/x", query_string=b"")
    assert request_from_asgi(mounted, never_called).url == "https://example.com/app/x"
    stripped = scope(root_path="/app", path="/x", raw_path=None, query_string=b"")
    assert request_from_asgi(stripped, never_called).url == "https://example.com/app/x"


def test_headers_are_decoded_only_when_first_touched():
    request = request_from_asgi(scope(), never_called)
    assert request._headers is None
    assert request.headers.get("Accept") == "*/*"
    assert request._headers is not None


async def test_body_streams_every_receive_message():
    messages = iter(
        [
            {"type": "http.request", "body": b"ab", "more_body": True},
            {"type": "http.request", "body": b"", "more_body": True},
            {"type": "http.request", "body": b"c", "more_body": False},
        ]
    )

    async def receive():
        return next(messages)

    request = request_from_asgi(scope(method="POST", headers=[]), receive)
    assert [chunk async for chunk in request.body] == [b"ab", b"c"]


async def test_a_disconnect_mid_body_is_a_connection_error():
    async def receive():
        return {"type": "http.disconnect"}

    request = request_from_asgi(scope(method="PUT", headers=[]), receive)
    with pytest.raises(ConnectionError):
        await request.bytes()


async def test_a_used_response_cannot_be_sent():
    response = Response("x")
    await response.text()

    async def send(message):
        raise AssertionError("nothing may be sent")

    with pytest.raises(TypeError, match="already been used"):
        await send_response(response, send)


# -- response_messages: the two messages of a bytes response, without a coroutine --------


def test_a_bytes_response_is_one_start_and_one_body_message_with_type_and_length():
    start, body = response_messages(Response("Hello from Hearth!"))
    assert start == {
        "type": "http.response.start",
        "status": 200,
        "headers": ((b"content-type", b"text/plain;charset=UTF-8"), (b"content-length", b"18")),
    }
    assert body == {"type": "http.response.body", "body": b"Hello from Hearth!"}


def test_each_response_gets_its_own_length_and_type():
    """The header lines are remembered by (type, length): other lengths and types differ."""
    assert dict(response_messages(Response("abc"))[0]["headers"])[b"content-length"] == b"3"
    assert dict(response_messages(Response("abcd"))[0]["headers"])[b"content-length"] == b"4"
    octets = dict(response_messages(Response(b"abc"))[0]["headers"])
    assert octets == {b"content-length": b"3"}  # bytes have no default content type
    assert response_messages(Response(None))[0]["headers"] == ((b"content-length", b"0"),)


def test_a_head_response_keeps_its_length_but_sends_no_body():
    start, body = response_messages(Response("Hello"), head=True)
    assert (b"content-length", b"5") in start["headers"]
    assert body["body"] == b""


def test_headers_the_worker_set_are_sent_case_folded_with_one_content_length():
    response = Response("abc", headers={"X-Custom": "1", "Content-Length": "3"})
    start, _ = response_messages(response)
    assert start["headers"] == [
        (b"x-custom", b"1"),
        (b"content-length", b"3"),
        (b"content-type", b"text/plain;charset=UTF-8"),
    ]


def test_a_null_body_status_gets_no_content_length():
    start, body = response_messages(Response(None, status=204))
    assert start["status"] == 204 and start["headers"] == []
    assert body["body"] == b""


def test_a_streamed_used_or_error_response_has_no_ready_messages():
    """Those go through send_response (streaming, or the error it raises)."""
    assert response_messages(Response(ReadableStream.from_bytes(b"x"))) is None
    used = Response("x")
    assert response_messages(used) is not None
    assert response_messages(used) is None  # the body went with the first messages
    assert response_messages(Response.error()) is None
