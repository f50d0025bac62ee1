"""The examples in examples/ run under `hearth dev`, over real HTTP on loopback."""

from __future__ import annotations

import asyncio
from pathlib import Path

import httpx

from .conftest import EXAMPLES, running_dev


async def test_hello_in_class_style():
    async with running_dev(EXAMPLES / "hello") as dev, httpx.AsyncClient() as client:
        response = await client.get(dev.url)
    assert response.status_code == 200
    assert response.text == "Hello from Hearth!"
    assert response.headers["content-type"] == "text/plain;charset=UTF-8"


async def test_hello_in_legacy_style():
    async with running_dev(EXAMPLES / "hello-legacy") as dev, httpx.AsyncClient() as client:
        response = await client.get(dev.url)
    assert response.text == "Hello from a legacy handler!"


async def test_json_echo():
    async with running_dev(EXAMPLES / "json-echo") as dev, httpx.AsyncClient() as client:
        echoed = await client.post(dev.url, json={"name": "Ada", "tags": [1, 2]})
        not_json = await client.post(dev.url, content=b"{oops")
        wrong_method = await client.get(dev.url)
    assert echoed.json() == {"received": {"name": "Ada", "tags": [1, 2]}, "method": "POST"}
    assert echoed.headers["content-type"] == "application/json"
    assert not_json.status_code == 400
    assert wrong_method.status_code == 405 and wrong_method.headers["allow"] == "POST"


async def test_redirect():
    async with running_dev(EXAMPLES / "redirect") as dev, httpx.AsyncClient() as client:
        external = await client.get(f"{dev.url}/docs")
        local = await client.get(f"{dev.url}/old")
        missing = await client.get(f"{dev.url}/nowhere")
    assert external.status_code == 301
    assert external.headers["location"] == "https://developers.cloudflare.com/workers/"
    assert local.headers["location"] == f"{dev.url}/new"
    assert missing.status_code == 404


async def test_cookies_are_read_and_each_set_cookie_is_its_own_header():
    async with running_dev(EXAMPLES / "cookies") as dev, httpx.AsyncClient() as client:
        first = await client.get(dev.url)
        second = await client.get(dev.url, headers={"cookie": "visits=4"})
    assert first.text == "visit number 1"
    assert first.headers.get_list("set-cookie") == [
        "visits=1; Path=/; HttpOnly",
        "theme=dark; Path=/",
    ]
    assert second.text == "visit number 5"


async def test_url_parsing():
    async with running_dev(EXAMPLES / "url-parsing") as dev, httpx.AsyncClient() as client:
        response = await client.get(f"{dev.url}/a/b?x=1&y=two")
    assert response.json() == {
        "scheme": "http",
        "host": "127.0.0.1",
        "path": "/a/b",
        "query": {"x": "1", "y": "two"},
    }


async def test_fastapi_app_through_asgi_fetch_reads_a_var_from_the_scope():
    async with running_dev(EXAMPLES / "fastapi") as dev, httpx.AsyncClient() as client:
        root = await client.get(dev.url)
        item = await client.get(f"{dev.url}/items/7?q=hot")
        created = await client.post(f"{dev.url}/items", json={"name": "tea", "price": 2.5})
        invalid = await client.post(f"{dev.url}/items", json={"name": "tea"})
    assert root.json() == {"message": "Hello from Hearth FastAPI example"}
    assert item.json() == {"item_id": 7, "q": "hot"}
    assert created.json() == {"created": "tea", "price_with_tax": 3.0}
    assert invalid.status_code == 422


async def test_flask_app_through_workers_wsgi():
    async with running_dev(EXAMPLES / "flask") as dev, httpx.AsyncClient() as client:
        index = await client.get(dev.url)
        echo = await client.post(f"{dev.url}/echo?a=1", data={"field": "value"})
    assert index.text == "Hello from Flask, run by the Flask example"
    assert echo.json() == {"form": {"field": "value"}, "args": {"a": "1"}}


async def test_wait_until_work_finishes_after_the_response(tmp_path: Path):
    log = tmp_path / "visits.log"
    project = tmp_path / "wait-until"
    project.mkdir()
    for name in ("wrangler.toml", "src/entry.py"):
        (project / name).parent.mkdir(parents=True, exist_ok=True)
        (project / name).write_text((EXAMPLES / "wait-until" / name).read_text())
    (project / ".dev.vars").write_text(f"VISIT_LOG={log}\n")
    async with running_dev(project) as dev, httpx.AsyncClient() as client:
        response = await client.get(dev.url)
        assert response.status_code == 200
        assert not log.exists()  # the response did not wait for the background work
        for _ in range(100):
            if log.exists():
                break
            await asyncio.sleep(0.02)
        assert log.read_text() == "visited\n"
        await asyncio.sleep(0.05)
        assert "(log) visit recorded" in dev.output.getvalue()


async def test_counter_durable_object():
    async with running_dev(EXAMPLES / "counter-do") as dev, httpx.AsyncClient() as client:
        visits = [(await client.get(f"{dev.url}/ada")).text for _ in range(3)]
        other = await client.get(f"{dev.url}/bob")
        await client.post(f"{dev.url}/ada/messages", content="hello")
        await client.post(f"{dev.url}/ada/messages", content="again")
        log = await client.get(f"{dev.url}/ada/messages")
    assert visits == ["1", "2", "3"] and other.text == "1"
    assert log.json() == ["hello", "again"]
