"""What a binding call does on a real node: exceptions carried over, the 32-invocation limit,
`waitUntil` in the callee, linked trace events, version keys forwarded, redirects."""

from __future__ import annotations

import asyncio
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from hearth.bindings.services import DEPTH_LIMIT_MESSAGE
from hearth.runtime import TraceEvent

from .conftest import Platform, deploy, service

FAILING = """
from workers import Response, WorkerEntrypoint

class QuotaError(LookupError):
    pass

class Default(WorkerEntrypoint):
    async def fetch(self, request):
        if request.url.endswith("/builtin"):
            raise PermissionError("no entry")
        raise QuotaError("over quota")

    async def builtin(self):
        raise ValueError("bad value")

    async def custom(self):
        raise QuotaError("over quota")

    async def missing(self):
        return {}["nope"]
"""

CATCHING = """
from workers import Response, WorkerEntrypoint

class Default(WorkerEntrypoint):
    async def fetch(self, request):
        out = []
        calls = [
            lambda: self.env.SVC.fetch("https://svc/builtin"),
            lambda: self.env.SVC.fetch("https://svc/custom"),
            lambda: self.env.SVC.builtin(),
            lambda: self.env.SVC.custom(),
            lambda: self.env.SVC.missing(),
            lambda: self.env.SVC.not_there(),
        ]
        for call in calls:
            try:
                await call()
            except Exception as error:
                out.append([
                    type(error).__name__,
                    str(error),
                    isinstance(error, PermissionError),
                    isinstance(error, LookupError),
                    type(error).__module__,
                ])
        return Response.json(out)
"""


async def test_the_callees_exception_reaches_the_caller_with_type_and_message(
    platform: Platform,
):
    await deploy(platform, "svc", FAILING)
    await deploy(platform, "gateway", CATCHING, bindings=[service("svc", "SVC")])
    response = await platform.get(platform.host("gateway"))
    assert response.json() == [
        ["PermissionError", "no entry", True, False, "builtins"],  # fetch: tunnelled
        ["QuotaError", "over quota", False, True, "hearth.remote"],
        ["ValueError", "bad value", False, False, "builtins"],  # RPC
        ["QuotaError", "over quota", False, True, "hearth.remote"],
        ["KeyError", "'nope'", False, True, "builtins"],
        [
            "TypeError",
            'The RPC receiver does not implement the method "not_there".',
            False,
            False,
            "builtins",
        ],
    ]


RECURSIVE = """
from workers import Response, WorkerEntrypoint

class Default(WorkerEntrypoint):
    async def fetch(self, request):
        n = int(request.headers.get("x-n") or 1)
        if request.url.endswith("/fanout"):
            done = 0
            try:
                while True:
                    await self.env.SELF.ping()
                    done += 1
            except RuntimeError as error:
                return Response(f"{done} calls, then: {error}")
        try:
            inner = await self.env.SELF.fetch(request.url, headers={"x-n": str(n + 1)})
        except Exception as error:
            return Response(f"invocation {n}: {type(error).__name__}: {error}")
        return inner

    async def ping(self):
        return "pong"
"""


async def test_the_33rd_invocation_of_a_request_fails_in_a_chain(platform: Platform):
    await platform.plane.services.create(platform.admin, "loop")
    await deploy(platform, "loop", RECURSIVE, bindings=[service("loop", "SELF")])
    text = (await platform.get(platform.host("loop"), "/chain")).text
    # Invocations 1…32 ran; the 32nd's call would have been the 33rd invocation.
    assert text == f"invocation 32: RuntimeError: {DEPTH_LIMIT_MESSAGE}"
    assert "recursed through Workers too many times" in text


async def test_the_limit_counts_fan_out_too_and_each_request_has_its_own(platform: Platform):
    await platform.plane.services.create(platform.admin, "loop")
    await deploy(platform, "loop", RECURSIVE, bindings=[service("loop", "SELF")])
    for _ in range(2):  # a fresh budget per top-level request
        text = (await platform.get(platform.host("loop"), "/fanout")).text
        assert text == f"31 calls, then: {DEPTH_LIMIT_MESSAGE}"


BACKGROUND = """
import asyncio, time
from workers import Response, WorkerEntrypoint

class Default(WorkerEntrypoint):
    async def fetch(self, request):
        async def later():
            await asyncio.sleep(0.3)
            print("background done", time.time())
        self.ctx.waitUntil(later())
        return Response("answered")

    async def work(self):
        async def later():
            await asyncio.sleep(0.3)
            print("rpc background done", time.time())
        self.ctx.waitUntil(later())
        return "answered"
"""

CALLER = """
from workers import Response, WorkerEntrypoint

class Default(WorkerEntrypoint):
    async def fetch(self, request):
        first = await self.env.SVC.fetch("https://svc/")
        second = await self.env.SVC.work()
        return Response(f"{await first.text()} {second}")
"""


async def test_wait_until_in_the_callee_finishes_after_the_call_returns(
    platform: Platform, traces: list[TraceEvent]
):
    await deploy(platform, "svc", BACKGROUND)
    await deploy(platform, "gateway", CALLER, bindings=[service("svc", "SVC")])
    started = time.time()
    response = await platform.get(platform.host("gateway"))
    answered = time.time()
    assert response.text == "answered answered"
    assert answered - started < 0.3  # nobody waited for the background work
    deadline = time.monotonic() + 5
    while len([t for t in traces if t.script_name == "svc"]) < 2:
        assert time.monotonic() < deadline, "the callee's background work never finished"
        await asyncio.sleep(0.05)
    for trace in (t for t in traces if t.script_name == "svc"):
        (log,) = trace.logs
        label, finished_at = log["message"][0].rsplit(" ", 1)
        assert label in ("background done", "rpc background done")
        assert float(finished_at) > answered  # it ran to the end after the response


LINKED = """
from workers import Response, WorkerEntrypoint

class Default(WorkerEntrypoint):
    async def fetch(self, request):
        if request.url.endswith("/inner"):
            return Response("inner")
        hop = await self.env.NEXT.fetch("https://next/inner")
        value = await self.env.NEXT.ping()
        return Response(await hop.text() + value)

    async def ping(self):
        print("pinged")
        return "!"
"""


async def test_every_invocation_has_its_own_trace_event_linked_to_its_caller(
    platform: Platform, traces: list[TraceEvent]
):
    await deploy(platform, "next", LINKED)
    await deploy(platform, "gateway", LINKED, bindings=[service("next", "NEXT")])
    assert (await platform.get(platform.host("gateway"))).text == "inner!"
    by_kind = {(t.script_name, t.kind): t for t in traces}
    gateway = by_kind["gateway", "fetch"]
    fetched, called = by_kind["next", "fetch"], by_kind["next", "rpc"]
    assert gateway.parent_id is None
    assert fetched.parent_id == gateway.id and called.parent_id == gateway.id
    assert len({gateway.id, fetched.id, called.id}) == 3
    assert fetched.to_dict()["parentId"] == gateway.id
    assert fetched.to_dict()["event"]["request"]["url"] == "https://next/inner"
    assert called.to_dict()["event"] == {"rpcMethod": "ping"}
    assert called.logs[0]["message"] == ["pinged"]


SPLIT_V1 = """
from workers import Response, WorkerEntrypoint

class Default(WorkerEntrypoint):
    async def fetch(self, request):
        return Response("v1")

    async def which(self):
        return "v1"
"""
SPLIT_V2 = SPLIT_V1.replace('"v1"', '"v2"')

VIA = """
from workers import Response, WorkerEntrypoint

class Default(WorkerEntrypoint):
    async def fetch(self, request):
        fetched = await (await self.env.SHOP.fetch("https://shop/")).text()
        return Response(f"{fetched} {await self.env.SHOP.which()}")
"""


async def test_the_callers_version_key_picks_the_targets_version(platform: Platform):
    old = await deploy(platform, "shop", SPLIT_V1)
    new = await deploy(platform, "shop", SPLIT_V2)
    await platform.plane.deployments.create(
        platform.admin, "shop", "production", {old.id: 50, new.id: 50}
    )
    await deploy(platform, "gateway", VIA, bindings=[service("shop", "SHOP")])
    seen = Counter()
    for number in range(40):
        key = {"hearth-version-key": f"user-{number}"}
        direct = (await platform.get(platform.host("shop"), headers=key)).text
        pinned = {
            (await platform.get(platform.host("gateway"), headers=key)).text for _ in range(5)
        }
        assert pinned == {f"{direct} {direct}"}  # same version as the target's own hostname
        seen[direct] += 1
    assert set(seen) == {"v1", "v2"}  # the split is honoured, not bypassed
    override = {"hearth-version-override": f'shop="{new.id}"'}
    assert (await platform.get(platform.host("gateway"), headers=override)).text == "v2 v2"


REDIRECTING = """
from workers import Response, WorkerEntrypoint

class Default(WorkerEntrypoint):
    async def fetch(self, request):
        return Response.redirect(self.env.TARGET, 302)
"""

FOLLOWING = """
from workers import Response, WorkerEntrypoint

class Default(WorkerEntrypoint):
    async def fetch(self, request):
        manual = await self.env.SVC.fetch("https://svc/", redirect="manual")
        try:
            await self.env.SVC.fetch("https://svc/", redirect="error")
        except TypeError as error:
            refused = str(error)
        followed = await self.env.SVC.fetch("https://svc/")
        return Response.json([manual.status, manual.headers.get("location"), refused,
                              followed.status, await followed.text()])
"""


async def test_a_redirect_is_followed_over_the_network_as_fetch_does(platform: Platform):
    target = f"http://127.0.0.1:{platform.port}/elsewhere"
    await deploy(platform, "svc", REDIRECTING, vars={"TARGET": target})
    await deploy(platform, "gateway", FOLLOWING, bindings=[service("svc", "SVC")])
    manual, location, refused, status, body = (await platform.get(platform.host("gateway"))).json()
    assert (manual, location) == (302, target)
    assert refused == "fetch to https://svc/ was redirected, and redirect is 'error'."
    # Followed to the node itself by IP: no worker answers there, so its 404 says so.
    assert (status, body) == (404, f"No worker is served at 127.0.0.1:{platform.port}\n")


FOLLOWING_WITH_CREDENTIALS = """
from workers import Response, WorkerEntrypoint

class Default(WorkerEntrypoint):
    async def fetch(self, request):
        followed = await self.env.SVC.fetch("https://svc/", headers={"authorization": "secret"})
        return Response(await followed.text())
"""


class _EchoAuthorization(BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        body = f"authorization={self.headers.get('authorization')}".encode()
        self.send_response(200)
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


async def test_a_redirect_to_another_origin_drops_the_callers_authorization(platform: Platform):
    """As the Fetch standard says: credentials meant for the bound service do not follow a
    redirect to a host someone else runs."""
    elsewhere = ThreadingHTTPServer(("127.0.0.1", 0), _EchoAuthorization)
    threading.Thread(target=elsewhere.serve_forever, daemon=True).start()
    try:
        target = f"http://127.0.0.1:{elsewhere.server_port}/"
        await deploy(platform, "svc", REDIRECTING, vars={"TARGET": target})
        await deploy(
            platform, "gateway", FOLLOWING_WITH_CREDENTIALS, bindings=[service("svc", "SVC")]
        )
        assert (await platform.get(platform.host("gateway"))).text == "authorization=None"
    finally:
        elsewhere.shutdown()


PROPS = """
from workers import Response, WorkerEntrypoint

class Default(WorkerEntrypoint):
    async def fetch(self, request):
        self.ctx.props["seen"] = True  # a change no later invocation may see
        return Response.json(self.ctx.props)

    async def props(self):
        return self.ctx.props
"""

SHOW_PROPS = """
from workers import Response, WorkerEntrypoint

class Default(WorkerEntrypoint):
    async def fetch(self, request):
        first = await (await self.env.SVC.fetch("https://svc/")).json()
        return Response.json([first, await self.env.SVC.props()])
"""


async def test_the_bindings_props_are_the_callees_ctx_props(platform: Platform):
    await deploy(platform, "svc", PROPS)
    binding = service("svc", "SVC") | {"props": {"role": "admin"}}
    await deploy(platform, "gateway", SHOW_PROPS, bindings=[binding])
    first, second = (await platform.get(platform.host("gateway"))).json()
    assert first == {"role": "admin", "seen": True}
    assert second == {"role": "admin"}
