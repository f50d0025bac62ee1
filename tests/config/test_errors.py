"""Errors point at the file, the line and the key, in every config format.

`str(error)` reads like a compiler message: `wrangler.toml:12: vars.FOO: <message>`.
"""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest

from hearth.config import ConfigError
from hearth.dev import load_project_config as load_config

from .conftest import Project


def error_of(project: Project, files: dict[str, str], env: str | None = None) -> ConfigError:
    root = project(files)
    with pytest.raises(ConfigError) as caught:
        load_config(root, env)
    return caught.value


def test_the_message_shape() -> None:
    file = Path("/work/shop/wrangler.toml")
    assert str(ConfigError(file, "bad", line=12, key="vars.FOO")) == (
        "wrangler.toml:12: vars.FOO: bad"
    )
    assert str(ConfigError(file, "bad", line=12)) == "wrangler.toml:12: bad"
    assert str(ConfigError(file, "bad", key="name")) == "wrangler.toml: name: bad"
    assert str(ConfigError(file, "bad")) == "wrangler.toml: bad"


def test_errors_survive_pickling() -> None:
    error = ConfigError(Path("wrangler.toml"), "bad", line=3, key="main")
    copy = pickle.loads(pickle.dumps(error))
    assert (copy.file, copy.line, copy.key, copy.message) == (
        error.file,
        3,
        "main",
        "bad",
    )
    assert str(copy) == str(error)


# -- files that do not parse -------------------------------------------------------------


def test_malformed_toml_reports_the_line(project: Project) -> None:
    error = error_of(project, {"wrangler.toml": 'name = "shop"\n[vars]\nFOO = = 1\n'})
    assert error.file.name == "wrangler.toml"
    assert error.line == 3
    assert error.key is None
    assert error.message.startswith("invalid TOML: Invalid value")


def test_an_unterminated_toml_string_is_reported_at_the_last_line(project: Project) -> None:
    error = error_of(project, {"wrangler.toml": 'name = "shop"\nmain = """src/entry.py\n\n'})
    assert error.line == 2
    assert "at end of file" in error.message


def test_malformed_jsonc_reports_the_line(project: Project) -> None:
    text = '{\n  // comment\n  "name": "shop",\n  "vars": {"A": 1,, },\n}\n'
    error = error_of(project, {"wrangler.jsonc": text})
    assert (error.file.name, error.line) == ("wrangler.jsonc", 4)
    assert error.message.startswith("invalid JSON: Unexpected")


def test_trailing_text_after_the_json_object_is_an_error(project: Project) -> None:
    error = error_of(project, {"wrangler.json": '{"name": "shop"}\noops\n'})
    assert error.line == 2


def test_a_json_config_must_be_an_object(project: Project) -> None:
    error = error_of(project, {"wrangler.json": "[1, 2]"})
    assert error.message == "the configuration must be a JSON object"


# -- keys with a wrong type or value -----------------------------------------------------

# Every case starts with these two lines; its own lines are 3, 4, ...
H = 'name = "shop"\nmain = "src/entry.py"\n'

TOML_CASES = [
    # (what the user wrote, the line and key the error names)
    ('name = "shop"\nmain = 42', 2, "main"),
    (H + 'compatibility_flags = "python_workers"', 3, "compatibility_flags"),
    (H + 'compatibility_flags = ["a", 1]', 3, "compatibility_flags[1]"),
    (H + 'workers_dev = "yes"', 3, "workers_dev"),
    (H + '\n[vars]\nOK = "1"\nWHEN = 2025-01-01', 6, "vars.WHEN"),
    (H + "vars.WHEN = 2025-01-01", 3, "vars.WHEN"),
    (
        H + '[[kv_namespaces]]\nbinding = "A"\nid = "1"\n[[kv_namespaces]]\nbinding = "B"\nid = 2',
        8,
        "kv_namespaces[1].id",
    ),
    (H + '[[kv_namespaces]]\nid = "1"', 3, "kv_namespaces[0]"),
    (
        H + 'services = [\n  { binding = "A", service = "a" },\n'
        '  { binding = 7, service = "b" },\n]',
        5,
        "services[1].binding",
    ),
    (H + '[durable_objects]\nbindings = [{ name = "X" }]', 4, "durable_objects.bindings[0]"),
    (
        H + '[[migrations]]\ntag = "v1"\nrenamed_classes = [{ from = "A", to = 1 }]',
        5,
        "migrations[0].renamed_classes[0].to",
    ),
    (H + "limits = { cpu_ms = -5 }", 3, "limits.cpu_ms"),
    (H + "[version_metadata]\nbinding = true", 4, "version_metadata.binding"),
    (H + 'legacy_env = "no"', 3, "legacy_env"),
    (
        H + '[[durable_objects.bindings]]\nname = "A"\n'
        'class_name = "A"\n[[durable_objects.bindings]]\nname = "B"\nclass_name = false',
        8,
        "durable_objects.bindings[1].class_name",
    ),
    (H + '[triggers]\ncrons = [\n  "* * * * *",\n  5,\n]', 6, "triggers.crons[1]"),
]


@pytest.mark.parametrize(("text", "line", "key"), TOML_CASES)
def test_a_wrong_value_in_toml_names_its_line_and_key(
    project: Project, text: str, line: int, key: str
) -> None:
    error = error_of(project, {"wrangler.toml": text})
    assert (error.file.name, error.line, error.key) == ("wrangler.toml", line, key)


def test_a_wrong_value_in_an_environment_names_the_env_key(project: Project) -> None:
    text = """
        name = "shop"
        main = "src/entry.py"

        [env.staging]
        vars = { A = "a" }

        [[env.staging.services]]
        binding = "AUTH"
        service = "auth"

        [[env.staging.services]]
        binding = ["BILLING"]
        service = "billing"
    """
    error = error_of(project, {"wrangler.toml": text}, env="staging")
    assert (error.line, error.key) == (12, "env.staging.services[1].binding")
    assert str(error) == (
        "wrangler.toml:12: env.staging.services[1].binding: expected a string, got an array"
    )


def test_env_tables_written_as_headers_are_found_too(project: Project) -> None:
    text = """
        name = "shop"
        main = "src/entry.py"
        [env.staging]
        [env.staging.vars]
        GOOD = "yes"
        WHEN = 2025-01-01T10:00:00Z
        [env.staging.limits]
        cpu_ms = "fast"
    """
    error = error_of(project, {"wrangler.toml": text}, env="staging")
    assert (error.line, error.key) == (6, "env.staging.vars.WHEN")

    fixed = text.replace("WHEN = 2025-01-01T10:00:00Z", 'WHEN = "2025-01-01"')
    error = error_of(project, {"wrangler.toml": fixed}, env="staging")
    assert (error.line, error.key) == (8, "env.staging.limits.cpu_ms")
    assert error.message == "expected a positive integer, got the string 'fast'"


def test_an_inherited_value_is_reported_where_it_is_written(project: Project) -> None:
    text = H + 'compatibility_date = "soon"\n[env.staging]\n'
    error = error_of(project, {"wrangler.toml": text}, env="staging")
    assert (error.line, error.key) == (3, "compatibility_date")


JSONC = """
{
  "name": "shop",
  "main": "src/entry.py",
  // the staging environment
  "env": {
    "staging": {
      "vars": {
        "PLAIN": "text",
        "BAD": NaN,
      },
      "services": [
        {"binding": "AUTH", "service": "auth"},
        {"binding": "BILLING", "service": 42},
      ],
    },
  },
}
"""


def test_a_wrong_value_in_jsonc_names_its_line_and_key(project: Project) -> None:
    error = error_of(project, {"wrangler.jsonc": JSONC}, env="staging")
    assert (error.file.name, error.line, error.key) == ("wrangler.jsonc", 9, "env.staging.vars.BAD")
    assert "not a JSON number" in error.message

    fixed = JSONC.replace("NaN", "1")
    error = error_of(project, {"wrangler.jsonc": fixed}, env="staging")
    assert (error.line, error.key) == (13, "env.staging.services[1].service")
    assert error.message == "expected a string, got the number 42"


def test_json_messages_say_object_where_toml_says_table(project: Project) -> None:
    error = error_of(
        project, {"wrangler.json": '{"name": "shop", "main": "src/entry.py", "vars": []}'}
    )
    assert error.message == "expected an object, got an array"
