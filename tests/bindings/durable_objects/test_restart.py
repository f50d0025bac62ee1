"""Durability on a real `hearth serve` subprocess: an acknowledged write survives SIGKILL, and
so does an alarm set before the kill (it fires after the restart)."""

from __future__ import annotations

import signal
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

from hearth.control import Principal
from hearth.server import Node, Settings
from tests.serving import Serve, start_serve

from .conftest import CLOCK, Platform, deploy, deploy_counter, durable_object


async def _deploy_services(data_dir: Path) -> None:
    """Deploy the counter and the clock into the data dir, with a node in this process."""
    node = Node(Settings(data_dir=data_dir, domain="localhost", account="main"))
    await node.start()
    assert node.plane is not None
    admin = Principal(await node.plane.accounts.get("main"), "test", "admin")
    platform = Platform(node, node.plane, admin, 0, None)  # type: ignore[arg-type]
    await deploy_counter(platform)
    await deploy(platform, "clock", CLOCK, bindings=[durable_object("CLOCK", "Clock")])
    await node.stop()


@contextmanager
def serving(data_dir: Path, log: Path) -> Iterator[Serve]:
    """`hearth serve` on the data dir, once its workers answer (the clock's first report)."""
    served = start_serve(data_dir, log)
    try:
        deadline = time.monotonic() + 30
        while not get(served, "clock", "/report/x").is_success:
            assert time.monotonic() < deadline, log.read_text()
            time.sleep(0.1)
        yield served
    finally:
        served.stop(kill=True)


def get(served: Serve, service: str, path: str) -> httpx.Response:
    return served.fetch(f"{service}.main.localhost", path)


async def test_acknowledged_writes_and_alarms_survive_sigkill(tmp_path: Path):
    data_dir, log = tmp_path / "data", tmp_path / "serve.log"
    await _deploy_services(data_dir)
    with serving(data_dir, log) as served:
        answers = [get(served, "counter", "/rpc/kept").text for _ in range(5)]
        assert answers == ["1", "2", "3", "4", "5"]  # each acknowledged
        assert get(served, "clock", "/arm-later/c").is_success  # fires 1.5 s from now
        served.process.send_signal(signal.SIGKILL)  # no shutdown code runs
        served.process.wait()
    with serving(data_dir, log) as served:
        stats = get(served, "counter", "/stats/kept")
        assert stats.status_code == 200, stats.text
        assert stats.json()["count"] == 5
        assert get(served, "counter", "/rpc/kept").text == "6"
        deadline = time.monotonic() + 10
        while not (report := get(served, "clock", "/report/c").json())["runs"]:
            assert time.monotonic() < deadline, "the alarm set before the kill never fired"
            time.sleep(0.1)
        assert len(report["runs"]) == 1 and report["alarm"] is None
