"""`hearth serve` as a real subprocess (the command users run), a certificate made in the test
with `cryptography`, and helpers to deploy through the API over HTTP."""

from __future__ import annotations

import datetime
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from tests.serving import Serve, start_serve

DOMAIN = "hearth.test"
TOKEN = "test-admin-token-of-thirty-two-chars-or-more"
HELLO = """
from workers import Response, WorkerEntrypoint

class Default(WorkerEntrypoint):
    async def fetch(self, request):
        return Response(f"hello from {self.env.WHO} at {request.url}")
"""


Served = Serve  # a running `hearth serve` with the admin token below


def deploy(served: Serve, service: str, environment: str = "production") -> dict:
    """Create the service/environment when needed and deploy a version through the API."""
    api = served.api
    if api.get(f"/services/{service}").status_code == 404:
        assert api.post("/services", json={"name": service}).status_code == 201
    envs = f"/services/{service}/environments"
    if api.get(f"{envs}/{environment}").status_code == 404:
        assert api.post(envs, json={"name": environment}).status_code == 201
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
    response = api.post(f"{envs}/{environment}/versions", files=parts)
    assert response.status_code == 201, response.text
    return response.json()


@pytest.fixture
def serve(tmp_path: Path) -> Iterator[Callable[..., Served]]:
    """`serve(*extra_args)` starts `python -m hearth serve --domain hearth.test` and waits for
    its admin API."""
    started: list[Served] = []

    def start(*extra: str) -> Served:
        log = tmp_path / f"serve-{len(started)}.log"
        served = start_serve(tmp_path / "data", log, "--domain", DOMAIN, *extra, token=TOKEN)
        started.append(served)
        return served

    yield start
    for served in started:
        served.stop()


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
