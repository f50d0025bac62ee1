"""An invocation keeps 128 KB of logs, as Cloudflare does: past that its lines are dropped, the
last entry says so and the trace event is marked `truncated`; the next invocation starts
afresh. A worker printing in a loop cannot grow the server's memory."""

from __future__ import annotations

from hearth.fetch import Request
from hearth.runtime import MAX_LOG_BYTES

CHATTY = """
    from workers import Response, WorkerEntrypoint

    class Default(WorkerEntrypoint):
        async def fetch(self, request):
            lines = int(request.headers.get("lines"))
            for i in range(lines):
                print("é" * 1000, i)  # 2,000 bytes of UTF-8 and the number
            print("x" * (3 * 128 * 1024), end="")  # a line that never ends, 384 KB
            return Response("done")
"""


async def test_logs_past_128_kb_are_dropped_and_the_event_says_so(
    runtime, write_worker, traces
) -> None:
    version = write_worker(CHATTY)
    await runtime.load(version)
    response = await runtime.invoke(version.id, Request("http://x/", headers={"lines": "1000"}))
    assert await response.text() == "done"  # the worker runs on, only its logs stop

    (trace,) = traces
    event = trace.to_dict()
    assert event["truncated"] is True
    kept = [entry["message"][0] for entry in event["logs"]]
    assert len(kept) == MAX_LOG_BYTES // 2002 + 1  # whole lines that fit, then the notice
    assert kept[-1] == "Log size limit exceeded: this invocation's logs past 128 KB were dropped"
    assert event["logs"][-1]["level"] == "warn"
    assert sum(len(line.encode()) for line in kept[:-1]) <= MAX_LOG_BYTES


async def test_an_invocation_under_the_limit_keeps_every_line(
    runtime, write_worker, traces
) -> None:
    version = write_worker(CHATTY.replace('print("x" * (3 * 128 * 1024), end="")', "pass"))
    await runtime.load(version)
    await runtime.invoke(version.id, Request("http://x/", headers={"lines": "1000"}))
    await runtime.invoke(version.id, Request("http://x/", headers={"lines": "3"}))
    first, second = (t.to_dict() for t in traces)
    assert first["truncated"] is True
    assert second["truncated"] is False and len(second["logs"]) == 3
