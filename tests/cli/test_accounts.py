"""`hearth accounts`: the operator (the first-start token) opens an account per team; a disabled
account's workers stop answering and its tokens are refused, and come back when enabled."""

from __future__ import annotations

import json
from pathlib import Path

from .conftest import Cli, Run, Server, ok


def test_an_operator_opens_disables_and_enables_a_teams_account(
    cli: Cli, server: Server, tmp_path: Path
) -> None:
    created = ok(cli("accounts", "create", "initech"))
    team_token = created.stdout.strip()
    assert team_token.startswith("hearth_")
    assert "Account 'initech' created" in created.stderr

    def team(*args: str, cwd: Path = tmp_path) -> Run:
        return cli(*args, cwd=cwd, HEARTH_TOKEN=team_token)

    ok(team("init", "web"))
    ok(team("deploy", cwd=tmp_path / "web"))
    assert server.fetch("web.initech.localhost").status_code == 200

    listed = json.loads(ok(cli("accounts", "list", "--json")).stdout)
    assert {(a["name"], a["disabled"]) for a in listed} == {("main", False), ("initech", False)}

    done = ok(cli("accounts", "disable", "initech"))
    assert "its workers not served" in done.stdout
    assert server.fetch("web.initech.localhost").status_code == 404
    refused = team("services", "list")
    assert refused.returncode == 1
    assert "account 'initech' is disabled" in refused.error_line

    ok(cli("accounts", "enable", "initech"))
    assert server.fetch("web.initech.localhost").status_code == 200
    assert "web" in ok(team("services", "list")).stdout


def test_a_teams_admin_token_cannot_manage_accounts(cli: Cli) -> None:
    team_token = ok(cli("accounts", "create", "globex")).stdout.strip()
    refused = cli("accounts", "list", HEARTH_TOKEN=team_token)
    assert refused.returncode == 1
    assert "managing accounts takes an operator token" in refused.error_line
