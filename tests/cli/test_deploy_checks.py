"""`hearth deploy` checks what it can before it creates or sends anything: a KV namespace id
that does not exist, a bundle over the server's limit, a folder without a config. Each is one
line naming what is wrong, and nothing is left behind on the server."""

from __future__ import annotations

import json
from pathlib import Path

from .conftest import Cli, ok

ENTRY = (
    "from workers import Response, WorkerEntrypoint\n\n"
    "class Default(WorkerEntrypoint):\n"
    "    async def fetch(self, request):\n"
    "        return Response('ok')\n"
)


def project(root: Path, config: str) -> Path:
    (root / "src").mkdir(parents=True)
    (root / "src" / "entry.py").write_text(ENTRY)
    (root / "wrangler.toml").write_text(config)
    return root


def services(cli: Cli) -> list[str]:
    return [s["name"] for s in json.loads(ok(cli("services", "list", "--json")).stdout)]


def test_a_kv_namespace_id_that_does_not_exist_creates_nothing(cli: Cli, tmp_path: Path) -> None:
    root = project(
        tmp_path / "counter",
        'name = "kv-typo"\nmain = "src/entry.py"\ncompatibility_date = "2025-09-01"\n'
        '[[kv_namespaces]]\nbinding = "COUNTS"\nid = "0123456789abcdef0123456789abcdef"\n',
    )
    run = cli("deploy", cwd=root)
    assert run.returncode == 1
    assert run.stderr.splitlines() == [
        "error: kv_namespaces binding 'COUNTS': no KV namespace "
        "'0123456789abcdef0123456789abcdef' in this account (create one with: hearth kv "
        "namespace create COUNTS, then put its id in the config, or leave id out to have it made)"
    ]
    assert "kv-typo" not in services(cli)


def test_a_bundle_over_the_limit_is_refused_before_it_is_sent(cli: Cli, tmp_path: Path) -> None:
    root = project(
        tmp_path / "big",
        'name = "too-big"\nmain = "src/entry.py"\ncompatibility_date = "2025-09-01"\n',
    )
    (root / "src" / "data.bin").write_bytes(b"\0" * (26 * 2**20))
    run = cli("deploy", cwd=root)
    assert run.returncode == 1
    assert run.error_line == (
        f"error: the bundle is 26.0 MiB (2 files under {(root / 'src').resolve()}); "
        "the limit is 25.0 MiB"
    )
    assert "too-big" not in services(cli)


def test_deploy_in_a_folder_without_a_config_says_so(cli: Cli, tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    run = cli("deploy", cwd=empty)
    assert run.returncode == 1
    assert run.stderr.splitlines() == [
        f"error: no wrangler.toml, wrangler.json or wrangler.jsonc in {empty.resolve()} "
        "(hearth init NAME makes a project)"
    ]
