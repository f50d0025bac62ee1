"""The server's own variables (the first-start token, the database URL, the secret key file)
configure `hearth serve` and are then out of its process environment: worker code never finds
them in `os.environ`."""

from __future__ import annotations

import json
from pathlib import Path

from tests.serving import start_serve

TOKEN = "environment-test-token-of-thirty-two-chars"
PEEK = b"""
import json, os
from workers import Response, WorkerEntrypoint


class Default(WorkerEntrypoint):
    async def fetch(self, request):
        return Response(json.dumps({k: v for k, v in os.environ.items() if k.startswith("HEARTH_")}))
"""


def test_worker_code_finds_none_of_the_servers_variables(tmp_path: Path) -> None:
    database, key_file = tmp_path / "elsewhere.db", tmp_path / "keys" / "secret.key"
    key_file.parent.mkdir()
    environment = {
        "HEARTH_DATABASE_URL": f"sqlite:///{database}",
        "HEARTH_SECRET_KEY_FILE": str(key_file),
    }
    served = start_serve(
        tmp_path / "data", tmp_path / "serve.log", token=TOKEN, environment=environment
    )
    try:
        assert served.api.post("/services", json={"name": "peek"}).status_code == 201
        metadata = {"main_module": "entry.py", "compatibility_date": "2025-09-01", "deploy": True}
        files = {"metadata": (None, json.dumps(metadata)), "entry.py": ("entry.py", PEEK)}
        uploaded = served.api.post("/services/peek/environments/production/versions", files=files)
        assert uploaded.status_code == 201, uploaded.text
        response = served.fetch("peek.main.localhost")
    finally:
        served.stop()
    assert response.status_code == 200, response.text
    assert response.json() == {}
    # …and the server did use them: the database and the key file are where they said.
    assert database.exists() and key_file.exists()
    assert not (tmp_path / "data" / "hearth.db").exists()
