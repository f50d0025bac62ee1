"""Fixtures for control-plane tests: a plane on both backends, two accounts, a fake runtime."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from hearth.control import ControlPlane, Event, EventBus, Principal, Version, VersionDraft
from hearth.store import Store
from tests.store.backends import data_dir, database_url, postgres_url, store

__all__ = ["data_dir", "database_url", "postgres_url", "store"]

HELLO = "async def on_fetch(request):\n    return 'hello'\n"


class FakeLoadError(Exception):
    """Shaped like the runtime's LoadError: a message and a traceback."""

    def __init__(self, message: str, traceback_text: str) -> None:
        super().__init__(message)
        self.message = message
        self.traceback = traceback_text


class FakeRuntime:
    """Stands in for the runtime's validation: code containing `raise` does not load."""

    def __init__(self) -> None:
        self.drafts: list[VersionDraft] = []

    async def validate(self, draft: VersionDraft) -> float:
        self.drafts.append(draft)
        source = draft.files[draft.main_module].decode()
        if "raise" in source:
            raise FakeLoadError(
                f"{draft.main_module}:1: RuntimeError: boom",
                'Traceback (most recent call last):\n  File "entry.py", line 1\nRuntimeError: boom',
            )
        return 12.5


@pytest.fixture
def runtime() -> FakeRuntime:
    return FakeRuntime()


@pytest.fixture
def events() -> list[Event]:
    return []


@pytest.fixture
def plane(store: Store, runtime: FakeRuntime, events: list[Event]) -> ControlPlane:
    bus = EventBus()
    bus.subscribe(events.append)
    return ControlPlane(store, bus, validate_version=runtime.validate, domain="hearth.test")


async def _principal(plane: ControlPlane, account: str, scope: str = "admin") -> Principal:
    try:
        await plane.accounts.get(account)
    except Exception:
        await plane.accounts.create(account)
    new = await plane.accounts.issue_token(account, f"{account}-{scope}", scope)
    return await plane.accounts.authenticate(new.value)


@pytest.fixture
async def admin(plane: ControlPlane) -> Principal:
    """An admin token of account `acme`, which has a service `api`."""
    principal = await _principal(plane, "acme")
    await plane.services.create(principal, "api")
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
