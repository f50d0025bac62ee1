"""`hearth login` checks the token before storing it, in a 0600 file under
$XDG_CONFIG_HOME/hearth; HEARTH_URL/HEARTH_TOKEN override the file; `hearth whoami`."""

from __future__ import annotations

import json
import stat
from pathlib import Path

from .conftest import TOKEN, Server, cli_env, run_cli


def test_login_reads_the_token_from_stdin_and_stores_it_privately(
    server: Server, tmp_path: Path
) -> None:
    env = cli_env(tmp_path / "cfg")
    run = run_cli(("login", "--url", server.url), cwd=tmp_path, env=env, input=TOKEN + "\n")
    assert run.returncode == 0, run.stderr
    assert "as token 'bootstrap' of account 'main'" in run.stdout
    assert TOKEN not in run.stdout + run.stderr
    file = tmp_path / "cfg" / "hearth" / "config.toml"
    assert stat.S_IMODE(file.stat().st_mode) == 0o600
    assert TOKEN in file.read_text() and server.url in file.read_text()

    me = run_cli(("whoami", "--json"), cwd=tmp_path, env=env)
    assert me.returncode == 0, me.stderr
    assert json.loads(me.stdout) == {
        "account": "main",
        "subdomain": "main",
        "token": "bootstrap",
        "scope": "operator",
        "url": server.url,
    }


def test_a_refused_token_is_not_stored(server: Server, tmp_path: Path) -> None:
    env = cli_env(tmp_path / "cfg")
    run = run_cli(("login", "--url", server.url, "--token", "wrong"), cwd=tmp_path, env=env)
    assert run.returncode == 1
    assert run.error_line == (
        f"error: {server.url} refused this token: give the admin token hearth serve printed"
    )
    assert not (tmp_path / "cfg" / "hearth" / "config.toml").exists()


def test_login_defaults_to_the_local_admin_listener(tmp_path: Path) -> None:
    env = cli_env(tmp_path / "cfg")
    run = run_cli(("login", "--token", "t"), cwd=tmp_path, env=env)
    assert run.returncode == 1
    assert run.error_line == "error: cannot reach http://127.0.0.1:8788: connection refused"


def test_a_refused_stored_token_says_to_log_in_again(server: Server, tmp_path: Path) -> None:
    env = cli_env(tmp_path / "cfg")
    file = tmp_path / "cfg" / "hearth" / "config.toml"
    file.parent.mkdir(parents=True)
    file.write_text(f'url = "{server.url}"\ntoken = "revoked"\n')
    run = run_cli(("whoami",), cwd=tmp_path, env=env)
    assert run.error_line == "error: the token was refused: run hearth login"


def test_the_environment_overrides_the_file(server: Server, tmp_path: Path) -> None:
    """A stored login to a dead server is overridden by HEARTH_URL; HEARTH_TOKEN alone
    replaces the token (the URL still comes from the file)."""
    env = cli_env(tmp_path / "cfg")
    ok = run_cli(("login", "--url", server.url, "--token", TOKEN), cwd=tmp_path, env=env)
    assert ok.returncode == 0, ok.stderr
    overridden = run_cli(("whoami",), cwd=tmp_path, env={**env, "HEARTH_TOKEN": "other"})
    assert (
        overridden.error_line
        == "error: the token in HEARTH_TOKEN was refused: fix or unset HEARTH_TOKEN"
    )
    file = tmp_path / "cfg" / "hearth" / "config.toml"
    file.write_text(f'url = "http://127.0.0.1:9"\ntoken = "{TOKEN}"\n')
    redirected = run_cli(("whoami",), cwd=tmp_path, env={**env, "HEARTH_URL": server.url})
    assert redirected.returncode == 0, redirected.stderr
    assert "account  main" in redirected.stdout


def test_login_refuses_a_url_without_scheme(tmp_path: Path) -> None:
    run = run_cli(
        ("login", "--url", "localhost:8788", "--token", "t"), cwd=tmp_path, env=cli_env(tmp_path)
    )
    assert run.returncode == 1
    assert run.error_line == "error: --url 'localhost:8788': give http://HOST:PORT or https://HOST"
