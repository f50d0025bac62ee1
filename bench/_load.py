"""Load generation with wrk on loopback, and the servers the benchmarks compare."""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def ensure_wrk() -> str:
    """wrk comes from Debian's package; install it when missing (the bench machines are ours)."""
    path = shutil.which("wrk")
    if path is None and os.geteuid() == 0 and shutil.which("apt-get"):
        subprocess.run(
            ["apt-get", "install", "-y", "-qq", "wrk"],
            check=False,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        if shutil.which("wrk") is None:
            subprocess.run(["apt-get", "update", "-qq"], check=False, stdout=subprocess.DEVNULL)
            subprocess.run(
                ["apt-get", "install", "-y", "-qq", "wrk"], check=True, stdout=subprocess.DEVNULL
            )
        path = shutil.which("wrk")
    if path is None:
        raise SystemExit("wrk is needed for the HTTP benchmarks: apt-get install wrk")
    return path


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_serving(port: int, process: subprocess.Popen, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"nothing listens on {port} after {timeout} s")


@contextmanager
def serving(args: list[str], env: dict[str, str] | None = None) -> Iterator[int]:
    """Start a server process whose command line takes the port as `{port}` (and the next
    port, for a second listener, as `{port2}`)."""
    port = free_port()
    command = _pinned(SERVER_CPU) + [
        part.replace("{port}", str(port)).replace("{port2}", str(port + 1)) for part in args
    ]
    process = subprocess.Popen(
        command,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, **(env or {})},
    )
    try:
        wait_until_serving(port, process)
        yield port
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


def wrk(url: str, seconds: float = 5, connections: int = 64, host: str | None = None) -> float:
    """Requests per second that wrk measured (one thread: the other core serves)."""
    header = ["-H", f"Host: {host}"] if host else []
    result = subprocess.run(
        _pinned(LOAD_CPU)
        + [ensure_wrk(), "-t1", f"-c{connections}", f"-d{seconds}s", *header, url],
        capture_output=True,
        text=True,
        check=True,
    )
    match = re.search(r"Requests/sec:\s+([\d.]+)", result.stdout)
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", result.stdout)
    if match is None or errors:
        raise RuntimeError(f"wrk failed against {url}:\n{result.stdout}{result.stderr}")
    return float(match.group(1))


PYTHON = sys.executable

# One core serves, the other generates load: the two sides of a comparison then compete for
# the machine in the same way (taskset is in util-linux; without it nothing is pinned).
SERVER_CPU, LOAD_CPU = 1, 0


def _pinned(cpu: int) -> list[str]:
    if shutil.which("taskset") and (os.cpu_count() or 1) > cpu:
        return ["taskset", "-c", str(cpu)]
    return []
