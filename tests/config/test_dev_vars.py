"""`.dev.vars` holds local secrets in dotenv syntax; `.dev.vars.<env>` replaces it for <env>."""

from __future__ import annotations

import pytest

from hearth.config import ConfigError
from hearth.dev import load_project_config as load_config

from .conftest import Project

CONFIG = """
    name = "shop"
    main = "src/entry.py"
    compatibility_date = "2025-09-01"
    compatibility_flags = ["python_workers"]
    vars = { API_TOKEN = "placeholder", MODE = "live" }
    [env.staging]
    vars = { MODE = "test" }
    [env.dev]
"""


def test_dev_vars_become_secrets(project: Project) -> None:
    root = project({"wrangler.toml": CONFIG, ".dev.vars": "API_TOKEN=local-token\n"})
    config = load_config(root)
    assert config.secrets == {"API_TOKEN": "local-token"}
    # vars keep their own value; on `env` the secret of the same name wins.
    assert config.vars["API_TOKEN"] == "placeholder"


def test_an_environment_file_replaces_dev_vars(project: Project) -> None:
    root = project(
        {
            "wrangler.toml": CONFIG,
            ".dev.vars": "API_TOKEN=local\nDB_PASSWORD=local-db\n",
            ".dev.vars.staging": "API_TOKEN=staging\n",
        }
    )
    # Replaced, not merged: DB_PASSWORD is not in .dev.vars.staging.
    assert load_config(root, "staging").secrets == {"API_TOKEN": "staging"}
    # An environment without its own file uses .dev.vars.
    assert load_config(root, "dev").secrets == {"API_TOKEN": "local", "DB_PASSWORD": "local-db"}


def test_no_dev_vars_means_no_secrets(project: Project) -> None:
    assert load_config(project({"wrangler.toml": CONFIG})).secrets == {}


def test_dotenv_syntax(project: Project) -> None:
    dev_vars = r"""
        # a comment, then a blank line

        PLAIN=value
        SPACED = spaced value   # an inline comment
        export EXPORTED=yes
        DOUBLE="a \"quoted\" value\nwith a newline"
        SINGLE='kept \n as written # not a comment'
        EMPTY=
        MULTI="first line
        second line"
        URL=https://example.com/path?x=1
        PLAIN=overridden
    """
    config = load_config(project({"wrangler.toml": CONFIG, ".dev.vars": dev_vars}))
    assert config.secrets == {
        "PLAIN": "overridden",
        "SPACED": "spaced value",
        "EXPORTED": "yes",
        "DOUBLE": 'a "quoted" value\nwith a newline',
        "SINGLE": "kept \\n as written # not a comment",
        "EMPTY": "",
        "MULTI": "first line\nsecond line",
        "URL": "https://example.com/path?x=1",
    }


def test_lines_that_are_not_assignments_are_warned_about(project: Project) -> None:
    root = project({"wrangler.toml": CONFIG, ".dev.vars": "GOOD=1\nthis is not an assignment\n"})
    config = load_config(root)
    assert config.secrets == {"GOOD": "1"}
    assert ".dev.vars:2: not a KEY=value line, ignored" in config.warnings


def test_an_unclosed_quote_is_warned_about_and_the_rest_of_the_file_kept(
    project: Project,
) -> None:
    root = project({"wrangler.toml": CONFIG, ".dev.vars": 'A="never closed\nB=2\n'})
    config = load_config(root)
    assert config.secrets == {"B": "2"}
    assert ".dev.vars:1: not a KEY=value line, ignored" in config.warnings


def test_dev_vars_must_be_utf8(project: Project) -> None:
    root = project({"wrangler.toml": CONFIG})
    (root / ".dev.vars").write_bytes(b"A=\xff\xfe\n")
    with pytest.raises(ConfigError, match="not UTF-8") as caught:
        load_config(root)
    assert caught.value.file.name == ".dev.vars"
