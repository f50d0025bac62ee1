"""`hearth serve` as a real subprocess (the command users run), a certificate made in the test
with `cryptography`, and helpers to deploy through the API over HTTP."""

from __future__ import annotations

import datetime
import json
import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from hearth.edge._server import free_port

DOMAIN = "hearth.test"
TOKEN = "test-admin-token-of-thirty-two-chars-or-more"
HELLO = """
from workers import Response, WorkerEntrypoint

class Default(WorkerEntrypoint):
    async def fetch(self, request):
        return Response(f"hello from {self.env.WHO} at {request.url}")
"""


@dataclass
class Served:
    """A running `hearth serve`: its ports and an admin API client."""

    process: subprocess.Popen[bytes]
    port: int  # workers listener
    admin_port: int
    api: httpx.Client
    output: Path

    def deploy(self, service: str, environment: str = "production") -> dict:
        """Create the service/environment when needed and deploy a version through the API."""
        if self.api.get(f"/services/{service}").status_code == 404:
            assert self.api.post("/services", json={"name": service}).status_code == 201
        envs = f"/services/{service}/environments"
        if self.api.get(f"{envs}/{environment}").status_code == 404:
            assert self.api.post(envs, json={"name": environment}).status_code == 201
        metadata = {
            "main_module": "entry.py",
            "compatibility_date": "2025-09-01",
            "vars": {"WHO": f"{service}/{environment}"},
            "deploy": True,
        }
        parts = [
            ("metadata", (None, json.dumps(metadata), "application/json")),
            ("entry.py", ("entry.py", HELLO.encode(), "text/x-python")),
        ]
        response = self.api.post(f"{envs}/{environment}/versions", files=parts)
        assert response.status_code == 201, response.text
        return response.json()


@pytest.fixture
def serve(tmp_path: Path) -> Iterator[Callable[..., Served]]:
    """`serve(*extra_args)` starts `python -m hearth serve` and waits for its admin API."""
    started: list[Served] = []

    def start(*extra: str) -> Served:
        port, admin_port = free_port(), free_port()
        output = tmp_path / f"serve-{len(started)}.log"
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "hearth",
                "serve",
                "--data-dir",
                str(tmp_path / "data"),
                "--listen",
                f"127.0.0.1:{port}",
                "--admin-listen",
                f"127.0.0.1:{admin_port}",
                "--domain",
                DOMAIN,
                *extra,
            ],
            stdout=output.open("wb"),
            stderr=subprocess.STDOUT,
            env={**os.environ, "HEARTH_BOOTSTRAP_TOKEN": TOKEN},
        )
        api = httpx.Client(
            base_url=f"http://127.0.0.1:{admin_port}/api/v1",
            headers={"authorization": f"Bearer {TOKEN}"},
            timeout=30,
        )
        served = Served(process, port, admin_port, api, output)
        started.append(served)
        deadline = time.monotonic() + 30
        while True:
            if process.poll() is not None:
                raise AssertionError(f"hearth serve exited:\n{output.read_text()}")
            try:
                if api.get("/health").status_code == 200:
                    return served
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise AssertionError(f"hearth serve did not start:\n{output.read_text()}")
            time.sleep(0.1)

    yield start
    for served in started:
        served.api.close()
        served.process.terminate()
        try:
            served.process.wait(10)
        except subprocess.TimeoutExpired:
            served.process.kill()
            served.process.wait()


@dataclass
class Certificate:
    cert: Path
    key: Path


def make_certificate(folder: Path, names: list[str]) -> Certificate:
    """A self-signed certificate (its own CA) for `names`, wildcards allowed."""
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, names[0])])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(n) for n in names]), False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    folder.mkdir(parents=True, exist_ok=True)
    paths = Certificate(folder / "cert.pem", folder / "key.pem")
    paths.cert.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    paths.key.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return paths
