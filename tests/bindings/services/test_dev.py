"""`hearth dev -c gateway -c auth`: several local projects in one dev server, bound to each
other through their wrangler configs, over real HTTP."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import httpx

from hearth.cli._dev import _project_path
from tests.dev.conftest import running_dev

GATEWAY_TOML = """
name = "gateway"
main = "src/entry.py"
compatibility_date = "2025-09-01"
services = [
  { binding = "AUTH", service = "auth" },
  { binding = "USERS", service = "auth", entrypoint = "Users" },
]

[env.staging]
services = [
  { binding = "AUTH", service = "auth", environment = "staging" },
  { binding = "USERS", service = "auth", environment = "staging", entrypoint = "Users" },
]
"""

GATEWAY = """
from workers import Response, WorkerEntrypoint

class Default(WorkerEntrypoint):
    async def fetch(self, request):
        auth = await self.env.AUTH.fetch("https://auth/check")
        name = await self.env.USERS.name(7)
        return Response(f"{await auth.text()} | {name}")
"""

AUTH_TOML = """
name = "auth"
main = "src/entry.py"
compatibility_date = "2025-09-01"

[vars]
WHO = "auth-production"

[env.staging.vars]
WHO = "auth-staging"
"""

AUTH = """
from workers import Response, WorkerEntrypoint

class Default(WorkerEntrypoint):
    async def fetch(self, request):
        return Response("{greeting} from " + self.env.WHO)

class Users(WorkerEntrypoint):
    async def name(self, user_id):
        return f"user {user_id} in {self.env.WHO}"
"""


def write(root: Path, toml: str, entry: str) -> Path:
    (root / "src").mkdir(parents=True, exist_ok=True)
    (root / "wrangler.toml").write_text(toml)
    (root / "src" / "entry.py").write_text(entry)
    return root / "wrangler.toml"


def projects(tmp_path: Path, greeting: str = "hello") -> tuple[Path, Path]:
    gateway = write(tmp_path / "gateway", GATEWAY_TOML, GATEWAY)
    auth = write(tmp_path / "auth", AUTH_TOML, AUTH.replace("{greeting}", greeting))
    return gateway, auth


async def test_the_first_project_is_served_and_reaches_the_others(tmp_path: Path):
    gateway, auth = projects(tmp_path)
    async with running_dev([gateway, auth]) as dev, httpx.AsyncClient() as client:
        response = await client.get(dev.url)
        assert response.text == "hello from auth-production | user 7 in auth-production"
        await asyncio.sleep(0.05)
        output = dev.output.getvalue()
        assert "with auth (production) for bindings" in output
        assert "↳ auth GET /check" in output  # the subrequest, under the request


async def test_env_applies_to_every_project_and_picks_the_bound_environment(tmp_path: Path):
    gateway, auth = projects(tmp_path)
    async with running_dev([gateway, auth], env="staging") as dev, httpx.AsyncClient() as c:
        assert (await c.get(dev.url)).text == "hello from auth-staging | user 7 in auth-staging"


async def test_a_project_can_name_its_own_environment(tmp_path: Path):
    gateway, auth = projects(tmp_path)
    # The production gateway names no environment: it reaches what the session runs of auth.
    async with running_dev([gateway, (auth, "staging")]) as dev, httpx.AsyncClient() as c:
        assert (await c.get(dev.url)).text == "hello from auth-staging | user 7 in auth-staging"
    assert _project_path(f"{auth.parent}@staging") == (auth.parent, "staging")
    assert _project_path(str(auth)) == auth


async def test_reloading_a_bound_project_changes_what_the_gateway_gets(tmp_path: Path):
    gateway, auth = projects(tmp_path)
    async with running_dev([gateway, auth]) as dev, httpx.AsyncClient() as client:
        assert (await client.get(dev.url)).text.startswith("hello from")
        await asyncio.sleep(0.3)  # let the watcher start before the edit
        (auth.parent / "src" / "entry.py").write_text(AUTH.replace("{greeting}", "bonjour"))
        deadline = time.monotonic() + 10
        while not (await client.get(dev.url)).text.startswith("bonjour"):
            assert time.monotonic() < deadline, dev.output.getvalue()
            await asyncio.sleep(0.05)


async def test_a_binding_to_a_project_not_in_the_session_is_an_error_page(tmp_path: Path):
    gateway, _ = projects(tmp_path)
    async with running_dev([gateway]) as dev, httpx.AsyncClient() as client:
        response = await client.get(dev.url)
        assert response.status_code == 500
        assert "service binding 'AUTH': service 'auth' is not part of this dev session" in (
            response.text
        )


async def test_a_bound_project_that_does_not_load_is_named_in_the_error(tmp_path: Path):
    gateway, auth = projects(tmp_path)
    (auth.parent / "src" / "entry.py").write_text("def broken(:\n")
    async with running_dev([gateway, auth]) as dev, httpx.AsyncClient() as client:
        response = await client.get(dev.url)
        assert response.status_code == 500  # the gateway threw: the binding said why
        await asyncio.sleep(0.05)
        assert "service 'auth' does not load in this dev session" in dev.output.getvalue()
