"""Both listeners of `hearth serve` bound a request's head: past 128 KB of request line and
headers the answer is 431 (Cloudflare's limit), and a client that has not sent its headers
within the header timeout gets 408; the connection is closed either way, and the server goes
on serving."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator

import pytest

from tests.serving import Serve, start_serve

TOKEN = "head-limits-test-token-of-thirty-two-chars"


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Serve]:
    folder = tmp_path_factory.mktemp("head-limits")
    running = start_serve(
        folder / "data", folder / "serve.log", "--header-timeout", "1", token=TOKEN
    )
    yield running
    running.stop()


def _exchange(port: int, data: bytes, wait: float = 10) -> bytes:
    """Send `data`, then read until the server closes the connection."""
    with socket.create_connection(("127.0.0.1", port), timeout=wait) as sock:
        sock.sendall(data)
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    return answer


@pytest.mark.parametrize("listener", ["workers", "admin"])
def test_headers_past_128_kb_are_refused_with_431(served: Serve, listener: str) -> None:
    port = served.port if listener == "workers" else served.admin_port
    big = b"GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * (129 * 1024) + b"\r\n\r\n"
    answer = _exchange(port, big)
    assert answer.startswith(b"HTTP/1.1 431 Request Header Fields Too Large\r\n")
    assert answer.endswith(b"request headers over 128 KB")
    under = b"GET /api/v1/health HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * (100 * 1024)
    assert _exchange(port, under + b"\r\nConnection: close\r\n\r\n").split(b" ")[1] != b"431"


def test_a_header_that_never_ends_is_refused_once_past_the_limit(served: Serve) -> None:
    # Refused from the bytes received, not when the header ends (it never does), and before
    # the header timeout.
    started = time.monotonic()
    answer = _exchange(served.port, b"GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 200 * 1024)
    assert answer.startswith(b"HTTP/1.1 431 ")
    assert time.monotonic() - started < 1


@pytest.mark.parametrize("listener", ["workers", "admin"])
def test_a_client_slow_to_send_its_headers_is_cut_off_with_408(
    served: Serve, listener: str
) -> None:
    port = served.port if listener == "workers" else served.admin_port
    started = time.monotonic()
    answer = _exchange(port, b"GET / HTTP/1.1\r\nHost: x\r\n")  # and then nothing
    took = time.monotonic() - started
    assert answer.startswith(b"HTTP/1.1 408 Request Timeout\r\n")
    assert 1 <= took < 3, took
    assert served.api.get("/health").status_code == 200  # the server goes on


def test_a_connection_that_sends_nothing_is_closed_too(served: Serve) -> None:
    answer = _exchange(served.admin_port, b"")
    assert answer.startswith(b"HTTP/1.1 408 ")
