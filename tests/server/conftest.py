"""A real `hearth serve` node (store on both backends, real runtime) with its workers listener
on a loopback port; requests name the environment by Host header, as DNS would."""

from __future__ import annotations

import asyncio
import textwrap
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from hearth.control import ControlPlane, Principal
from hearth.edge._server import free_port, make_server
from hearth.server import Node, Settings
from tests.store.backends import data_dir, database_url, postgres_url

__all__ = ["data_dir", "database_url", "postgres_url"]

DOMAIN = "hearth.test"


def worker(body: str, *, imports: str = "") -> dict[str, bytes]:
    """A one-module bundle whose Default.fetch runs `body`."""
    source = (
        "from workers import Response, WorkerEntrypoint\n" + imports + "\n\n"
        "class Default(WorkerEntrypoint):\n"
        "    async def fetch(self, request):\n" + textwrap.indent(textwrap.dedent(body), " " * 8)
    )
    return {"entry.py": source.encode()}


@dataclass
class Platform:
    node: Node
    plane: ControlPlane
    admin: Principal
    port: int
    client: httpx.AsyncClient

    async def get(self, host: str, path: str = "/", **kwargs: object) -> httpx.Response:
        headers = {"host": host, **kwargs.pop("headers", {})}  # type: ignore[dict-item]
        return await self.client.get(
            f"http://127.0.0.1:{self.port}{path}", headers=headers, **kwargs
        )

    def host(self, service: str, environment: str = "production") -> str:
        base = f"{service}.main.{DOMAIN}"
        return base if environment == "production" else f"{environment}.{base}"

    async def upload(self, service: str, environment: str, files: dict[str, bytes], **kw: object):
        kw.setdefault("compatibility_date", "2025-09-01")
        return await self.plane.versions.upload(
            self.admin, service, environment, files=files, main_module="entry.py", **kw
        )


@pytest.fixture
async def platform(database_url: str | None, tmp_path: Path) -> AsyncIterator[Platform]:
    port = free_port()
    settings = Settings(
        data_dir=tmp_path / "data",
        database=database_url,
        listen=("127.0.0.1", port),
        domain=DOMAIN,
        account="main",
    )
    node = Node(settings)
    await node.start()
    assert node.plane is not None and node.edge is not None
    if node.store is not None and node.store.dialect == "postgresql":
        # The session's PostgreSQL database is shared: start each test from an empty one.
        import sqlalchemy as sa

        from hearth.store import metadata

        async with node.store.write() as conn:
            await conn.execute(
                sa.text(
                    "TRUNCATE "
                    + ", ".join(
                        t.name for t in metadata.sorted_tables if t.name != "alembic_version"
                    )
                    + " CASCADE"
                )
            )
        await node.stop()
        node = Node(settings)
        await node.start()
    assert node.plane is not None and node.edge is not None
    server = make_server(node.edge.app, "127.0.0.1", port)
    task = asyncio.ensure_future(server.serve())
    while not server.started:
        await asyncio.sleep(0.01)
    admin = Principal(await node.plane.accounts.get("main"), "test", "admin")
    async with httpx.AsyncClient() as client:
        yield Platform(node, node.plane, admin, port, client)
    server.should_exit = True
    await task
    await node.stop()
