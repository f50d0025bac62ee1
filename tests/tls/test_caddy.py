"""Caddy in front of a real `hearth serve`, with on-demand TLS from Caddy's internal CA and the
node's ask endpoint deciding which hostnames may have a certificate (the Caddyfile of
docs/TLS.md, on unprivileged ports, its storage in the test's folder). An environment created
through the API is reachable over HTTPS at once; a made-up hostname gets no certificate."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from hearth.edge._server import free_port
from tests.tls.conftest import DOMAIN, Served, deploy

CADDY = shutil.which("caddy")
pytestmark = pytest.mark.skipif(CADDY is None, reason="needs Debian's caddy (.ci/run installs it)")

CADDYFILE = """
{{
	admin off
	storage file_system {storage}
	http_port {http_port}
	https_port {https_port}
	skip_install_trust
	on_demand_tls {{
		ask http://127.0.0.1:{admin_port}/api/v1/tls/ask
	}}
}}

https:// {{
	tls internal {{
		on_demand
	}}
	reverse_proxy 127.0.0.1:{workers_port}
}}
"""


def wait_for_port(port: int, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"caddy exited:\n{log.read_text()}")
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise AssertionError(f"caddy did not listen on {port}:\n{log.read_text()}")


@pytest.fixture
def caddy(serve: Callable[..., Served], tmp_path: Path) -> Iterator[tuple[Served, int, Path]]:
    """(the node, Caddy's HTTPS port, Caddy's root certificate)."""
    https_port = free_port()
    served = serve("--public-url", f"https://{DOMAIN}:{https_port}")
    storage = tmp_path / "caddy"
    config = tmp_path / "Caddyfile"
    config.write_text(
        CADDYFILE.format(
            storage=storage,
            http_port=free_port(),
            https_port=https_port,
            admin_port=served.admin_port,
            workers_port=served.port,
        )
    )
    log = tmp_path / "caddy.log"
    home = {"HOME": str(tmp_path), "XDG_DATA_HOME": str(tmp_path), "XDG_CONFIG_HOME": str(tmp_path)}
    assert CADDY is not None
    process = subprocess.Popen(
        [CADDY, "run", "--config", str(config), "--adapter", "caddyfile"],
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
        env={**os.environ, **home},
    )
    try:
        wait_for_port(https_port, process, log)
        yield served, https_port, storage / "pki" / "authorities" / "local" / "root.crt"
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def curl(host: str, port: int, root: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            "curl",
            "--silent",
            "--show-error",
            "--max-time",
            "30",
            "--cacert",
            str(root),
            "--resolve",
            f"{host}:{port}:127.0.0.1",
            f"https://{host}:{port}/",
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_a_new_environment_is_reachable_over_https_through_caddy_at_once(
    caddy: tuple[Served, int, Path],
) -> None:
    served, port, root = caddy
    deploy(served, "api")
    created = deploy(served, "api", "staging")  # creates the environment, then deploys to it
    host = f"staging.api.main.{DOMAIN}"
    # The URLs the API shows are Caddy's (--public-url).
    assert created["version"]["preview_url"] == f"https://v1.{host}:{port}/"
    result = curl(host, port, root)
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"hello from api/staging at https://{host}:{port}/"
    assert root.is_file()  # the chain curl trusted is Caddy's own internal CA

    # Its version's hostname too; production as well.
    assert curl(f"v1.{host}", port, root).stdout.startswith("hello from api/staging")
    assert curl(f"api.main.{DOMAIN}", port, root).stdout.startswith("hello from api/production")


def test_a_made_up_hostname_gets_no_certificate(caddy: tuple[Served, int, Path]) -> None:
    served, port, root = caddy
    deploy(served, "api")
    assert curl(f"api.main.{DOMAIN}", port, root).returncode == 0  # the CA exists by now
    for host in (f"made-up.api.main.{DOMAIN}", "example.com"):
        result = curl(host, port, root)
        # The TLS handshake fails: curl's "SSL connect error" (35), no HTTP exchange at all.
        assert result.returncode == 35, (result.returncode, result.stderr)
        assert result.stdout == ""
