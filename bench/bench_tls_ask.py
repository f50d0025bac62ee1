"""The on-demand TLS ask endpoint answers from memory: `GET /api/v1/tls/ask?domain=…` on the
admin listener of `hearth serve` (with 500 services, each with a staging environment), under
wrk, against two anchors measured side by side in the same run: the API's floor,
`GET /api/v1/health` (no token, no database), and `GET /api/v1/services/{name}` (a token check
and a control-plane read), which is what an ask backed by the database would cost at least.

The claim: ask stays near the API's floor (ask / health ≈ 0.8 on these machines: the query
parameter and the context dependency), an order of magnitude above any database-backed
endpoint; there is no database round trip per TLS handshake.

    python -m bench bench_tls_ask
"""

from __future__ import annotations

import secrets
import tempfile

import httpx

from ._load import PYTHON, serving, wrk

TOKEN = "bench_" + secrets.token_urlsafe(32)
SERVICES = 500
SECONDS = 5


def main() -> None:
    with tempfile.TemporaryDirectory() as data:
        command = [PYTHON, "-m", "hearth", "serve", "--data-dir", data, "--domain", "bench.test"]
        command += ["--admin-listen", "127.0.0.1:{port}", "--listen", "127.0.0.1:{port2}"]
        with serving(command, env={"HEARTH_BOOTSTRAP_TOKEN": TOKEN}) as port:
            base = f"http://127.0.0.1:{port}/api/v1"
            headers = {"authorization": f"Bearer {TOKEN}"}
            with httpx.Client(base_url=base, headers=headers, timeout=60) as api:
                for i in range(SERVICES):
                    api.post("/services", json={"name": f"svc{i}"}).raise_for_status()
                    envs = f"/services/svc{i}/environments"
                    api.post(envs, json={"name": "staging"}).raise_for_status()
                host = "staging.svc250.main.bench.test"
                assert api.get("/tls/ask", params={"domain": host}).status_code == 200
            health = wrk(f"{base}/health", SECONDS)
            ask = wrk(f"{base}/tls/ask?domain={host}", SECONDS)
            service = wrk(f"{base}/services/svc250", SECONDS, token=TOKEN)
    print(f"health (anchor)       {health:9.0f} req/s  1.00x")
    print(f"tls/ask               {ask:9.0f} req/s  {ask / health:.2f}x")
    print(f"services/{{name}} (db)  {service:9.0f} req/s  {service / health:.2f}x")


if __name__ == "__main__":
    main()
