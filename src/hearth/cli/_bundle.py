"""A project's bundle for `hearth deploy`: the main module and every file under its folder,
minus what `.gitignore`-style files exclude and what never belongs in a worker."""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path

import pathspec

__all__ = ["Bundle", "collect", "git_commit"]

# Never uploaded, whatever the ignore files say: local state, caches, tooling (and
# `.dev.vars*`, local secrets, below).
_ALWAYS_SKIP = {".hearth", ".hearth-data", "__pycache__", ".venv", ".git", "node_modules"}
_SKIP_SUFFIXES = {".pyc", ".pyo"}
_IGNORE_FILES = (".gitignore", ".hearthignore")


@dataclass(frozen=True, slots=True)
class Bundle:
    root: Path
    main_module: str  # relative to root
    files: dict[str, bytes]

    @property
    def size(self) -> int:
        return sum(len(data) for data in self.files.values())


def _ignore_spec(project_root: Path, bundle_root: Path) -> pathspec.PathSpec:
    """Patterns of the ignore files from the project root down to the bundle root, each
    made relative to the bundle root's parent chain as git reads them (patterns in a file
    apply below that file's folder)."""
    lines: list[str] = []
    folders = [project_root]
    if bundle_root != project_root and project_root in bundle_root.parents:
        relative = bundle_root.relative_to(project_root)
        folders += [
            project_root / Path(*relative.parts[: i + 1]) for i in range(len(relative.parts))
        ]
    for folder in folders:
        prefix = folder.relative_to(project_root).as_posix() if folder != project_root else ""
        for name in _IGNORE_FILES:
            file = folder / name
            if file.is_file():
                for line in file.read_text(encoding="utf-8", errors="replace").splitlines():
                    lines.append(_scoped(line, prefix))
    return pathspec.GitIgnoreSpec.from_lines(lines)


def _scoped(line: str, prefix: str) -> str:
    """A pattern of `<prefix>/.gitignore` rewritten to apply from the project root."""
    stripped = line.strip()
    if not prefix or not stripped or stripped.startswith("#"):
        return line
    negate = "!" if stripped.startswith("!") else ""
    pattern = stripped.removeprefix("!")
    if "/" in pattern.rstrip("/"):  # anchored to its own folder
        return f"{negate}{prefix}/{pattern.lstrip('/')}"
    return f"{negate}{prefix}/**/{pattern}"


def collect(project_root: Path, main: Path) -> Bundle:
    """Every file under the main module's folder (its import root), paths relative to it."""
    root = main.parent
    spec = _ignore_spec(project_root, root)
    base = project_root if project_root in root.parents or project_root == root else root
    files: dict[str, bytes] = {}
    for path in sorted(root.rglob("*")):
        relative = path.relative_to(root)
        if any(part in _ALWAYS_SKIP for part in relative.parts):
            continue
        if not path.is_file() or path.suffix in _SKIP_SUFFIXES or path.name.startswith(".dev.vars"):
            continue
        if path != main and spec.match_file(path.relative_to(base).as_posix()):
            continue
        files[relative.as_posix()] = path.read_bytes()
    return Bundle(root, main.relative_to(root).as_posix(), files)


def git_commit(folder: Path) -> str | None:
    """The HEAD commit when the project is in a git checkout, else None."""
    try:
        done = subprocess.run(
            ["git", "-C", str(folder), "rev-parse", "HEAD"],
            capture_output=True,
            text=True,
            timeout=10,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    commit = done.stdout.strip()
    return commit if done.returncode == 0 and commit else None
