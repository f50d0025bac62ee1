"""wrangler.toml, wrangler.json and wrangler.jsonc are three spellings of one configuration."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from hearth.config import ConfigError, find_config, list_environments
from hearth.dev import load_project_config as load_config

from .conftest import Project

TOML = """
    name = "shop"
    main = "src/entry.py"
    compatibility_date = "2025-09-01"
    compatibility_flags = ["python_workers"]
    routes = ["shop.example.com/*"]

    [vars]
    GREETING = "hello"
    FEATURES = { search = true, max_items = 20 }

    [[kv_namespaces]]
    binding = "CACHE"
    id = "cache-id"

    [[services]]
    binding = "AUTH"
    service = "auth"

    [triggers]
    crons = ["0 * * * *"]

    [env.staging]
    vars = { GREETING = "hello from staging" }
    [[env.staging.kv_namespaces]]
    binding = "CACHE"
    id = "staging-cache-id"
"""

JSONC = """
    // The same project, in JSONC: comments and trailing commas are fine.
    {
      "name": "shop",
      "main": "src/entry.py",
      "compatibility_date": "2025-09-01",
      "compatibility_flags": ["python_workers"],
      "routes": ["shop.example.com/*"],
      /* vars: strings stay strings, the rest is JSON */
      "vars": {
        "GREETING": "hello",
        "FEATURES": {"search": true, "max_items": 20},
      },
      "kv_namespaces": [{"binding": "CACHE", "id": "cache-id"}],
      "services": [{"binding": "AUTH", "service": "auth"}],
      "triggers": {"crons": ["0 * * * *"]},
      "env": {
        "staging": {
          "vars": {"GREETING": "hello from staging"},
          "kv_namespaces": [{"binding": "CACHE", "id": "staging-cache-id"},],
        },
      },
    }
"""

JSON = """
    {
      "name": "shop",
      "main": "src/entry.py",
      "compatibility_date": "2025-09-01",
      "compatibility_flags": ["python_workers"],
      "routes": ["shop.example.com/*"],
      "vars": {"GREETING": "hello", "FEATURES": {"search": true, "max_items": 20}},
      "kv_namespaces": [{"binding": "CACHE", "id": "cache-id"}],
      "services": [{"binding": "AUTH", "service": "auth"}],
      "triggers": {"crons": ["0 * * * *"]},
      "env": {
        "staging": {
          "vars": {"GREETING": "hello from staging"},
          "kv_namespaces": [{"binding": "CACHE", "id": "staging-cache-id"}]
        }
      }
    }
"""


@pytest.mark.parametrize("env", [None, "staging"])
def test_toml_json_and_jsonc_give_the_same_config(
    project: Project, tmp_path: Path, env: str | None
) -> None:
    root = project({"toml/wrangler.toml": TOML, "json/wrangler.json": JSON})
    project({"jsonc/wrangler.jsonc": JSONC})
    for name in ("toml", "json", "jsonc"):
        (root / name / "src").mkdir()
        (root / name / "src" / "entry.py").write_text("")

    configs = [load_config(root / name, env) for name in ("toml", "json", "jsonc")]

    # Apart from where they were read from, the three are equal...
    same_place = [
        dataclasses.replace(
            c, config_path=Path("wrangler"), root=Path("."), main=Path("entry"), warnings=[]
        )
        for c in configs
    ]
    assert same_place[0] == same_place[1] == same_place[2]
    # ...and so are their warnings, once the file name and line are left out.
    messages = [[w.split(": ", 1)[1] for w in c.warnings] for c in configs]
    assert messages[0] == messages[1] == messages[2]
    assert [c.config_path.name for c in configs] == [
        "wrangler.toml",
        "wrangler.json",
        "wrangler.jsonc",
    ]


def test_the_config_of_a_directory_prefers_toml_then_json_then_jsonc(project: Project) -> None:
    root = project({"wrangler.jsonc": "{}", "wrangler.json": "{}"})
    assert find_config(root) == root / "wrangler.json"

    (root / "wrangler.toml").write_text("")
    assert find_config(root) == root / "wrangler.toml"


def test_a_file_is_its_own_config(project: Project) -> None:
    root = project({"other.jsonc": "{}"})
    assert find_config(root / "other.jsonc") == root / "other.jsonc"


def test_loading_a_directory_with_two_configs_warns_which_one_is_used(project: Project) -> None:
    root = project(
        {
            "wrangler.toml": 'name = "a"\nmain = "src/entry.py"\ncompatibility_date = "2025-01-01"',
            "wrangler.json": "{}",
        }
    )
    config = load_config(root)
    assert config.name == "a"
    assert "wrangler.toml: also found wrangler.json; using wrangler.toml" in config.warnings


def test_a_directory_without_config_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        find_config(tmp_path)
    assert caught.value.file == tmp_path
    assert "wrangler.toml" in caught.value.message


def test_a_missing_path_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="no such file or directory"):
        load_config(tmp_path / "nowhere")


def test_an_empty_json_config_is_an_error(project: Project) -> None:
    with pytest.raises(ConfigError, match="the file is empty"):
        load_config(project({"wrangler.json": ""}))


def test_other_file_types_are_rejected(project: Project) -> None:
    root = project({"wrangler.yaml": "name: x"})
    with pytest.raises(ConfigError, match="expected .toml, .json or .jsonc"):
        load_config(root / "wrangler.yaml")


def test_list_environments_gives_env_blocks_in_file_order(project: Project) -> None:
    root = project(
        {
            "wrangler.toml": """
                name = "shop"
                [env.staging]
                [env.dev]
                vars = { A = "1" }
                [env.canary]
            """
        }
    )
    assert list_environments(root) == ["staging", "dev", "canary"]
    assert list_environments(project({"wrangler.json": '{"name": "x"}'}) / "wrangler.json") == []


def test_jsonc_may_start_with_a_byte_order_mark(project: Project) -> None:
    root = project({})
    (root / "wrangler.jsonc").write_text(
        '\ufeff{"name": "x", "main": "src/entry.py"}', encoding="utf-8"
    )
    assert load_config(root).name == "x"
