"""Every command has `--help` with an example, and shell completion stays available."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

from hearth.cli import app

from .conftest import cli_env, run_cli


def _leaves(command: Any, path: tuple[str, ...] = ()) -> list[tuple[tuple[str, ...], Any]]:
    if hasattr(command, "commands"):  # a group (Typer bundles its own click)
        found = []
        for name, sub in command.commands.items():
            found += _leaves(sub, (*path, name))
        return found
    return [(path, command)]


def test_every_command_has_an_example() -> None:
    leaves = _leaves(typer.main.get_command(app))
    assert len(leaves) >= 39
    missing = [
        " ".join(path) for path, command in leaves if "Example" not in (command.epilog or "")
    ]
    assert missing == []


def test_help_shows_the_example_and_completion_is_on(tmp_path: Path) -> None:
    env = cli_env(tmp_path)
    top = run_cli(("--help",), cwd=tmp_path, env=env)
    assert "--install-completion" in top.stdout and "--show-completion" in top.stdout
    deploy = run_cli(("deploy", "--help"), cwd=tmp_path, env=env)
    assert deploy.returncode == 0
    assert "Example: hearth deploy --env staging" in deploy.stdout
    kv = run_cli(("kv", "key", "put", "--help"), cwd=tmp_path, env=env)
    assert "Example: hearth kv key put greeting hello --binding CACHE" in kv.stdout
