"""A worker's Python packages: `[project].dependencies` of the pyproject.toml next to its
config (what pywrangler reads), and which of them are not installed."""

from __future__ import annotations

import importlib.metadata
import sys
from collections.abc import Sequence
from pathlib import Path

from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name

from . import fields as f
from ._source import Source


def requirement_name(requirement: str) -> str | None:
    """The normalised distribution name of a PEP 508 requirement, None if it is not one."""
    try:
        return canonicalize_name(Requirement(requirement).name)
    except InvalidRequirement:
        return None


def read_dependencies(root: Path, warnings: list[str]) -> list[str]:
    file = root / "pyproject.toml"
    if not file.is_file():
        return []
    src = Source.read(file)
    if "project" not in src.data:
        return []
    project = f.table(src, src.data["project"], ("project",))
    if "dependencies" not in project:
        if "dependencies" in project.get("dynamic", []):
            src.warn(("project", "dynamic"), "dynamic dependencies are not read; list them")
        warnings.extend(src.warnings)
        return []
    path = ("project", "dependencies")
    dependencies = f.string_list(src, project["dependencies"], path)
    for i, requirement in enumerate(dependencies):
        if requirement_name(requirement) is None:
            raise src.error((*path, i), f"not a valid requirement: {requirement!r}")
    warnings.extend(src.warnings)
    return dependencies


def missing_dependencies(deps: list[str], search_path: Sequence[str] | None = None) -> list[str]:
    """The requirements whose distribution is not installed on `search_path` (sys.path by
    default). Only names are compared: versions and environment markers are not checked."""
    path = list(search_path) if search_path is not None else sys.path
    installed = {
        canonicalize_name(name)
        for dist in importlib.metadata.distributions(path=path)
        if (name := dist.metadata["Name"])
    }
    missing = []
    for requirement in deps:
        wanted = requirement_name(requirement)
        if wanted is None:
            raise ValueError(f"not a valid requirement: {requirement!r}")
        if wanted not in installed:
            missing.append(requirement)
    return missing
