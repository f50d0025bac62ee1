"""Durability on a real `hearth serve` subprocess: an acknowledged write survives SIGKILL, and
so does an alarm set before the kill (it fires after the restart)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

from hearth.control import Principal
from hearth.edge._server import free_port
from hearth.server import Node, Settings

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
def serving(data_dir: Path, log: Path) -> Iterator[tuple[subprocess.Popen[bytes], httpx.Client]]:
    port = free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "hearth",
            "serve",
            "--data-dir",
            str(data_dir),
            "--listen",
            f"127.0.0.1:{port}",
            "--admin-listen",
            f"127.0.0.1:{free_port()}",
        ],
        stdout=log.open("ab"),
        stderr=subprocess.STDOUT,
        env={k: v for k, v in os.environ.items() if not k.startswith("HEARTH_")},
    )
    client = httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30)
    deadline = time.monotonic() + 30
    while True:
        assert process.poll() is None, log.read_text()
        try:
            if client.get("/report/x", headers={"host": "clock.main.localhost"}).is_success:
                break
        except httpx.TransportError:
            pass
        assert time.monotonic() < deadline, log.read_text()
        time.sleep(0.1)
    try:
        yield process, client
    finally:
        client.close()
        if process.poll() is None:
            process.kill()
        process.wait()


def get(client: httpx.Client, service: str, path: str) -> httpx.Response:
    return client.get(path, headers={"host": f"{service}.main.localhost"})


async def test_acknowledged_writes_and_alarms_survive_sigkill(tmp_path: Path):
    data_dir, log = tmp_path / "data", tmp_path / "serve.log"
    await _deploy_services(data_dir)
    with serving(data_dir, log) as (process, client):
        answers = [get(client, "counter", "/rpc/kept").text for _ in range(5)]
        assert answers == ["1", "2", "3", "4", "5"]  # each acknowledged
        assert get(client, "clock", "/arm-later/c").is_success  # fires 1.5 s from now
        process.send_signal(signal.SIGKILL)  # no shutdown code runs
        process.wait()
    with serving(data_dir, log) as (_, client):
        stats = get(client, "counter", "/stats/kept")
        assert stats.status_code == 200, stats.text
        assert stats.json()["count"] == 5
        assert get(client, "counter", "/rpc/kept").text == "6"
        deadline = time.monotonic() + 10
        while not (report := get(client, "clock", "/report/c").json())["runs"]:
            assert time.monotonic() < deadline, "the alarm set before the kill never fired"
            time.sleep(0.1)
        assert len(report["runs"]) == 1 and report["alarm"] is None
