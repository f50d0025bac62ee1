"""A project's code bundle: every file under the main module's folder, paths relative to it."""

from __future__ import annotations

from ._model import WorkerConfig

_SKIP_DIRS = {"__pycache__", "node_modules", ".hearth", ".hearth-data", ".git", ".venv"}
_SKIP_SUFFIXES = {".pyc", ".pyo"}


def collect_bundle(config: WorkerConfig) -> tuple[dict[str, bytes], str]:
    """(files, main module): the main module's folder is the bundle root, as on its import path."""
    root = config.main.parent
    files: dict[str, bytes] = {}
    for path in sorted(root.rglob("*")):
        relative = path.relative_to(root)
        if any(part in _SKIP_DIRS or part.startswith(".") for part in relative.parts):
            continue
        if path.is_file() and path.suffix not in _SKIP_SUFFIXES:
            files[relative.as_posix()] = path.read_bytes()
    return files, config.main.relative_to(root).as_posix()
