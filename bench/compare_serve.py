"""Hello through `hearth serve` of an earlier commit against this checkout, side by side: the
before-and-after figure of a change that must leave the request path as fast as it was.

    python -m bench.compare_serve 71614a1

The earlier commit is checked out in a temporary git worktree and run with its own `src/` first
on `PYTHONPATH` (same virtualenv). Both servers run at their defaults and are loaded at once
(`side_by_side`); the ratio is this checkout's requests/s over the earlier one's. An A/A run
reads 1.00-1.02 with the second server started favoured, so the two are started in the other
order too (`--swap`).
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

from ._load import ROOT, serve_command, serving, side_by_side
from .bench_serve import HOST, TOKEN, _upload


def _deploy_hello(port: int) -> None:
    headers = {"authorization": f"Bearer {TOKEN}"}
    with httpx.Client(base_url=f"http://127.0.0.1:{port + 1}", headers=headers) as api:
        api.post("/api/v1/services", json={"name": "bench"}).raise_for_status()
        _upload(api, "Hello from Hearth!")
    with httpx.Client(headers={"host": HOST}) as client:
        while client.get(f"http://127.0.0.1:{port}/").text != "Hello from Hearth!":
            time.sleep(0.1)


def main(revision: str, swap: bool = False) -> float:
    env = {"HEARTH_BOOTSTRAP_TOKEN": TOKEN}
    with tempfile.TemporaryDirectory() as scratch:
        tree = Path(scratch) / "before"
        subprocess.run(
            ["git", "worktree", "add", "-q", "--detach", str(tree), revision], cwd=ROOT, check=True
        )
        try:
            earlier = {**env, "PYTHONPATH": str(tree / "src")}
            first, second = (env, earlier) if swap else (earlier, env)
            with (
                serving(serve_command(), env=first) as a,
                serving(serve_command(), env=second) as b,
            ):
                before, after = (b, a) if swap else (a, b)
                _deploy_hello(before)
                _deploy_hello(after)
                result = side_by_side(
                    f"http://127.0.0.1:{before}/",
                    f"http://127.0.0.1:{after}/",
                    anchor_host=HOST,
                    subject_host=HOST,
                )
        finally:
            subprocess.run(
                ["git", "worktree", "remove", "--force", str(tree)], cwd=ROOT, check=True
            )
    started = "first" if swap else "second"
    print(result.describe(f"hello, this checkout (started {started})", 1.0, f"{revision}'s"))
    return result.ratio


if __name__ == "__main__":
    if len(sys.argv) < 2:
        raise SystemExit("usage: python -m bench.compare_serve REVISION [--swap]")
    main(sys.argv[1], swap="--swap" in sys.argv)
