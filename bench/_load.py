"""Load generation with wrk on loopback, and the servers the benchmarks compare."""

from __future__ import annotations

import os
import re
import selectors
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
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
    with _server(args, env) as (port, _):
        yield port


@contextmanager
def _server(
    args: list[str], env: dict[str, str] | None = None, timeout: float = 30
) -> Iterator[tuple[int, subprocess.Popen]]:
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
        wait_until_serving(port, process, timeout)
        yield port, process
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


def wrk(
    url: str,
    seconds: float = 5,
    connections: int = 64,
    host: str | None = None,
    token: str | None = None,
) -> float:
    """Requests per second that wrk measured (one thread: the other core serves); `token`:
    sent as a bearer token (the admin API)."""
    return _requests_per_second(_start_wrk(url, seconds, connections, host, token), url)


@dataclass
class SideBySide:
    """Requests/s of an anchor and a subject loaded at the same time, round by round."""

    anchor: list[float]
    subject: list[float]

    @property
    def ratios(self) -> list[float]:
        return [s / a for a, s in zip(self.anchor, self.subject, strict=True)]

    @property
    def ratio(self) -> float:
        return statistics.median(self.ratios)

    def describe(self, subject: str, target: float, anchor: str = "the bare ASGI app's") -> str:
        return (
            f"{subject}: {statistics.median(self.subject):,.0f} req/s beside {anchor} "
            f"{statistics.median(self.anchor):,.0f} -> ratio {self.ratio:.2f} (target >= "
            f"{target:.2f}; rounds: {', '.join(f'{r:.2f}' for r in self.ratios)})"
        )


def side_by_side(
    anchor: str,
    subject: str,
    *,
    subject_host: str | None = None,
    anchor_host: str | None = None,
    rounds: int = 7,
    seconds: float = 3,
) -> SideBySide:
    """Load both servers at once, one wrk each: they share the server core, so whatever else
    the machine does hits both alike, and the ratio of their requests/s is the ratio of what
    request costs each. (On this shared 2-core VM, rounds run one after the other gave ratios
    from 0.60 to 1.04 in one run; side by side, 0.74 to 0.77.) Which wrk starts first
    alternates."""
    for url, host in ((anchor, anchor_host), (subject, subject_host)):
        wrk(url, seconds=1, host=host)  # warm up; fail early on a non-2xx answer
    result = SideBySide([], [])
    for round_ in range(rounds):
        runs = [(anchor, anchor_host), (subject, subject_host)]
        if round_ % 2:
            runs.reverse()
        started = {url: _start_wrk(url, seconds, 64, host) for url, host in runs}
        result.anchor.append(_requests_per_second(started[anchor], anchor))
        result.subject.append(_requests_per_second(started[subject], subject))
    return result


def _start_wrk(
    url: str, seconds: float, connections: int, host: str | None, token: str | None = None
) -> subprocess.Popen:
    header = ["-H", f"Host: {host}"] if host else []
    if token:
        header += ["-H", f"Authorization: Bearer {token}"]
    return subprocess.Popen(
        _pinned(LOAD_CPU)
        + [ensure_wrk(), "-t1", f"-c{connections}", f"-d{seconds}s", *header, url],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _requests_per_second(process: subprocess.Popen, url: str) -> float:
    stdout, stderr = process.communicate()
    match = re.search(r"Requests/sec:\s+([\d.]+)", stdout)
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", stdout)
    if process.returncode or match is None or errors:
        raise RuntimeError(f"wrk failed against {url}:\n{stdout}{stderr}")
    return float(match.group(1))


def instructions_per_request(
    args: list[str],
    env: dict[str, str] | None = None,
    host: str = "127.0.0.1",
    prepare: Callable[[int], None] | None = None,
    requests: int = 3000,
) -> float:
    """Instructions the server process executes per request, counted by valgrind's callgrind.

    Deterministic, so unaffected by other load on the machine (wrk figures are not): the
    server runs uninstrumented until it serves (and `prepare(port)` has run), is warmed up,
    then `requests` keep-alive GETs on 8 connections are counted between a zero and a dump
    of the counters. Kernel time (sockets) is not counted: it is the same for both sides."""
    if shutil.which("valgrind") is None:
        raise SystemExit("valgrind is needed for instruction counts: apt-get install valgrind")
    with tempfile.TemporaryDirectory() as out:
        callgrind = [
            "valgrind",
            "--tool=callgrind",
            "--instr-atstart=no",
            f"--callgrind-out-file={out}/callgrind.%p",
        ]
        with _server(callgrind + args, env, timeout=180) as (port, process):
            if prepare is not None:
                prepare(port)
            _get(port, 300, host)
            _callgrind_control(process.pid, "-i", "on")
            _get(port, 300, host)
            _callgrind_control(process.pid, "-z")
            _get(port, requests, host)
            _callgrind_control(process.pid, "-d")
            dump = Path(out) / f"callgrind.{process.pid}.1"
            for _ in range(100):
                if dump.exists() and "totals:" in (text := dump.read_text()):
                    break
                time.sleep(0.1)
            else:
                raise RuntimeError("callgrind wrote no dump")
    totals = re.search(r"^totals: (\d+)", text, re.MULTILINE)
    if totals is None:
        raise RuntimeError("no totals in the callgrind dump")
    return int(totals.group(1)) / requests


def _callgrind_control(pid: int, *command: str) -> None:
    subprocess.run(["callgrind_control", *command, str(pid)], check=True, capture_output=True)


def _get(port: int, count: int, host: str, connections: int = 8) -> None:
    """`count` GET / requests over keep-alive connections, each waiting for its response."""
    request = f"GET / HTTP/1.1\r\nHost: {host}\r\n\r\n".encode()
    selector = selectors.DefaultSelector()
    for _ in range(min(connections, count)):
        sock = socket.create_connection(("127.0.0.1", port))
        sock.sendall(request)
        selector.register(sock, selectors.EVENT_READ, bytearray())
    sent, done = min(connections, count), 0
    while done < count:
        for key, _ in selector.select():
            sock, buffer = key.fileobj, key.data
            buffer += sock.recv(65536)
            while (length := _response_length(buffer)) is not None:
                if not buffer.startswith(b"HTTP/1.1 200"):
                    raise RuntimeError(f"not a 200 response: {bytes(buffer[:100])!r}")
                del buffer[:length]
                done += 1
                if sent < count:
                    sock.sendall(request)
                    sent += 1
    for key in list(selector.get_map().values()):
        key.fileobj.close()


def _response_length(buffer: bytearray) -> int | None:
    """The length of the first complete response in `buffer` (Content-Length or chunked)."""
    end = buffer.find(b"\r\n\r\n")
    if end < 0:
        return None
    head = bytes(buffer[:end]).lower()
    match = re.search(rb"\r\ncontent-length: *(\d+)", head)
    if match is not None:
        length = end + 4 + int(match.group(1))
        return length if len(buffer) >= length else None
    last = buffer.find(b"\r\n0\r\n\r\n", end)
    return None if last < 0 else last + 7


PYTHON = sys.executable


def serve_command() -> list[str]:
    """`hearth serve` at its defaults on a fresh data directory: the edge on `{port}`, the
    admin API on `{port2}` (as `serving` fills them in)."""
    data = tempfile.mkdtemp(prefix="hearth-bench-")
    command = [PYTHON, "-m", "hearth", "serve", "--data-dir", data]
    return command + ["--listen", "127.0.0.1:{port}", "--admin-listen", "127.0.0.1:{port2}"]


# One core serves, the other generates load: the two sides of a comparison then compete for
# the machine in the same way (taskset is in util-linux; without it nothing is pinned).
SERVER_CPU, LOAD_CPU = 1, 0


def _pinned(cpu: int) -> list[str]:
    if shutil.which("taskset") and (os.cpu_count() or 1) > cpu:
        return ["taskset", "-c", str(cpu)]
    return []
