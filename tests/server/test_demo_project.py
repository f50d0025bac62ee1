"""The demo `hearth serve --demo` deploys ships inside the package: a Hearth installed from its
wheel (no source checkout beside it) finds and reads it."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_an_installed_wheel_carries_the_demo_project(tmp_path: Path) -> None:
    # Built from a copy: setuptools leaves a build/ folder in the tree it builds.
    source = tmp_path / "source"
    shutil.copytree(ROOT / "src", source / "src", ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(tmp_path), str(source)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    (wheel,) = tmp_path.glob("hearth-*.whl")
    installed = tmp_path / "installed"
    zipfile.ZipFile(wheel).extractall(installed)
    # The installed copy first on the path: the demo must be found from it, not from src/.
    script = (
        "from hearth.server._demo import DEMO_PROJECT\n"
        "from hearth.config import collect_bundle, load_config\n"
        "config = load_config(DEMO_PROJECT)\n"
        "files, main = collect_bundle(config)\n"
        "print(DEMO_PROJECT, config.name, main, sorted(files))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        env={"PYTHONPATH": str(installed), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    where, name, main, files = done.stdout.split(" ", 3)
    assert Path(where).is_relative_to(installed)
    assert (name, main) == ("demo", "entry.py")
    assert "entry.py" in files
