"""KV under `hearth dev`: a placeholder namespace id works, and the data outlives the session
(kept under `.hearth/` in the project, or `--persist-to`)."""

from __future__ import annotations

from pathlib import Path

import httpx

from tests.dev.conftest import running_dev

WRANGLER = """
name = "notes"
main = "src/entry.py"
compatibility_date = "2025-09-01"
kv_namespaces = [{ binding = "NOTES", id = "<YOUR_KV_NAMESPACE_ID>" }]
"""

ENTRY = """
from workers import Response, WorkerEntrypoint

class Default(WorkerEntrypoint):
    async def fetch(self, request):
        key = request.url.rsplit("/", 1)[1]
        if request.method == "PUT":
            await self.env.NOTES.put(key, await request.text())
            return Response("stored", status=201)
        value = await self.env.NOTES.get(key)
        return Response(value or "missing", status=200 if value else 404)
"""


def _project(root: Path) -> Path:
    (root / "src").mkdir(parents=True)
    (root / "wrangler.toml").write_text(WRANGLER)
    (root / "src" / "entry.py").write_text(ENTRY)
    return root


async def test_a_placeholder_id_gets_a_local_namespace_that_survives_a_restart(
    tmp_path: Path,
) -> None:
    project = _project(tmp_path / "notes")
    data = tmp_path / "persist"
    async with running_dev(project, persist_to=data) as dev, httpx.AsyncClient() as http:
        put = await http.put(f"{dev.url}/greeting", content="hello from dev")
        assert (put.status_code, put.text) == (201, "stored")
    assert (data / "kv.sqlite3").is_file()

    async with running_dev(project, persist_to=data) as dev, httpx.AsyncClient() as http:
        got = await http.get(f"{dev.url}/greeting")
        assert (got.status_code, got.text) == (200, "hello from dev")
        assert (await http.get(f"{dev.url}/other")).status_code == 404


async def test_by_default_the_data_lives_in_the_projects_dot_hearth(tmp_path: Path) -> None:
    from hearth.dev import DevServer

    project = _project(tmp_path / "notes")
    server = DevServer(project, host="127.0.0.1", port=0)
    assert server.persist_to == project / ".hearth"
