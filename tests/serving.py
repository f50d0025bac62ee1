"""`hearth serve` as users start it: `python -m hearth serve` in a real subprocess, ready once
its admin API answers `/health`."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

from hearth.edge._server import free_port


@dataclass
class Serve:
    """A running `hearth serve`: its two listeners and an admin API client (with the token)."""

    process: subprocess.Popen[bytes]
    port: int  # the workers listener
    admin_port: int
    api: httpx.Client  # base URL …/api/v1
    log: Path  # its stdout and stderr

    @property
    def url(self) -> str:
        """The admin listener, as `hearth serve` prints it."""
        return f"http://127.0.0.1:{self.admin_port}"

    def fetch(self, host: str, path: str = "/") -> httpx.Response:
        """A request to a worker, by its hostname (`demo.main.localhost`)."""
        return httpx.get(f"http://127.0.0.1:{self.port}{path}", headers={"host": host}, timeout=30)

    def stop(self, *, kill: bool = False) -> None:
        """SIGTERM (a clean shutdown), or SIGKILL with `kill`; then wait for the exit."""
        self.api.close()
        if self.process.poll() is None:
            self.process.kill() if kill else self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def start_serve(
    data_dir: Path,
    log: Path,
    *extra: str,
    token: str | None = None,
    environment: dict[str, str] | None = None,
) -> Serve:
    """Start `hearth serve --data-dir data_dir` on free loopback ports, appending its output to
    `log`; `token` is its HEARTH_BOOTSTRAP_TOKEN (none: the data directory has its admin),
    `environment` more variables of its process."""
    port, admin_port = free_port(), free_port()
    command = [sys.executable, "-m", "hearth", "serve", "--data-dir", str(data_dir)]
    command += ["--listen", f"127.0.0.1:{port}", "--admin-listen", f"127.0.0.1:{admin_port}"]
    env = {k: v for k, v in os.environ.items() if not k.startswith("HEARTH_")}
    if token is not None:
        env["HEARTH_BOOTSTRAP_TOKEN"] = token
    env.update(environment or {})
    with log.open("ab") as output:
        process = subprocess.Popen(
            [*command, *extra], stdout=output, stderr=subprocess.STDOUT, env=env
        )
    headers = {} if token is None else {"authorization": f"Bearer {token}"}
    api = httpx.Client(
        base_url=f"http://127.0.0.1:{admin_port}/api/v1", headers=headers, timeout=30
    )
    served = Serve(process, port, admin_port, api, log)
    deadline = time.monotonic() + 30
    while True:
        if process.poll() is not None:
            served.stop()
            raise AssertionError(f"hearth serve exited:\n{log.read_text()}")
        try:
            if api.get("/health").status_code == 200:
                return served
        except httpx.TransportError:
            pass
        if time.monotonic() > deadline:
            served.stop()
            raise AssertionError(f"hearth serve did not start:\n{log.read_text()}")
        time.sleep(0.1)
