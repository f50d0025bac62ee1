"""A worker project on disk, written from a dict of file names to contents."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

Project = Callable[..., Path]

ENTRY = "from workers import WorkerEntrypoint\n"


@pytest.fixture
def project(tmp_path: Path) -> Project:
    """`project({"wrangler.toml": "..."})` → the project directory.

    Contents are dedented; `src/entry.py` exists unless a test says otherwise, since most
    configs point `main` at it.
    """

    def write(files: dict[str, str], *, entry: bool = True) -> Path:
        if entry:
            files = {"src/entry.py": ENTRY, **files}
        for name, text in files.items():
            path = tmp_path / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(textwrap.dedent(text).lstrip("\n"))
        return tmp_path

    return write
