"""What a wrangler user reaches for on a project's service: `hearth delete`, `hearth
triggers`, `hearth pipeline`, `hearth logout`; destructive commands ask first."""

from __future__ import annotations

import json
from pathlib import Path

from .conftest import TOKEN, Cli, Server, cli_env, ok, run_cli


def test_triggers_list_set_and_deploy_from_the_config(cli: Cli, tmp_path: Path) -> None:
    ok(cli("init", "timed"))
    project = tmp_path / "timed"
    ok(cli("deploy", cwd=project))
    assert "timed (production) has no crons" in ok(cli("triggers", "list", cwd=project)).stderr
    set_ = ok(cli("triggers", "set", "*/5 * * * *", "0 3 * * MON", cwd=project))
    assert set_.stdout.splitlines()[0].startswith("*/5 * * * *  next 2")
    listed = json.loads(ok(cli("triggers", "list", "--json", cwd=project)).stdout)
    assert listed["crons"] == ["*/5 * * * *", "0 3 * * MON"]
    bad = cli("triggers", "set", "not a cron", cwd=project)
    assert bad.returncode == 1 and "not a cron" in bad.error_line
    with (project / "wrangler.toml").open("a") as config:
        config.write('\n[triggers]\ncrons = ["0 0 * * *"]\n')
    ok(cli("triggers", "deploy", cwd=project))
    listed = json.loads(ok(cli("triggers", "list", "--json", cwd=project)).stdout)
    assert listed["crons"] == ["0 0 * * *"]
    assert ok(cli("triggers", "set", "--clear", cwd=project)).stdout.startswith("No crons")


def test_pipeline_set_and_show(cli: Cli, tmp_path: Path) -> None:
    ok(cli("init", "piped"))
    project = tmp_path / "piped"
    ok(cli("deploy", cwd=project))
    assert ok(cli("pipeline", "show", cwd=project)).stdout.startswith("no pipeline: set one")
    ok(cli("env", "create", "staging", "--from", "production", cwd=project))
    done = ok(cli("pipeline", "set", "staging", "production", cwd=project))
    assert done.stdout == "Pipeline of piped: staging → production\n"
    shown = json.loads(ok(cli("pipeline", "show", "--json", cwd=project)).stdout)
    assert shown == {"environments": ["staging", "production"]}


def test_delete_removes_the_projects_service_after_asking(cli: Cli, tmp_path: Path) -> None:
    ok(cli("init", "doomed"))
    project = tmp_path / "doomed"
    ok(cli("deploy", cwd=project))
    refused = cli("delete", cwd=project)
    assert refused.error_line == (
        "error: Delete service doomed with all its environments and versions: "
        "refused without --yes (not a terminal to ask on)"
    )
    assert ok(cli("delete", "--yes", cwd=project)).stdout == "Deleted service doomed\n"
    names = [s["name"] for s in json.loads(ok(cli("services", "list", "--json")).stdout)]
    assert "doomed" not in names


def test_rollback_and_secret_delete_ask_first(cli: Cli, tmp_path: Path) -> None:
    ok(cli("init", "careful"))
    project = tmp_path / "careful"
    ok(cli("deploy", cwd=project))
    ok(cli("deploy", cwd=project))
    ok(cli("secret", "put", "KEY", cwd=project, input="v"))
    rollback = cli("rollback", cwd=project)
    assert rollback.error_line == (
        "error: Roll back careful (production) to the previously deployed version: "
        "refused without --yes (not a terminal to ask on)"
    )
    delete = cli("secret", "delete", "KEY", cwd=project)
    assert delete.error_line == (
        "error: Delete secret KEY from careful (production): "
        "refused without --yes (not a terminal to ask on)"
    )
    versions = json.loads(ok(cli("versions", "list", "--json", cwd=project)).stdout)
    assert len(versions) == 3  # nothing changed


def test_logout_forgets_the_stored_login(server: Server, tmp_path: Path) -> None:
    env = cli_env(tmp_path / "cfg")
    ok(run_cli(("login", "--url", server.url, "--token", TOKEN), cwd=tmp_path, env=env))
    out = ok(run_cli(("logout",), cwd=tmp_path, env=env)).stdout
    assert out.startswith("Logged out: removed ")
    assert not (tmp_path / "cfg" / "hearth" / "config.toml").exists()
    again = run_cli(("whoami",), cwd=tmp_path, env=env)
    assert again.error_line.startswith("error: not logged in")
    assert ok(run_cli(("logout",), cwd=tmp_path, env=env)).stdout.startswith("Not logged in")
