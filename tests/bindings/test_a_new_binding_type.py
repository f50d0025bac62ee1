"""A new binding type is one folder's worth of code plus one line in `BINDING_TYPES`.

This file is that folder in miniature: a `greeter` type with its runtime object, its wrangler
schema (`[[greeters]]`) and its required setting. Registered with one line, the project config
reads it, `hearth dev` serves a worker that uses it, and the admin API stores a version that
declares it (and refuses one that lacks its setting), with no other edit anywhere.
"""

from __future__ import annotations

from collections.abc import Container
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

import hearth.bindings as bindings
from hearth.bindings import BindingType, WranglerBinding, declared_bindings
from hearth.config import BindingSchema, ConfigError, KeyPath, Lookup, Source, fields
from hearth.dev import load_project_config
from hearth.runtime import BindingSpec, VersionSpec
from tests.api.conftest import Api, api, error_of, plane
from tests.dev.conftest import running_dev
from tests.store.backends import data_dir, database_url, postgres_url, store

__all__ = ["api", "data_dir", "database_url", "plane", "postgres_url", "store"]


# --- the folder: runtime object, wrangler schema, binding type ------------------------------


@dataclass(frozen=True)
class Greeter:
    greeting: str

    def greet(self, who: str) -> str:
        return f"{self.greeting}, {who}"


def make_greeter(binding: BindingSpec, version: VersionSpec, platform: Any) -> Greeter:
    return Greeter(binding.settings["greeting"])


@dataclass(frozen=True, slots=True)
class GreeterConfig(WranglerBinding):
    binding: str
    greeting: str

    @property
    def name(self) -> str:
        return self.binding

    def spec(self) -> BindingSpec:
        return BindingSpec(self.binding, "greeter", settings={"greeting": self.greeting})

    def describe(self, running: Container[str]) -> tuple[str, str, str]:
        return f"env.{self.binding} ({self.greeting!r})", "Greeter", "local"


def read_greeters(src: Source, lookup: Lookup) -> list[tuple[Any, KeyPath]]:
    read = []
    for entry, where in fields.entries_of(src, lookup("greeters"), ("binding", "greeting")):
        text = fields.non_empty_string
        greeter = GreeterConfig(
            binding=fields.required(src, entry, "binding", where, text),
            greeting=fields.required(src, entry, "greeting", where, text),
        )
        read.append((greeter, (*where, "binding")))
    return read


GREETER = BindingType(
    "greeter",
    make_greeter,
    required=("greeting",),
    wrangler=BindingSchema(("greeters",), read_greeters),
)


@pytest.fixture(autouse=True)
def registered(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(bindings.BINDING_TYPES, "greeter", GREETER)  # the one line


# --- what the rest of the platform makes of it -----------------------------------------------

WRANGLER = """
name = "greetings"
main = "entry.py"
compatibility_date = "2025-09-01"

[[greeters]]
binding = "GREETER"
greeting = "Howdy"

[env.staging]
greeters = [{ binding = "GREETER", greeting = "Hi" }]
"""

ENTRY = """
from workers import Response, WorkerEntrypoint


class Default(WorkerEntrypoint):
    async def fetch(self, request):
        return Response(self.env.GREETER.greet("partner"))
"""


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "wrangler.toml").write_text(WRANGLER)
    (tmp_path / "entry.py").write_text(ENTRY)
    return tmp_path


def test_the_project_config_reads_its_entries_per_environment(project: Path) -> None:
    production = declared_bindings(load_project_config(project / "wrangler.toml"))
    staging = declared_bindings(load_project_config(project / "wrangler.toml", "staging"))
    assert production == [GreeterConfig("GREETER", "Howdy")]
    assert staging == [GreeterConfig("GREETER", "Hi")]


def test_a_bad_entry_is_an_error_naming_its_key(project: Path) -> None:
    (project / "wrangler.toml").write_text(WRANGLER.replace('greeting = "Howdy"', "greeting = 3"))
    with pytest.raises(ConfigError, match=r"wrangler.toml:8: greeters\[0\]\.greeting: expected a"):
        load_project_config(project / "wrangler.toml")


async def test_hearth_dev_serves_a_worker_that_uses_it(project: Path) -> None:
    async with running_dev(project, env="staging") as dev:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{dev.port}") as client:
            response = await client.get("/")
    assert response.status_code == 200, response.text
    assert response.text == "Hi, partner"
    assert "env.GREETER ('Hi')" in dev.output.getvalue()  # type: ignore[attr-defined]


async def test_the_api_stores_a_version_that_declares_it(api: Api, project: Path) -> None:
    [greeter] = declared_bindings(load_project_config(project / "wrangler.toml"))
    uploaded = greeter.upload(None, print)  # what `hearth deploy` sends
    assert uploaded == {"type": "greeter", "name": "GREETER", "greeting": "Howdy"}

    assert (await api.admin.post("/services", json={"name": "greetings"})).status_code == 201
    response = await api.upload("greetings", bindings=[uploaded])
    assert response.status_code == 201, response.text
    assert response.json()["version"]["bindings"] == [uploaded]

    missing = await api.upload("greetings", bindings=[{"type": "greeter", "name": "GREETER"}])
    assert "greeting" in error_of(missing, 400)["message"]
