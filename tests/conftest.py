"""Shared fixtures: worker projects written into a temporary folder, loaded for real."""

from __future__ import annotations

import itertools
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

from hearth.bindings import build_env
from hearth.runtime import BindingSpec, InProcessRuntime, TraceEvent, VersionSpec

_ids = itertools.count(1)

WriteWorker = Callable[..., VersionSpec]


@pytest.fixture
def write_worker(tmp_path: Path) -> WriteWorker:
    """Write modules (name → source) into a fresh bundle folder and describe the version."""

    def write(
        files: dict[str, str | bytes] | str,
        *,
        compatibility_date: str = "2025-09-01",
        bindings: tuple[BindingSpec, ...] = (),
        script_name: str = "test-worker",
        main_module: str = "entry.py",
    ) -> VersionSpec:
        if isinstance(files, str):
            files = {main_module: files}
        number = next(_ids)
        root = tmp_path / f"bundle-{number}"
        for name, content in files.items():
            path = root / name
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, bytes):
                path.write_bytes(content)
            else:
                path.write_text(textwrap.dedent(content))
        return VersionSpec(
            id=f"v-{number}",
            script_name=script_name,
            root=root,
            main_module=main_module,
            compatibility_date=compatibility_date,
            bindings=bindings,
            number=number,
        )

    return write


@pytest.fixture
def runtime() -> InProcessRuntime:
    return InProcessRuntime(build_env)


@pytest.fixture
def traces(runtime: InProcessRuntime) -> list[TraceEvent]:
    """Every trace event the runtime publishes during the test."""
    events: list[TraceEvent] = []
    unsubscribe = runtime.trace_bus.subscribe(events.append)
    yield events
    unsubscribe()
