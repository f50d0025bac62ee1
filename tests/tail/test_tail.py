"""The tail of an environment, through the client library (`hearth.tail.follow`) against a real
admin listener: what arrives, filters, versions, accounts and refusals."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest

from hearth.tail import TailError, TailFilters, follow

from .conftest import DOMAIN, SHOP, Live, until

Event = dict[str, Any]


def path_of(event: Event) -> str:
    return "/" + event["event"]["request"]["url"].split("/", 3)[3]


async def collect(stream: AsyncIterator[Event], last: Callable[[Event], bool]) -> list[Event]:
    """Events from `stream` up to and including the first one `last` accepts."""
    events = []
    async with asyncio.timeout(20):
        async for event in stream:
            events.append(event)
            if last(event):
                break
    await stream.aclose()  # type: ignore[attr-defined]
    return events


def start(live: Live, last: Callable[[Event], bool], **kw: Any) -> asyncio.Future[list[Event]]:
    kw.setdefault("service", "shop")
    return asyncio.ensure_future(collect(follow(live.api_url, live.token, **kw), last))


async def test_print_output_and_an_exception_with_its_traceback_arrive(live: Live):
    """A request's `print` output arrives as a log line, and an uncaught exception with its
    name, message and Python traceback, each event in Cloudflare's tail shape."""
    tail = start(live, lambda e: e["outcome"] != "ok")
    await until(lambda: live.tails == 1)
    assert (await live.call("/hello")).status_code == 200
    assert (await live.call("/boom")).status_code == 500
    ok, failed = await tail

    assert ok["outcome"] == "ok" and ok["scriptName"] == "shop"
    assert ok["environment"] == "production"
    assert ok["event"]["request"]["method"] == "GET"
    assert ok["event"]["request"]["url"] == f"http://{live.platform.host('shop')}/hello"
    assert ok["event"]["response"] == {"status": 200}
    assert [log["message"] for log in ok["logs"]] == [["handling GET /hello"]]
    assert ok["logs"][0]["level"] == "log"
    assert ok["exceptions"] == []

    assert failed["outcome"] == "exception"
    (exception,) = failed["exceptions"]
    assert exception["name"] == "ValueError"
    assert exception["message"] == "kaboom boom"
    assert "Traceback (most recent call last)" in exception["stack"]
    assert 'entry.py", line' in exception["stack"]
    assert exception["stack"].rstrip().endswith("ValueError: kaboom boom")
    await until(lambda: live.tails == 0)  # closing the iterator closed the tail


async def test_each_filter_lets_through_only_its_events(live: Live):
    """status (ok / error), method (any case), header present or with a value, and a text
    search in logs and in exception messages (case-insensitive), each on its own tail over
    the same traffic."""
    end_error = "/boom/needle-end"  # matches every filter but status=ok
    end_ok = "/end-ok"
    cases = {
        TailFilters(status=("error",)): ["/boom/e", end_error],
        TailFilters(status=("ok",)): ["/a", "/b", "/c", "/needle/d", end_ok],
        TailFilters(status=("ok", "error")): ["/a", "/b", "/c", "/needle/d", "/boom/e", end_error],
        TailFilters(method=("post",)): ["/b", end_error],
        TailFilters(header="x-debug"): ["/c", end_error],
        TailFilters(header="X-Debug:1"): [end_error],
        TailFilters(search="NEEDLE"): ["/needle/d", end_error],
        TailFilters(search="kaboom boom/"): ["/boom/e", end_error],
    }
    tails = {
        filters: start(live, lambda e, w=wanted: path_of(e) == w[-1], filters=filters)
        for filters, wanted in cases.items()
    }
    await until(lambda: live.tails == len(cases))

    await live.call("/a")
    await live.call("/b", "POST")
    await live.call("/c", **{"x-debug": "2"})
    await live.call("/needle/d")
    await live.call("/boom/e")
    await live.call(end_error, "POST", **{"x-debug": "1"})
    await live.call(end_ok, **{"x-debug": "1"})

    for filters, tail in tails.items():
        assert [path_of(e) for e in await tail] == cases[filters], filters


async def test_sampling_keeps_about_that_share_of_events(live: Live):
    """With sampling_rate 0.5 a tail gets roughly half of the events (each one sampled on its
    own), while an unsampled tail gets all of them."""
    total = 200
    sampled_events: list[Event] = []

    async def sampled() -> None:
        stream = follow(live.api_url, live.token, "shop", filters=TailFilters(sampling_rate=0.5))
        async for event in stream:
            sampled_events.append(event)

    sampled_task = asyncio.ensure_future(sampled())
    everything = start(live, lambda e: path_of(e) == f"/{total - 1}")
    await until(lambda: live.tails == 2)
    for n in range(total):
        await live.call(f"/{n}")
    assert len(await everything) == total
    await asyncio.sleep(0.3)  # the sampled tail's last events are on their way
    sampled_task.cancel()
    assert 50 <= len(sampled_events) <= 150
    numbers = [int(path_of(e)[1:]) for e in sampled_events]
    assert numbers == sorted(numbers)  # in order, nothing repeated


async def test_a_version_filter_shows_only_that_version(live: Live):
    """`version` (a number or an id) follows one version: here the deployed v1 and v2 which is
    only uploaded and reached through its own hostname."""
    platform = live.platform
    v1 = await platform.plane.versions.get(platform.admin, "shop", "production", 1)
    v2 = await platform.upload("shop", "production", SHOP)
    by_number = start(live, lambda e: True, version="2")
    by_id = start(live, lambda e: True, version=v1.id)
    await until(lambda: live.tails == 2)
    await live.call("/v2-only", host=f"v2.production.shop.main.{DOMAIN}")
    await live.call("/v1-only")
    (second,) = await by_number
    (first,) = await by_id
    assert path_of(second) == "/v2-only" and second["scriptVersion"]["id"] == v2.id
    assert path_of(first) == "/v1-only" and first["scriptVersion"]["id"] == v1.id


async def test_another_accounts_token_gets_404_and_sees_nothing_of_this_account(live: Live):
    """A token of another account is told the service does not exist; once that account has
    its own `shop`, its tail receives none of this account's events."""
    with pytest.raises(TailError, match=r"^404 .*shop"):
        await anext(follow(live.api_url, live.other_token, "shop"))

    other = await live.platform.plane.accounts.get("other")
    principal = type(live.platform.admin)(other, "t", "admin")
    await live.platform.plane.services.create(principal, "shop")
    theirs = follow(live.api_url, live.other_token, "shop")
    first = asyncio.ensure_future(anext(theirs))
    mine = start(live, lambda e: True)
    await until(lambda: live.tails == 2)
    await live.call("/mine")
    assert path_of((await mine)[0]) == "/mine"
    await asyncio.sleep(0.3)
    assert not first.done()
    first.cancel()


@pytest.mark.parametrize(
    ("kw", "message"),
    [
        ({"environment": "nope"}, r"^404 .*nope"),
        ({"service": "nope"}, r"^404 .*nope"),
        ({"version": "7"}, r"^404 version '?7'? not found"),
        ({"filters": TailFilters(sampling_rate=0.0)}, r"^400 sampling_rate: 0.0 is not in"),
        ({"filters": TailFilters(sampling_rate=1.5)}, r"^400 sampling_rate"),
        ({"filters": TailFilters(status=("broken",))}, r"^400 status: 'broken' is not one"),
        ({"filters": TailFilters(method=("GE T",))}, r"^400 method"),
        ({"filters": TailFilters(header=":x")}, r"^400 header"),
        ({"filters": TailFilters(header="bad name")}, r"^400 header: 'bad name' is not a valid"),
        ({"version": "9" * 30}, r"^400 version"),
        ({"version": "²"}, r"^400 version"),
        ({"token": "wrong"}, r"^401 "),
    ],
)
async def test_refusals_are_one_clear_line(live: Live, kw: dict[str, Any], message: str):
    """Unknown environment, service or version → 404; a bad filter → 400 naming it; a bad
    token → 401; each as TailError with the status and the server's message."""
    kw.setdefault("service", "shop")
    token = kw.pop("token", live.token)
    with pytest.raises(TailError, match=message):
        await anext(follow(live.api_url, token, **kw))
    assert live.tails == 0


async def test_an_unreachable_server_is_a_tail_error(live: Live):
    """Nothing listening on the first connection: one line naming the URL."""
    await live.stop()
    with pytest.raises(TailError, match=f"cannot reach the Hearth API at {live.api_url}"):
        await anext(follow(live.api_url, live.token, "shop"))


async def test_follow_reconnects_after_the_server_restarts(live: Live):
    """The admin listener stops (its WebSocket closes) and starts again on the same port: the
    caller is told once, and events after the restart arrive on the same iterator."""
    notices: list[str] = []
    stream = follow(live.api_url, live.token, "shop", on_notice=notices.append)
    first = asyncio.ensure_future(anext(stream))
    await until(lambda: live.tails == 1)
    await live.call("/before")
    assert path_of(await first) == "/before"

    second = asyncio.ensure_future(anext(stream))
    await live.stop()
    await until(lambda: live.tails == 0)
    await until(lambda: len(notices) == 1)
    assert "reconnecting" in notices[0]
    await asyncio.sleep(1.0)  # a few attempts fail while nothing listens
    await live.start()
    await until(lambda: live.tails == 1)
    await live.call("/after")
    assert path_of(await asyncio.wait_for(second, 10)) == "/after"
    assert len(notices) == 1  # one notice per outage, resumed silently
    await stream.aclose()  # type: ignore[attr-defined]


async def test_an_api_url_without_a_scheme_is_a_tail_error():
    """`localhost:8788` is a common slip: the error says what is expected."""
    with pytest.raises(TailError, match="invalid API URL 'localhost:8788'"):
        await anext(follow("localhost:8788", "token", "shop"))
