"""`hearth dev` runs Durable Objects and keeps them under `persist_to` (`.hearth/` by default),
like KV data: a restarted session finds every object's storage, KV-style and SQL, as it was."""

from __future__ import annotations

from pathlib import Path

import httpx

from tests.dev.conftest import EXAMPLES, running_dev


async def test_objects_persist_across_dev_sessions(tmp_path: Path):
    project = EXAMPLES / "counter-do"
    async with running_dev(project, persist_to=tmp_path) as dev, httpx.AsyncClient() as client:
        for _ in range(2):
            await client.get(f"{dev.url}/ada")
        await client.post(f"{dev.url}/ada/messages", content="before restart")
    assert list((tmp_path / "durable_objects").rglob("*.sqlite"))  # one file per object
    async with running_dev(project, persist_to=tmp_path) as dev, httpx.AsyncClient() as client:
        third = await client.get(f"{dev.url}/ada")
        await client.post(f"{dev.url}/ada/messages", content="after")
        log = await client.get(f"{dev.url}/ada/messages")
    assert third.text == "3"
    assert log.json() == ["before restart", "after"]


async def test_a_dev_session_without_migrations_shows_the_error(tmp_path: Path):
    project = tmp_path / "broken"
    (project / "src").mkdir(parents=True)
    (project / "wrangler.toml").write_text(
        (EXAMPLES / "counter-do" / "wrangler.toml").read_text().split("[[migrations]]")[0]
    )
    (project / "src" / "entry.py").write_text(
        (EXAMPLES / "counter-do" / "src" / "entry.py").read_text()
    )
    async with (
        running_dev(project, persist_to=tmp_path / "data") as dev,
        httpx.AsyncClient() as client,
    ):
        page = await client.get(dev.url)
    assert page.status_code == 500
    assert "Counter" in page.text and "migration" in page.text
