"""A worker's packages come from `[project].dependencies` of the pyproject.toml next to its
config; `missing_dependencies` says which of them are not installed."""

from __future__ import annotations

import pytest

from hearth.config import ConfigError, missing_dependencies
from hearth.dev import load_project_config as load_config

from .conftest import Project

CONFIG = 'name = "shop"\nmain = "src/entry.py"\ncompatibility_date = "2025-09-01"\n'


def test_dependencies_come_from_pyproject(project: Project) -> None:
    pyproject = """
        [project]
        name = "shop"
        dependencies = ["fastapi>=0.110", "Jinja2", "httpx[http2]==0.28.1; python_version >= '3.10'"]
    """
    config = load_config(project({"wrangler.toml": CONFIG, "pyproject.toml": pyproject}))
    assert config.dependencies == [
        "fastapi>=0.110",
        "Jinja2",
        "httpx[http2]==0.28.1; python_version >= '3.10'",
    ]


def test_no_pyproject_or_no_dependencies_means_none(project: Project) -> None:
    assert load_config(project({"wrangler.toml": CONFIG})).dependencies == []
    root = project({"wrangler.toml": CONFIG, "pyproject.toml": '[project]\nname = "shop"\n'})
    assert load_config(root).dependencies == []


def test_dynamic_dependencies_are_warned_about(project: Project) -> None:
    pyproject = '[project]\nname = "shop"\ndynamic = ["dependencies"]\n'
    config = load_config(project({"wrangler.toml": CONFIG, "pyproject.toml": pyproject}))
    assert config.dependencies == []
    assert any(w.startswith("pyproject.toml:3: project.dynamic:") for w in config.warnings)


def test_an_invalid_requirement_names_its_line_in_pyproject(project: Project) -> None:
    pyproject = (
        '[project]\nname = "shop"\ndependencies = [\n  "httpx",\n  "not a requirement",\n]\n'
    )
    with pytest.raises(ConfigError) as caught:
        load_config(project({"wrangler.toml": CONFIG, "pyproject.toml": pyproject}))
    error = caught.value
    assert (error.file.name, error.line, error.key) == (
        "pyproject.toml",
        5,
        "project.dependencies[1]",
    )


def test_a_malformed_pyproject_is_a_config_error(project: Project) -> None:
    root = project({"wrangler.toml": CONFIG, "pyproject.toml": "[project\n"})
    with pytest.raises(ConfigError) as caught:
        load_config(root)
    assert (caught.value.file.name, caught.value.line) == ("pyproject.toml", 1)


def test_missing_dependencies_compares_normalised_names() -> None:
    # httpx, Jinja2 and typing_extensions are installed with Hearth; the spelling and any
    # version or extras do not matter.
    installed = ["httpx>=0.1", "jinja2", "JINJA2[i18n]", "Typing.Extensions", "typing-extensions"]
    assert missing_dependencies(installed) == []
    assert missing_dependencies(["httpx", "surely-not-installed-pkg>=1"]) == [
        "surely-not-installed-pkg>=1"
    ]


def test_missing_dependencies_can_look_at_another_environment(tmp_path) -> None:
    (tmp_path / "only_here-1.0.dist-info").mkdir()
    (tmp_path / "only_here-1.0.dist-info" / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: only-here\nVersion: 1.0\n"
    )
    assert missing_dependencies(["only.here", "httpx"], search_path=[str(tmp_path)]) == ["httpx"]


def test_missing_dependencies_rejects_what_is_not_a_requirement() -> None:
    with pytest.raises(ValueError, match="not a valid requirement"):
        missing_dependencies(["two words"])
