"""Every failure ends with one clear line on stderr and exit status 1: the server is down,
the token is refused, the object does not exist, the input is invalid."""

from __future__ import annotations

import json
from pathlib import Path

from hearth.edge._server import free_port

from .conftest import Cli, Run, Server, ok

BROKEN = "import no_such_module_anywhere\n"


def _failed(run: Run, line: str) -> None:
    assert run.returncode == 1, (run.stdout, run.stderr)
    assert run.error_line == f"error: {line}"
    assert "Traceback" not in run.stderr or "no_such_module" in run.stderr


def test_network_down_names_the_url(cli: Cli) -> None:
    """Nothing listens on the port: the URL and the reason, no Python traceback."""
    url = f"http://127.0.0.1:{free_port()}"
    _failed(cli("whoami", HEARTH_URL=url), f"cannot reach {url}: connection refused")
    _failed(cli("services", "list", HEARTH_URL=url), f"cannot reach {url}: connection refused")


def test_a_refused_token_names_where_it_came_from(cli: Cli) -> None:
    """A bad HEARTH_TOKEN is fixed in the environment, not by logging in again."""
    _failed(
        cli("whoami", HEARTH_TOKEN="not-a-token"),
        "the token in HEARTH_TOKEN was refused: fix or unset HEARTH_TOKEN",
    )
    _failed(
        cli("versions", "list", "--name", "x", HEARTH_TOKEN="nope"),
        "the token in HEARTH_TOKEN was refused: fix or unset HEARTH_TOKEN",
    )


def test_the_workers_listener_is_not_the_api(cli: Cli, server: Server) -> None:
    """The edge's 404 for an unknown host: say where the API is instead of a bare 404."""
    workers = f"http://127.0.0.1:{server.port}"
    _failed(
        cli("whoami", HEARTH_URL=workers),
        f"{workers} has no Hearth API (404 for /api/v1/whoami): the API is on the admin "
        "listener that hearth serve prints (by default http://127.0.0.1:8788)",
    )


def test_not_found_shows_the_servers_message(cli: Cli) -> None:
    _failed(cli("versions", "list", "--name", "ghost"), "service 'ghost' not found")
    _failed(
        cli("env", "delete", "staging", "--name", "ghost", "--yes"), "service 'ghost' not found"
    )
    _failed(cli("tokens", "revoke", "ghost"), "token 'ghost' not found")
    _failed(
        cli("routes", "delete", "nope.example/*"),
        "no route 'nope.example/*' (hearth routes list shows them)",
    )


def test_validation_errors_show_the_servers_message(cli: Cli, tmp_path: Path) -> None:
    ok(cli("init", "valid"))
    ok(cli("deploy", cwd=tmp_path / "valid"))
    bad_env = cli("env", "create", "Bad Name", "--name", "valid")
    assert bad_env.returncode == 1
    assert bad_env.error_line.startswith("error: invalid environment name 'Bad Name'")
    _failed(
        cli("versions", "deploy", "1@50", "--name", "valid"),
        "the percentages of a deployment must add up to 100",
    )
    _failed(
        cli("versions", "deploy", "1@lots", "--name", "valid"),
        "'1@lots': give VERSION@PERCENTAGE, e.g. 3@90",
    )
    _failed(cli("versions", "view", "99", "--name", "valid"), "version 99 not found")
    _failed(
        cli("tokens", "create", "t", "--scope", "root"),
        "scope: Input should be 'admin', 'read' or 'operator'",
    )


def test_code_that_does_not_load_shows_its_traceback(cli: Cli, tmp_path: Path) -> None:
    """The server refuses the version; its traceback comes first, the reason last."""
    ok(cli("init", "broken"))
    (tmp_path / "broken" / "src" / "entry.py").write_text(BROKEN)
    run = cli("deploy", cwd=tmp_path / "broken")
    assert run.returncode == 1
    assert "no_such_module_anywhere" in run.stderr
    assert run.error_line.startswith("error: ")
    assert "No module named 'no_such_module_anywhere'" in run.error_line
    # The user's frames only: not the server's bundle folder, not Hearth's loader.
    assert 'File "entry.py", line 1, in <module>' in run.stderr
    assert "/bundles/" not in run.stderr and "hearth/" not in run.stderr


def test_project_and_login_problems(cli: Cli, tmp_path: Path, server: Server) -> None:
    """No wrangler config, a broken one, no login at all."""
    empty = tmp_path / "empty"
    empty.mkdir()
    run = cli("versions", "list", cwd=empty)
    assert run.returncode == 1
    assert run.error_line.startswith("error: which service? pass --name SERVICE")
    (empty / "wrangler.toml").write_text('name = "x"\nmain = "src/missing.py"\n')
    run = cli("deploy", cwd=empty)
    assert run.returncode == 1
    assert run.error_line.startswith("error: wrangler.toml") and "main" in run.error_line
    logged_out = cli("whoami", HEARTH_URL="", HEARTH_TOKEN="")
    _failed(
        logged_out,
        "not logged in: run hearth login (or set HEARTH_URL and HEARTH_TOKEN)",
    )


def test_secret_change_after_a_rollback_changes_what_is_served(
    cli: Cli, tmp_path: Path, server: Server
) -> None:
    """After a rollback the latest version is not serving: the change builds on the
    rolled-back version (v1), and secret list shows what is served."""
    ok(cli("init", "rolled"))
    project = tmp_path / "rolled"
    ok(cli("deploy", cwd=project))
    entry = project / "src" / "entry.py"
    entry.write_text(entry.read_text().replace("{self.env.GREETING}", "Changed"))
    ok(cli("deploy", cwd=project))
    ok(cli("rollback", "--yes", cwd=project))
    made = ok(cli("secret", "put", "TOKEN", cwd=project, input="x"))
    assert "version 3 deployed" in made.stdout
    assert "Changed" not in server.fetch("rolled.main.localhost").text
    ok(cli("secret", "put", "OTHER", "--no-deploy", cwd=project, input="x"))
    listed = ok(cli("secret", "list", "--json", cwd=project)).stdout
    assert [s["name"] for s in json.loads(listed)] == ["TOKEN"]


def test_tail_failures(cli: Cli) -> None:
    _failed(
        cli("tail", "--name", "x", "--sampling-rate", "2"),
        "--sampling-rate 2.0: give a number above 0, at most 1",
    )
    run = cli("tail", "--name", "ghost")
    assert run.returncode == 1
    assert run.error_line.startswith("error: 404 ") and "ghost" in run.error_line
    url = f"http://127.0.0.1:{free_port()}"
    run = cli("tail", "--name", "ghost", HEARTH_URL=url)
    assert run.returncode == 1
    assert run.error_line.startswith(f"error: cannot reach the Hearth API at {url}")


def test_destructive_commands_ask_first(cli: Cli) -> None:
    """Without a terminal to ask on, --yes is required."""
    run = cli("services", "delete", "anything")
    assert run.returncode == 1
    assert run.error_line == (
        "error: Delete service anything with all its environments and versions: "
        "refused without --yes (not a terminal to ask on)"
    )


def test_an_empty_secret_value_names_the_secret_as_written(cli: Cli) -> None:
    _failed(cli("secret", "put", "OTHER", "--name", "x", input=""), "Value of OTHER is empty")
