"""The API over real HTTP: uvicorn on a loopback port serving `create_api` on a real store
(SQLite and PostgreSQL), a control plane whose validator really compiles the main module."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from hearth.api import create_api
from hearth.bindings import binding_rules
from hearth.control import ControlPlane, EventBus, VersionDraft
from hearth.edge._server import free_port, make_server
from hearth.store import Store
from tests.store.backends import data_dir, database_url, postgres_url, store

__all__ = ["data_dir", "database_url", "postgres_url", "store"]

DOMAIN = "hearth.test"
WORKERS_URL = "http://hearth.test:8787"
HELLO = "async def on_fetch(request):\n    return 'hello'\n"


async def compile_main_module(draft: VersionDraft) -> float:
    """A small real loader: the main module must at least compile (a SyntaxError is refused
    with its traceback, as the runtime's validator would)."""
    started = time.perf_counter()
    compile(draft.files[draft.main_module], draft.main_module, "exec")
    return (time.perf_counter() - started) * 1000


@pytest.fixture
async def plane(store: Store) -> ControlPlane:
    return ControlPlane(
        store,
        EventBus(),
        validate_version=compile_main_module,
        domain=DOMAIN,
        binding_rules=binding_rules(),
    )


@dataclass
class Api:
    plane: ControlPlane
    base: str
    admin: httpx.AsyncClient  # account `acme`, admin token
    reader: httpx.AsyncClient  # account `acme`, read token
    outsider: httpx.AsyncClient  # account `globex`, admin token
    anonymous: httpx.AsyncClient  # no token

    async def upload(
        self,
        service: str = "api",
        environment: str = "production",
        code: str = HELLO,
        *,
        client: httpx.AsyncClient | None = None,
        files: dict[str, bytes] | None = None,
        **metadata: Any,
    ) -> httpx.Response:
        """POST a version as multipart: `metadata` JSON + one part per file."""
        metadata = {"main_module": "entry.py", "compatibility_date": "2025-09-01", **metadata}
        bundle = files if files is not None else {"entry.py": code.encode()}
        parts = [("metadata", (None, json.dumps(metadata), "application/json"))]
        parts += [(path, (path, data, "text/x-python")) for path, data in bundle.items()]
        return await (client or self.admin).post(
            f"/services/{service}/environments/{environment}/versions", files=parts
        )

    async def deployed(
        self, service: str = "api", environment: str = "production", code: str = HELLO, **kw: Any
    ) -> dict[str, Any]:
        response = await self.upload(service, environment, code, deploy=True, **kw)
        assert response.status_code == 201, response.text
        return response.json()


def client(base: str, token: str | None) -> httpx.AsyncClient:
    headers = {"authorization": f"Bearer {token}"} if token else {}
    return httpx.AsyncClient(base_url=base, headers=headers, timeout=30)


@pytest.fixture
async def api(plane: ControlPlane) -> AsyncIterator[Api]:
    await plane.accounts.create("acme")
    await plane.accounts.create("globex")
    admin = await plane.accounts.issue_token("acme", "ci", "admin")
    reader = await plane.accounts.issue_token("acme", "viewer", "read")
    outsider = await plane.accounts.issue_token("globex", "ci", "admin")

    port = free_port()
    app = create_api(plane, domain=DOMAIN, workers_url=WORKERS_URL)
    server = make_server(app, "127.0.0.1", port)
    task = asyncio.ensure_future(server.serve())
    while not server.started:
        if task.done():
            task.result()  # raise the server's start-up error
        await asyncio.sleep(0.01)
    base = f"http://127.0.0.1:{port}/api/v1"
    clients = [client(base, t.value) for t in (admin, reader, outsider)] + [client(base, None)]
    try:
        yield Api(plane, base, *clients)
    finally:
        for c in clients:
            await c.aclose()
        server.should_exit = True
        await task


def error_of(response: httpx.Response, status: int) -> dict[str, Any]:
    """The `error` object of a response that must have failed with `status`."""
    assert response.status_code == status, (response.status_code, response.text)
    body = response.json()
    assert set(body) == {"error"}, body
    assert isinstance(body["error"]["code"], str) and body["error"]["message"], body
    return body["error"]
