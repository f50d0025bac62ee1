"""Every invocation is traced: logs, exceptions, outcome, timings, as Cloudflare's tail shows."""

from __future__ import annotations

import asyncio

import pytest

from hearth.fetch import Request
from hearth.runtime import BindingSpec

LOGGING_WORKER = """
    import logging
    from workers import Response, WorkerEntrypoint

    logger = logging.getLogger("my-worker")

    class Default(WorkerEntrypoint):
        async def fetch(self, request):
            print("hello", "world")
            print("no newline yet", end="")
            logger.info("an info line")
            logger.warning("careful")
            logger.error("broken: %s", 42)
            return Response("ok", status=201)
"""


async def test_print_and_logging_become_log_entries_with_levels(runtime, write_worker, traces):
    version = write_worker(LOGGING_WORKER)
    await runtime.load(version)
    await runtime.invoke(version.id, Request("https://example.com/path?q=1"))
    (trace,) = traces
    assert [(entry["level"], entry["message"]) for entry in trace.logs] == [
        ("log", ["hello world"]),
        ("info", ["an info line"]),
        ("warn", ["careful"]),
        ("error", ["broken: 42"]),
        ("log", ["no newline yet"]),
    ]
    assert all(isinstance(entry["timestamp"], int) for entry in trace.logs)


async def test_trace_event_has_cloudflares_tail_shape(runtime, write_worker, traces):
    version = write_worker(LOGGING_WORKER, script_name="shop")
    await runtime.load(version)
    request = Request("https://example.com/path?q=1", headers={"X-Test": "yes"})
    await runtime.invoke(version.id, request)
    event = traces[0].to_dict()
    assert event["outcome"] == "ok"
    assert event["scriptName"] == "shop"
    assert event["entrypoint"] is None
    assert isinstance(event["eventTimestamp"], int)
    assert event["event"] == {
        "request": {
            "url": "https://example.com/path?q=1",
            "method": "GET",
            "headers": {"x-test": "yes"},
        },
        "response": {"status": 201},
    }
    assert event["exceptions"] == []
    assert event["wallTime"] >= 0 and event["cpuTime"] >= 0


async def test_an_alarms_trace_event_gives_its_time_as_an_iso_string(runtime, write_worker, traces):
    """Cloudflare's tail shape: a cron's scheduledTime is milliseconds, an alarm's ISO 8601."""
    from hearth.runtime._events import DurableObjectEvent

    version = write_worker(
        "from workers import DurableObject\n\nclass Room(DurableObject):\n    pass\n"
    )
    await runtime.load(version)
    event = DurableObjectEvent(
        lambda: None, "alarm", "alarm", "Room", scheduled_time=1_795_931_827_701
    )
    await runtime.invoke(version.id, event)
    assert traces[0].to_dict()["event"] == {"scheduledTime": "2026-11-29T05:57:07.701Z"}


async def test_an_uncaught_exception_is_recorded_with_its_traceback(runtime, write_worker, traces):
    version = write_worker(
        """
        from workers import WorkerEntrypoint

        class Default(WorkerEntrypoint):
            async def fetch(self, request):
                print("about to fail")
                raise ValueError("no such order")
        """
    )
    await runtime.load(version)
    with pytest.raises(ValueError, match="no such order"):
        await runtime.invoke(version.id, Request("https://example.com/"))
    (trace,) = traces
    assert trace.outcome == "exception"
    (exception,) = trace.exceptions
    assert exception["name"] == "ValueError"
    assert exception["message"] == "no such order"
    assert 'entry.py", line 7, in fetch' in exception["stack"]
    assert trace.logs[0]["message"] == ["about to fail"]


async def test_a_handler_returning_something_else_than_a_response_is_an_exception(
    runtime, write_worker, traces
):
    version = write_worker(
        """
        from workers import WorkerEntrypoint

        class Default(WorkerEntrypoint):
            async def fetch(self, request):
                return "just a string"
        """
    )
    await runtime.load(version)
    with pytest.raises(TypeError, match="must return a Response, but it returned str"):
        await runtime.invoke(version.id, Request("https://example.com/"))
    assert traces[0].outcome == "exception"


async def test_cpu_time_counts_only_running_not_waiting(runtime, write_worker, traces):
    version = write_worker(
        """
        import asyncio
        from workers import Response, WorkerEntrypoint

        class Default(WorkerEntrypoint):
            async def fetch(self, request):
                await asyncio.sleep(0.2)
                return Response("slept")
        """
    )
    await runtime.load(version)
    await runtime.invoke(version.id, Request("https://example.com/"))
    (trace,) = traces
    assert trace.wall_time_ms >= 200
    assert trace.cpu_time_ms < 50


async def test_wait_until_work_finishes_after_the_response(runtime, write_worker, traces):
    version = write_worker(
        """
        import asyncio
        from workers import Response, WorkerEntrypoint, wait_until

        DONE = []

        async def slow(tag):
            await asyncio.sleep(0.1)
            DONE.append(tag)
            print("background", tag)

        class Default(WorkerEntrypoint):
            async def fetch(self, request):
                self.ctx.waitUntil(slow("ctx"))
                wait_until(slow("module"))
                return Response(str(len(DONE)))
        """
    )
    await runtime.load(version)
    response = await runtime.invoke(version.id, Request("https://example.com/"))
    assert await response.text() == "0"
    assert traces == []  # reported only once the background work settled
    module = runtime.loaded(version.id).namespace.import_main("entry.py")
    for _ in range(50):
        if traces:
            break
        await asyncio.sleep(0.02)
    assert sorted(module.DONE) == ["ctx", "module"]
    assert sorted(entry["message"][0] for entry in traces[0].logs) == [
        "background ctx",
        "background module",
    ]


async def test_work_that_waitUntil_registers_from_waitUntil_work_is_waited_for_too(
    runtime, write_worker, traces
):
    """The invocation is reported once every piece of background work is done, including
    work registered by background work, with its logs and exceptions."""
    version = write_worker(
        """
        import asyncio
        from workers import Response, WorkerEntrypoint, wait_until

        async def second():
            await asyncio.sleep(0.05)
            print("second ran")
            raise ValueError("second failed")

        async def first():
            await asyncio.sleep(0.05)
            print("first ran")
            wait_until(second())

        class Default(WorkerEntrypoint):
            async def fetch(self, request):
                self.ctx.waitUntil(first())
                return Response("ok")
        """
    )
    await runtime.load(version)
    await runtime.invoke(version.id, Request("https://example.com/"))
    for _ in range(100):
        if traces:
            break
        await asyncio.sleep(0.02)
    (trace,) = traces
    assert [entry["message"][0] for entry in trace.logs] == ["first ran", "second ran"]
    assert [exception["message"] for exception in trace.exceptions] == ["second failed"]


async def test_env_holds_text_and_json_vars_and_secrets(runtime, write_worker):
    version = write_worker(
        """
        from workers import Response, WorkerEntrypoint

        class Default(WorkerEntrypoint):
            async def fetch(self, request):
                env = self.env
                return Response.json({
                    "text": env.API_HOST,
                    "json": env.LIMITS["rps"],
                    "secret": env.API_KEY,
                    "missing": getattr(env, "NOPE", None),
                    "item": env["API_HOST"],
                })
        """,
        bindings=(
            BindingSpec("API_HOST", "text", "api.example.com"),
            BindingSpec("LIMITS", "json", {"rps": 10}),
            BindingSpec("API_KEY", "secret", "s3cr3t"),
        ),
    )
    await runtime.load(version)
    response = await runtime.invoke(version.id, Request("https://example.com/"))
    assert await response.json() == {
        "text": "api.example.com",
        "json": 10,
        "secret": "s3cr3t",
        "missing": None,
        "item": "api.example.com",
    }
    assert "s3cr3t" not in repr(runtime.loaded(version.id).env)


async def test_an_untraced_invocation_keeps_its_semantics(runtime, write_worker, capsys):
    """Without a trace subscriber the runtime skips timing the handler, nothing else: prints
    still go to the invocation (not to stdout), waitUntil work still runs, a status is kept,
    and the next invocation after somebody subscribes is traced with its timings."""
    version = write_worker(
        """
        import asyncio
        from workers import Response, WorkerEntrypoint

        DONE = []

        async def later():
            await asyncio.sleep(0.01)
            DONE.append("later")

        class Default(WorkerEntrypoint):
            async def fetch(self, request):
                print("inside the invocation")
                self.ctx.waitUntil(later())
                await asyncio.sleep(0)
                return Response("ok", status=202)
        """
    )
    await runtime.load(version)
    response = await runtime.invoke(version.id, Request("https://example.com/"))
    assert response.status == 202
    module = runtime.loaded(version.id).namespace.import_main("entry.py")
    for _ in range(50):
        if module.DONE:
            break
        await asyncio.sleep(0.02)
    assert module.DONE == ["later"]
    assert "inside the invocation" not in capsys.readouterr().out

    traces = []
    runtime.trace_bus.subscribe(traces.append)
    await runtime.invoke(version.id, Request("https://example.com/"))
    for _ in range(50):
        if traces:
            break
        await asyncio.sleep(0.02)
    (trace,) = traces
    assert trace.status == 202
    assert trace.wall_time_ms > 0 and trace.cpu_time_ms > 0
    assert [entry["message"] for entry in trace.logs] == [["inside the invocation"]]


async def test_an_exception_is_raised_to_the_caller_without_a_subscriber(runtime, write_worker):
    version = write_worker(
        """
        from workers import WorkerEntrypoint

        class Default(WorkerEntrypoint):
            async def fetch(self, request):
                raise ValueError("broken")
        """
    )
    await runtime.load(version)
    with pytest.raises(ValueError, match="broken"):
        await runtime.invoke(version.id, Request("https://example.com/"))
    assert runtime.loaded(version.id).active == 0


BUSY_WORKER = """
    from workers import Response, WorkerEntrypoint

    class Default(WorkerEntrypoint):
        async def fetch(self, request):
            sum(range(200_000))
            return Response("busy")
"""


async def test_cpu_time_is_measured_only_when_a_subscriber_asks_for_it(runtime, write_worker):
    # `hearth dev`'s request log shows wall time only: timing each step would cost it more.
    version = write_worker(BUSY_WORKER)
    await runtime.load(version)
    lines = []
    unsubscribe = runtime.trace_bus.subscribe(lines.append, cpu_time=False)
    await runtime.invoke(version.id, Request("https://example.com/"))
    (line,) = lines
    assert line.wall_time_ms > 0 and line.cpu_time_ms == 0

    tails = []
    runtime.trace_bus.subscribe(tails.append)
    await runtime.invoke(version.id, Request("https://example.com/"))
    assert tails[0].cpu_time_ms > 0 and lines[1].cpu_time_ms > 0
    unsubscribe()
    await runtime.invoke(version.id, Request("https://example.com/"))
    assert len(lines) == 2 and len(tails) == 2
