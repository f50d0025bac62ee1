"""Fixtures for control-plane tests: a plane on both backends, two accounts, and the real
upload validation of `hearth serve` (the runtime loads every version before it is stored)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from hearth.bindings import binding_rules, build_env
from hearth.bindings.kv import SqliteKVStore
from hearth.control import ControlPlane, Event, EventBus, Principal, Version, VersionDraft
from hearth.runtime import InProcessRuntime
from hearth.server._versions import BundleFolders, VersionLoader
from hearth.store import Store
from tests.store.backends import data_dir, database_url, postgres_url, store

__all__ = ["data_dir", "database_url", "postgres_url", "store"]


def worker(text: str) -> str:
    """A worker module that answers `text`."""
    return (
        "from workers import Response, WorkerEntrypoint\n\n"
        "class Default(WorkerEntrypoint):\n"
        "    async def fetch(self, request):\n"
        f"        return Response({text!r})\n"
    )


HELLO = worker("hello")
# Namespaces the tests' KV bindings name; they exist in the account `acme`.
KV_NAMESPACES = ("ns1", "prod-ns", "staging-ns")


class RecordingValidator:
    """`hearth serve`'s real upload validation (the version loaded by the in-process runtime,
    bindings checked against a real KV store), remembering every draft it was shown."""

    def __init__(self, store: Store, data_dir: Path) -> None:
        data_dir.mkdir(parents=True, exist_ok=True)
        self.kv = SqliteKVStore(data_dir / "kv.sqlite3")
        self.platform = SimpleNamespace(kv=self.kv)
        runtime = InProcessRuntime(build_env, platform=self.platform)
        bundles = BundleFolders(data_dir / "bundles")
        self.loader = VersionLoader(store, runtime, bundles, self.platform)
        self.drafts: list[VersionDraft] = []

    async def validate(self, draft: VersionDraft) -> float:
        self.drafts.append(draft)
        return await self.loader.validate(draft)


@pytest.fixture
async def runtime(store: Store, data_dir: Path) -> AsyncIterator[RecordingValidator]:
    validator = RecordingValidator(store, data_dir)
    yield validator
    await validator.kv.close()


@pytest.fixture
def events() -> list[Event]:
    return []


@pytest.fixture
def plane(store: Store, runtime: RecordingValidator, events: list[Event]) -> ControlPlane:
    bus = EventBus()
    bus.subscribe(events.append)
    return ControlPlane(
        store,
        bus,
        validate_version=runtime.validate,
        domain="hearth.test",
        binding_rules=binding_rules(),
    )


async def _principal(plane: ControlPlane, account: str, scope: str = "admin") -> Principal:
    try:
        await plane.accounts.get(account)
    except Exception:
        await plane.accounts.create(account)
    new = await plane.accounts.issue_token(account, f"{account}-{scope}", scope)
    return await plane.accounts.authenticate(new.value)


@pytest.fixture
async def admin(plane: ControlPlane, runtime: RecordingValidator) -> Principal:
    """An admin token of account `acme`, which has a service `api` and the KV namespaces
    `KV_NAMESPACES`."""
    principal = await _principal(plane, "acme")
    await plane.services.create(principal, "api")
    for namespace_id in KV_NAMESPACES:
        await runtime.kv.create_namespace(principal.account.id, namespace_id, namespace_id)
    return principal


@pytest.fixture
async def reader(plane: ControlPlane, admin: Principal) -> Principal:
    return await _principal(plane, "acme", "read")


@pytest.fixture
async def outsider(plane: ControlPlane) -> Principal:
    """An admin token of another account, `globex`."""
    return await _principal(plane, "globex")


Upload = Callable[..., Any]


@pytest.fixture
def upload(plane: ControlPlane, admin: Principal) -> Upload:
    """Upload a version of `api` (production unless `environment=`); code defaults to hello."""

    async def upload(
        code: str = HELLO,
        *,
        environment: str = "production",
        principal: Principal | None = None,
        service: str = "api",
        **settings: Any,
    ) -> Version:
        return await plane.versions.upload(
            principal or admin,
            service,
            environment,
            files={"entry.py": code.encode()},
            main_module="entry.py",
            **{"compatibility_date": "2025-09-01", **settings},
        )

    return upload
