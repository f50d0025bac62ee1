"""`hearth init` makes a project whose own test passes as generated (and which deploys:
see test_story)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from .conftest import cli_env, run_cli


def test_generated_project_passes_its_own_test(tmp_path: Path) -> None:
    run = run_cli(("init", "fresh"), cwd=tmp_path, env=cli_env(tmp_path / "cfg"))
    assert run.returncode == 0, run.stderr
    project = tmp_path / "fresh"
    assert sorted(p.relative_to(project).as_posix() for p in project.rglob("*") if p.is_file()) == [
        ".gitignore",
        "pytest.ini",
        "src/entry.py",
        "tests/test_entry.py",
        "wrangler.toml",
    ]
    assert 'name = "fresh"' in (project / "wrangler.toml").read_text()
    assert "class Default(WorkerEntrypoint)" in (project / "src" / "entry.py").read_text()
    tested = subprocess.run(
        # -W error: the project's own test run is clean, no plugin's deprecation warning.
        [sys.executable, "-m", "pytest", "-q", "-W", "error", "-p", "no:cacheprovider"],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert tested.returncode == 0, tested.stdout + tested.stderr
    assert "1 passed" in tested.stdout
    assert "Warning" not in tested.stdout + tested.stderr


def test_init_in_the_current_directory_and_refusals(tmp_path: Path) -> None:
    """Without NAME the directory's name is the service; existing files are never replaced;
    a name that cannot be a service is refused."""
    here = tmp_path / "my-worker"
    here.mkdir()
    env = cli_env(tmp_path / "cfg")
    assert run_cli(("init",), cwd=here, env=env).returncode == 0
    assert 'name = "my-worker"' in (here / "wrangler.toml").read_text()
    again = run_cli(("init",), cwd=here, env=env)
    assert again.returncode == 1
    assert again.error_line == "error: wrangler.toml exists already: init makes new projects only"
    bad = run_cli(("init", "Not_A_Name"), cwd=tmp_path, env=env)
    assert bad.error_line == (
        "error: 'not_a_name' is not a service name: lowercase letters, digits and '-', at most 63"
    )
