"""Outbound fetch against a real HTTP server on loopback."""

import asyncio
import gzip
import json
import threading
from collections.abc import Iterator

import pytest

from hearth.fetch import Request, Response, aclose_client, fetch

from .conftest import serving

release_stream = threading.Event()


async def read_body(receive) -> bytes:
    body, more = b"", True
    while more:
        message = await receive()
        body += message.get("body", b"")
        more = message.get("more_body", False)
    return body


async def upstream(scope, receive, send) -> None:
    """A raw ASGI app playing the far end of a subrequest."""
    path, body = scope["path"], await read_body(receive)
    status, headers, chunks = 200, [(b"content-type", b"application/json")], []
    if path == "/echo":
        chunks = [
            json.dumps(
                {
                    "method": scope["method"],
                    "query": scope["query_string"].decode(),
                    "headers": [[k.decode(), v.decode()] for k, v in scope["headers"]],
                    "body": body.decode("latin-1"),
                }
            ).encode()
        ]
    elif path == "/redirect":
        status, headers = 302, [(b"location", b"/echo?from=redirect")]
    elif path == "/cookies":
        headers = [(b"set-cookie", b"a=1"), (b"set-cookie", b"b=2; Expires=Wed, 21 Oct 2015")]
    elif path == "/gzip":
        headers = [(b"content-encoding", b"gzip"), (b"content-type", b"text/plain")]
        chunks = [gzip.compress(b"unzipped text")]
    elif path == "/stream":
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"first", "more_body": True})
        while not release_stream.is_set():  # the client must see "first" before we go on
            await asyncio.sleep(0.01)
        await send({"type": "http.response.body", "body": b"second"})
        return
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": b"".join(chunks)})


@pytest.fixture(scope="module")
def base_url() -> Iterator[str]:
    with serving(upstream) as url:
        yield url


@pytest.fixture(autouse=True)
async def shared_client():
    yield
    await aclose_client()


async def test_get_returns_a_response_with_the_body(base_url):
    response = await fetch(f"{base_url}/echo?q=1")
    assert isinstance(response, Response)
    assert response.status == 200
    assert response.ok
    assert response.headers.get("content-type") == "application/json"
    echoed = await response.json()
    assert (echoed["method"], echoed["query"], echoed["body"]) == ("GET", "q=1", "")
    assert response.url == f"{base_url}/echo?q=1"
    assert response.redirected is False


async def test_post_sends_the_body_and_headers(base_url):
    response = await fetch(
        f"{base_url}/echo", method="POST", body="payload", headers={"X-Token": "secret"}
    )
    echoed = await response.json()
    headers = dict(echoed["headers"])
    assert echoed["method"] == "POST"
    assert echoed["body"] == "payload"
    assert headers["x-token"] == "secret"
    assert headers["content-type"] == "text/plain;charset=UTF-8"
    assert headers["content-length"] == "7"


async def test_the_host_header_comes_from_the_url(base_url):
    response = await fetch(f"{base_url}/echo", headers={"Host": "elsewhere.example"})
    headers = dict((await response.json())["headers"])
    assert headers["host"] == base_url.removeprefix("http://")


async def test_a_served_request_can_be_passed_on_as_it_is(base_url):
    incoming = Request(
        "https://worker.example/in",
        method="POST",
        body="forwarded",
        headers={"host": "worker.example", "connection": "close", "x-a": "1"},
    )
    response = await fetch(
        f"{base_url}/echo",
        {"method": incoming.method, "headers": incoming.headers, "body": incoming.body},
    )
    echoed = await response.json()
    headers = dict(echoed["headers"])
    assert (echoed["method"], echoed["body"], headers["x-a"]) == ("POST", "forwarded", "1")
    assert headers["host"] == base_url.removeprefix("http://")


async def test_init_dict_works_like_javascript(base_url):
    response = await fetch(f"{base_url}/echo", {"method": "PUT", "body": b"\x00\xff"})
    echoed = await response.json()
    assert (echoed["method"], echoed["body"]) == ("PUT", "\x00\xff")


async def test_a_request_object_can_be_fetched(base_url):
    request = Request(f"{base_url}/echo", method="DELETE", headers={"x-a": "1"})
    echoed = await (await fetch(request)).json()
    assert echoed["method"] == "DELETE"
    assert dict(echoed["headers"])["x-a"] == "1"


async def test_a_streamed_body_is_sent_chunked(base_url):
    async def parts():
        for part in (b"one-", b"two-", b"three"):
            yield part

    echoed = await (await fetch(f"{base_url}/echo", method="POST", body=parts())).json()
    assert echoed["body"] == "one-two-three"
    assert dict(echoed["headers"])["transfer-encoding"] == "chunked"


async def test_redirects_are_followed_by_default(base_url):
    response = await fetch(f"{base_url}/redirect")
    assert response.status == 200
    assert response.redirected is True
    assert response.url == f"{base_url}/echo?from=redirect"
    assert (await response.json())["query"] == "from=redirect"


async def test_manual_redirect_returns_the_redirect_response(base_url):
    response = await fetch(f"{base_url}/redirect", redirect="manual")
    assert response.status == 302
    assert response.headers.get("location") == "/echo?from=redirect"
    assert response.redirected is False


async def test_error_redirect_mode_raises_type_error_on_a_redirect(base_url):
    with pytest.raises(TypeError, match="redirect"):
        await fetch(f"{base_url}/redirect", redirect="error")


async def test_set_cookie_headers_stay_apart(base_url):
    response = await fetch(f"{base_url}/cookies")
    assert response.headers.getSetCookie() == ["a=1", "b=2; Expires=Wed, 21 Oct 2015"]


async def test_compressed_bodies_are_decoded_and_the_encoding_header_dropped(base_url):
    response = await fetch(f"{base_url}/gzip")
    assert await response.text() == "unzipped text"
    assert "content-encoding" not in response.headers


async def test_the_response_body_streams_as_it_arrives(base_url):
    release_stream.clear()
    response = await asyncio.wait_for(fetch(f"{base_url}/stream"), timeout=5)
    first = await asyncio.wait_for(anext(response.body), timeout=5)
    assert first == b"first"
    release_stream.set()
    assert [chunk async for chunk in response.body] == [b"second"]


async def test_head_responses_have_no_body(base_url):
    response = await fetch(f"{base_url}/echo", method="HEAD")
    assert response.status == 200
    assert response.body is None


async def test_connection_failures_raise_os_error():
    with pytest.raises(OSError):
        await fetch("http://127.0.0.1:9/")  # the discard port: nothing listens there


async def test_the_client_is_shared_between_fetches(base_url):
    from hearth.fetch import _outbound

    await (await fetch(f"{base_url}/echo")).text()
    client = _outbound._client
    await (await fetch(f"{base_url}/echo")).text()
    assert _outbound._client is client is not None
