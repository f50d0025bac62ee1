"""What `hearth deploy` uploads: every file under the main module's folder, minus
`.gitignore`-style excludes and local state, caches and secrets."""

from __future__ import annotations

import subprocess
from pathlib import Path

from hearth.cli._bundle import collect, git_commit


def _write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


def test_bundle_is_the_main_modules_folder(tmp_path: Path) -> None:
    _write(
        tmp_path,
        {
            "wrangler.toml": "",
            "README.md": "outside the bundle",
            "src/entry.py": "main",
            "src/lib/util.py": "helper",
            "src/data/table.json": "{}",
            "src/__pycache__/entry.cpython-311.pyc": "",
            "src/.hearth/kv.sqlite": "",
            "src/.venv/bin/python": "",
            "src/.dev.vars": "SECRET=1",
            "src/lib/cache.pyc": "",
        },
    )
    bundle = collect(tmp_path, tmp_path / "src" / "entry.py")
    assert bundle.main_module == "entry.py"
    assert sorted(bundle.files) == ["data/table.json", "entry.py", "lib/util.py"]
    assert bundle.files["lib/util.py"] == b"helper"


def test_gitignore_patterns_apply_from_where_they_are(tmp_path: Path) -> None:
    _write(
        tmp_path,
        {
            ".gitignore": "*.log\nsrc/build/\n!keep.log\n",
            "src/.gitignore": "fixtures/\n/local.py\n",
            "src/entry.py": "main",
            "src/debug.log": "",
            "src/keep.log": "kept",
            "src/build/out.py": "",
            "src/fixtures/big.json": "",
            "src/deep/fixtures/x.json": "",
            "src/local.py": "",
            "src/deep/local.py": "kept: only the top local.py is anchored",
        },
    )
    bundle = collect(tmp_path, tmp_path / "src" / "entry.py")
    assert sorted(bundle.files) == [".gitignore", "deep/local.py", "entry.py", "keep.log"]


def test_the_main_module_is_sent_even_when_ignored(tmp_path: Path) -> None:
    _write(tmp_path, {".gitignore": "*.py\n", "entry.py": "main", "other.py": ""})
    assert sorted(collect(tmp_path, tmp_path / "entry.py").files) == [".gitignore", "entry.py"]


def test_git_commit_only_in_a_checkout(tmp_path: Path) -> None:
    assert git_commit(tmp_path) is None
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    author = ["-c", "user.email=t@t", "-c", "user.name=t"]
    subprocess.run(
        ["git", "-C", str(tmp_path), *author, "commit", "-q", "--allow-empty", "-m", "x"],
        check=True,
    )
    commit = git_commit(tmp_path)
    assert commit is not None and len(commit) == 40
