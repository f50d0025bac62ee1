"""`hearth serve --tls-cert FILE --tls-key FILE`: the workers listener speaks HTTPS with the
given (wildcard) certificate, `--http-redirect PORT` sends plain HTTP there with a 308, and
the URLs the API shows are https ones. Checked with httpx trusting only that certificate."""

from __future__ import annotations

import ssl
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from tests.tls.conftest import DOMAIN, Served, deploy, make_certificate

# One label per wildcard: production hosts, then the api service's environments and versions.
NAMES = [f"*.main.{DOMAIN}", f"*.api.main.{DOMAIN}", f"*.staging.api.main.{DOMAIN}"]


def get_https(served: Served, host: str, ca: Path, path: str = "/") -> httpx.Response:
    """GET https://<host><path> on the workers port of 127.0.0.1, with SNI and certificate
    checks against `host` (what DNS pointing at this machine would give)."""
    context = ssl.create_default_context(cafile=str(ca))
    with httpx.Client(verify=context) as client:
        return client.get(
            f"https://127.0.0.1:{served.port}{path}",
            headers={"host": f"{host}:{served.port}"},
            extensions={"sni_hostname": host},
        )


def test_workers_are_served_over_https_with_the_given_certificate(
    serve: Callable[..., Served], tmp_path: Path
) -> None:
    certificate = make_certificate(tmp_path / "tls", NAMES)
    served = serve("--tls-cert", str(certificate.cert), "--tls-key", str(certificate.key))
    created = deploy(served, "api", "staging")
    host = f"staging.api.main.{DOMAIN}"
    assert created["version"]["preview_url"] == f"https://v1.{host}:{served.port}/"
    env = served.api.get("/services/api/environments/staging").json()
    assert env["url"] == f"https://{host}:{served.port}/"

    response = get_https(served, host, certificate.cert, "/hi?x=1")
    assert response.status_code == 200
    assert response.text == f"hello from api/staging at https://{host}:{served.port}/hi?x=1"
    assert get_https(served, f"v1.{host}", certificate.cert).text.startswith("hello from api")

    # A certificate nobody trusts is refused by the client: it really is this one in use.
    other = make_certificate(tmp_path / "other", NAMES)
    with pytest.raises(httpx.ConnectError, match="CERTIFICATE_VERIFY_FAILED"):
        get_https(served, host, other.cert)


def test_http_on_the_redirect_port_gets_a_308_to_the_same_url_over_https(
    serve: Callable[..., Served], tmp_path: Path
) -> None:
    from hearth.edge._server import free_port

    certificate = make_certificate(tmp_path / "tls", NAMES)
    redirect = free_port()
    served = serve(
        "--tls-cert",
        str(certificate.cert),
        "--tls-key",
        str(certificate.key),
        "--http-redirect",
        str(redirect),
    )
    deploy(served, "api")
    host = f"api.main.{DOMAIN}"
    with httpx.Client() as client:
        response = client.post(
            f"http://127.0.0.1:{redirect}/a/b%20c?q=1&r",
            headers={"host": f"API.main.{DOMAIN}:{redirect}"},
            content=b"body",
        )
        assert response.status_code == 308
        assert response.headers["location"] == f"https://{host}:{served.port}/a/b%20c?q=1&r"
        assert response.content == b""
        missing = client.get(f"http://127.0.0.1:{redirect}/", headers={"host": ""})
        assert missing.status_code == 400
    # Following it lands on the worker.
    assert get_https(served, host, certificate.cert, "/a").text.startswith("hello from api")


@pytest.mark.parametrize(
    "args, says",
    [
        (["--tls-cert", "{cert}"], "--tls-cert and --tls-key go together"),
        (["--http-redirect", "8080"], "--http-redirect needs --tls-cert"),
        (["--tls-cert", "{cert}", "--tls-key", "{cert}"], "cannot be used"),
        (["--public-url", "example.com"], "give http://… or https://…"),
    ],
    ids=["cert-without-key", "redirect-without-tls", "key-is-not-a-key", "public-url"],
)
def test_bad_tls_options_are_refused_before_anything_starts(
    tmp_path: Path, args: list[str], says: str
) -> None:
    certificate = make_certificate(tmp_path / "tls", NAMES)
    argv = [a.format(cert=certificate.cert) for a in args]
    result = subprocess.run(
        [sys.executable, "-m", "hearth", "serve", "--data-dir", str(tmp_path / "d"), *argv],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert says in " ".join(result.stderr.split())
    assert not (tmp_path / "d").exists()  # nothing was created
