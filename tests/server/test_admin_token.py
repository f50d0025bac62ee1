"""The first admin token: chosen or random, shown once, and never a data directory that no
token opens (a bad HEARTH_BOOTSTRAP_TOKEN is refused before anything is written; a lost token
is replaced with `hearth serve --new-admin-token`)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from hearth.control import Unauthorized
from hearth.edge._server import free_port
from hearth.server import BOOTSTRAP_TOKEN_ENV, Node, Settings

GOOD = "a-bootstrap-token-of-more-than-32-characters"


def serve(data: Path, *args: str, token: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != BOOTSTRAP_TOKEN_ENV}
    if token is not None:
        env[BOOTSTRAP_TOKEN_ENV] = token
    command = [sys.executable, "-m", "hearth", "serve", "--data-dir", str(data), *args]
    command += [
        "--listen",
        f"127.0.0.1:{free_port()}",
        "--admin-listen",
        f"127.0.0.1:{free_port()}",
    ]
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=60)


def test_a_short_bootstrap_token_is_one_line_and_exit_1_before_anything_is_written(tmp_path):
    data = tmp_path / "data"
    run = serve(data, token="too-short")
    assert run.returncode == 1
    assert run.stderr == (
        "error: HEARTH_BOOTSTRAP_TOKEN must be at least 32 characters (it has 9)\n"
    )
    assert not data.exists()


async def test_the_first_start_issues_the_chosen_token_and_later_starts_issue_none(
    tmp_path, monkeypatch
):
    monkeypatch.setenv(BOOTSTRAP_TOKEN_ENV, GOOD)
    node = Node(Settings(data_dir=tmp_path))
    assert (await node.start()).token == GOOD
    await node.stop()
    node = Node(Settings(data_dir=tmp_path))
    assert (await node.start()).token is None
    await node.stop()


async def test_an_account_left_without_a_token_gets_one_on_the_next_start(tmp_path):
    node = Node(Settings(data_dir=tmp_path))
    first = await node.start()
    assert node.plane is not None
    principal = await node.plane.accounts.authenticate(first.token or "")
    await node.plane.accounts.revoke_token(principal, "bootstrap")
    await node.stop()

    node = Node(Settings(data_dir=tmp_path))
    again = await node.start()
    assert again.token is not None
    assert (await node.plane.accounts.authenticate(again.token)).scope == "operator"
    await node.stop()


async def test_new_admin_token_issues_another_admin_token_and_keeps_the_old_one(tmp_path):
    node = Node(Settings(data_dir=tmp_path))
    first = await node.start()
    await node.stop()

    node = Node(Settings(data_dir=tmp_path, new_admin_token=True))
    second = await node.start()
    assert node.plane is not None and second.token not in (None, first.token)
    principal = await node.plane.accounts.authenticate(second.token or "")
    assert principal.scope == "operator" and principal.token_name.startswith("admin-")
    assert (await node.plane.accounts.authenticate(first.token or "")).token_name == "bootstrap"
    with pytest.raises(Unauthorized):
        await node.plane.accounts.authenticate("not-a-token")
    await node.stop()
