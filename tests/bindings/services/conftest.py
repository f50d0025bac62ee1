"""Service-binding fixtures: a real node (tests/server) on both store backends, and helpers
to deploy small workers on it."""

from __future__ import annotations

import textwrap
from collections.abc import Iterator
from typing import Any

import pytest

from hearth.runtime import TraceEvent
from tests.server.conftest import Platform, data_dir, database_url, platform, postgres_url

__all__ = ["Platform", "data_dir", "database_url", "platform", "postgres_url"]


@pytest.fixture
def traces(platform: Platform) -> Iterator[list[TraceEvent]]:
    """Every trace event the node's runtime publishes during the test."""
    seen: list[TraceEvent] = []
    unsubscribe = platform.node.runtime.trace_bus.subscribe(seen.append)
    yield seen
    unsubscribe()


def module(source: str) -> dict[str, bytes]:
    """A one-module bundle (`entry.py`) from indented source."""
    return {"entry.py": textwrap.dedent(source).encode()}


def service(name: str, binding: str, environment: str | None = None, **extra: str) -> dict:
    """A service binding as the API takes it."""
    spec: dict[str, Any] = {"type": "service", "name": binding, "service": name}
    if environment is not None:
        spec["environment"] = environment
    spec.update(extra)
    return spec


async def deploy(
    platform: Platform,
    name: str,
    source: str,
    environment: str = "production",
    bindings: list[dict] | None = None,
    **kw: Any,
) -> Any:
    """Create the service (and environment) when needed, upload the code, deploy it."""
    plane, admin = platform.plane, platform.admin
    services = {s.name for s in await plane.services.list(admin)}
    if name not in services:
        await plane.services.create(admin, name)
    if environment != "production":
        envs = {e.name for e in await plane.environments.list(admin, name)}
        if environment not in envs:
            await plane.environments.create(admin, name, environment)
    return await platform.upload(
        name, environment, module(source), bindings=bindings or [], deploy=True, **kw
    )
