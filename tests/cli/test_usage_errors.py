"""A usage error reads like every other CLI error: one line on stderr, exit 1 (docs/CLI.md)."""

from __future__ import annotations

from pathlib import Path

import pytest

from .conftest import cli_env, run_cli


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("deploy", "--frob"), "error: No such option: --frob (see hearth deploy --help)\n"),
        (("nope",), "error: No such command 'nope'. (see hearth --help)\n"),
        (("secret", "put"), "error: Missing argument 'key'. (see hearth secret put --help)\n"),
    ],
)
def test_a_usage_error_is_one_line_and_exit_1(
    tmp_path: Path, args: tuple[str, ...], message: str
) -> None:
    run = run_cli(args, cwd=tmp_path, env=cli_env(tmp_path))
    assert (run.returncode, run.stderr, run.stdout) == (1, message, "")


def test_no_arguments_show_the_help(tmp_path: Path) -> None:
    run = run_cli((), cwd=tmp_path, env=cli_env(tmp_path))
    assert run.returncode == 0
    assert "Usage: hearth" in run.stdout + run.stderr and "deploy" in run.stdout + run.stderr


def test_version(tmp_path: Path) -> None:
    run = run_cli(("--version",), cwd=tmp_path, env=cli_env(tmp_path))
    assert run.returncode == 0
    assert run.stdout.startswith("hearth ") and run.stdout.strip().split()[1][0].isdigit()
