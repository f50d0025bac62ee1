"""The project watch filter ignores editors' temp files, so reloads name only real changes."""

from pathlib import Path

import pytest
from watchfiles import Change

from hearth.dev._server import _ProjectFilter


@pytest.mark.parametrize(
    "name",
    ["sed43ISAf", "entry.py.swp", "entry.py.swx", "entry.py~", ".#entry.py", "4913", "x.tmp"],
)
def test_editor_temp_files_are_ignored(tmp_path: Path, name: str) -> None:
    assert not _ProjectFilter()(Change.added, str(tmp_path / name))


def test_source_files_are_watched(tmp_path: Path) -> None:
    assert _ProjectFilter()(Change.modified, str(tmp_path / "entry.py"))
    assert _ProjectFilter()(Change.modified, str(tmp_path / "sed.py"))
