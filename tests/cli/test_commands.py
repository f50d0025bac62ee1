"""The rest of the commands against a real server: environments, services, versions and
gradual deployments, secrets in bulk, routes, tokens, and wrangler's `legacy_env` and
`workers_dev = false` on deploy."""

from __future__ import annotations

import json
import os
from pathlib import Path

from .conftest import Cli, Server, ok


def _project(cli: Cli, tmp_path: Path, name: str, extra: str = "") -> Path:
    ok(cli("init", name))
    project = tmp_path / name
    if extra:
        config = project / "wrangler.toml"
        config.write_text(config.read_text() + extra)
    return project


def test_environments_list_rename_delete(cli: Cli, server: Server, tmp_path: Path) -> None:
    project = _project(cli, tmp_path, "envs")
    ok(cli("deploy", cwd=project))
    ok(cli("env", "create", "preview", cwd=project))  # empty: nothing deployed
    table = ok(cli("env", "list", cwd=project)).stdout
    assert "production" in table and "preview" in table and "v1@100%" in table
    listed = json.loads(ok(cli("env", "list", "--json", cwd=project)).stdout)
    assert [(e["name"], e["deployment"] is not None) for e in listed] == [
        ("production", True),
        ("preview", False),
    ]
    renamed = ok(cli("env", "rename", "preview", "qa", cwd=project))
    assert "http://qa.envs.main.localhost:" in renamed.stdout
    ok(cli("env", "delete", "qa", "--yes", cwd=project))
    names = [e["name"] for e in json.loads(ok(cli("env", "list", "--json", cwd=project)).stdout)]
    assert names == ["production"]


def test_versions_upload_then_split_traffic(cli: Cli, server: Server, tmp_path: Path) -> None:
    """`versions upload` makes a version without deploying; `versions deploy 2@10 1@90`
    splits traffic; `deployments list` shows both deployments."""
    project = _project(cli, tmp_path, "split")
    ok(cli("deploy", cwd=project))
    uploaded = ok(cli("versions", "upload", "--tag", "canary", cwd=project))
    assert "Uploaded split (production) version 2" in uploaded.stdout
    assert (
        server.api.get("/services/split/environments/production/deployments/current").json()[
            "versions"
        ][0]["version_number"]
        == 1
    )
    newest = json.loads(ok(cli("versions", "list", "--limit", "1", "--json", cwd=project)).stdout)
    assert [v["number"] for v in newest] == [2]
    viewed = json.loads(ok(cli("versions", "view", "2", "--json", cwd=project)).stdout)
    assert viewed["tag"] == "canary" and viewed["number"] == 2
    human = ok(cli("versions", "view", "2", cwd=project)).stdout
    assert (
        "tag                 canary" in human and "var                 GREETING = 'Hello'" in human
    )
    deployed = ok(cli("versions", "deploy", "2@10", "1@90", "-m", "canary", cwd=project))
    assert "v2@10%, v1@90%" in deployed.stdout
    history = json.loads(ok(cli("deployments", "list", "--json", cwd=project)).stdout)
    assert [d["message"] for d in history] == ["canary", None]
    assert {v["version_number"]: v["percentage"] for v in history[0]["versions"]} == {2: 10, 1: 90}
    assert "v2@10%, v1@90%" in ok(cli("deployments", "status", cwd=project)).stdout


def test_secrets_bulk_from_json_and_dotenv(cli: Cli, server: Server, tmp_path: Path) -> None:
    project = _project(cli, tmp_path, "bulk")
    ok(cli("deploy", cwd=project))
    (tmp_path / "s.json").write_text(json.dumps({"A": "1", "B": "2"}))
    ok(cli("secret", "bulk", str(tmp_path / "s.json"), cwd=project))
    (tmp_path / "s.env").write_text("# comment\nC=3\nA='changed'\n")
    changed = ok(cli("secret", "bulk", str(tmp_path / "s.env"), cwd=project))
    assert "2 secret(s) changed on bulk (production): version 3 deployed" in changed.stdout
    (tmp_path / "d.json").write_text(json.dumps({"B": None}))
    ok(cli("secret", "bulk", str(tmp_path / "d.json"), cwd=project))
    ok(cli("secret", "delete", "C", "--yes", cwd=project))
    names = json.loads(ok(cli("secret", "list", "--json", cwd=project)).stdout)
    assert names == [{"name": "A", "type": "secret_text"}]
    (tmp_path / "bad.env").write_text("A=1\nthis is not an assignment\n")
    bad = cli("secret", "bulk", str(tmp_path / "bad.env"), cwd=project)
    assert bad.returncode == 1
    assert bad.error_line == f"error: {tmp_path / 'bad.env'}:2: not a NAME=value line"


def test_routes_tokens_and_services(cli: Cli, server: Server, tmp_path: Path) -> None:
    project = _project(cli, tmp_path, "routed")
    ok(cli("deploy", cwd=project))
    added = ok(cli("routes", "add", "shop.example.com/api/*", "--service", "routed"))
    assert "Route shop.example.com/api/* → routed (production)" in added.stdout
    routes = json.loads(ok(cli("routes", "list", "--json")).stdout)
    assert [(r["pattern"], r["service"]) for r in routes] == [("shop.example.com/api/*", "routed")]
    ok(cli("routes", "delete", "shop.example.com/api/*"))
    assert json.loads(ok(cli("routes", "list", "--json")).stdout) == []

    created = ok(cli("tokens", "create", "reader", "--scope", "read"))
    value = created.stdout.strip()
    assert value and "not shown again" in created.stderr
    me = json.loads(ok(cli("whoami", "--json", HEARTH_TOKEN=value)).stdout)
    assert me["token"] == "reader" and me["scope"] == "read"
    refused = cli("deploy", cwd=project, HEARTH_TOKEN=value)
    assert refused.returncode == 1 and "read" in refused.error_line
    assert "reader" in [t["name"] for t in json.loads(ok(cli("tokens", "list", "--json")).stdout)]
    ok(cli("tokens", "revoke", "reader"))
    gone = cli("whoami", HEARTH_TOKEN=value)
    assert (
        gone.error_line == "error: the token in HEARTH_TOKEN was refused: fix or unset HEARTH_TOKEN"
    )

    names = [s["name"] for s in json.loads(ok(cli("services", "list", "--json")).stdout)]
    assert "routed" in names
    ok(cli("services", "delete", "routed", "--yes"))
    names = [s["name"] for s in json.loads(ok(cli("services", "list", "--json")).stdout)]
    assert "routed" not in names


def test_legacy_env_deploys_a_separate_service(cli: Cli, server: Server, tmp_path: Path) -> None:
    """`legacy_env = true`: `--env staging` deploys service `legacy-staging`, production."""
    project = _project(cli, tmp_path, "legacy")
    config = project / "wrangler.toml"
    config.write_text("legacy_env = true\n" + config.read_text())
    run = ok(cli("deploy", "--env", "staging", cwd=project))
    assert "Deployed legacy-staging (production) version 1" in run.stdout
    assert server.fetch("legacy-staging.main.localhost").text == "Hello from staging from legacy!"
    assert server.api.get("/services/legacy").status_code == 404


def test_workers_dev_false_makes_the_service_private(
    cli: Cli, server: Server, tmp_path: Path
) -> None:
    project = _project(cli, tmp_path, "hidden")
    config = project / "wrangler.toml"
    config.write_text("workers_dev = false\n" + config.read_text())
    run = ok(cli("deploy", cwd=project))
    assert "Created service hidden (private)" in run.stderr
    assert "environment URL: (none: private, or workers_dev is off)" in run.stdout
    assert server.api.get("/services/hidden").json()["private"] is True
    config.write_text(config.read_text().replace("workers_dev = false\n", ""))
    again = ok(cli("deploy", cwd=project))
    assert "Service hidden is now public" in again.stderr
    assert server.fetch("hidden.main.localhost").status_code == 200


def test_kv_binding_without_id_is_provisioned_by_title(
    cli: Cli, server: Server, tmp_path: Path
) -> None:
    """A kv_namespaces entry without `id` binds the namespace titled as its binding, made on
    the first deploy; `kv key … --binding` finds it through the same config."""
    extra = '\n[[kv_namespaces]]\nbinding = "CACHE"\n\n[[kv_namespaces]]\nbinding = "SESSIONS"\n'
    project = _project(cli, tmp_path, "cached", extra)
    (project / "src" / "entry.py").write_text(
        "from workers import Response, WorkerEntrypoint\n\n\n"
        "class Default(WorkerEntrypoint):\n"
        "    async def fetch(self, request):\n"
        "        return Response(await self.env.CACHE.get('greeting') or 'empty')\n"
    )
    run = ok(cli("deploy", cwd=project))
    assert "Created KV namespace CACHE" in run.stderr
    assert "Created KV namespace SESSIONS" in run.stderr
    ok(cli("kv", "key", "put", "greeting", "hi there", "--binding", "CACHE", cwd=project))
    assert server.fetch("cached.main.localhost").text == "hi there"
    assert ok(cli("kv", "key", "get", "greeting", "--namespace-id", "CACHE")).stdout == "hi there"
    version = json.loads(ok(cli("versions", "view", "1", "--json", cwd=project)).stdout)
    namespaces = json.loads(ok(cli("kv", "namespace", "list", "--json")).stdout)
    ids = {n["title"]: n["id"] for n in namespaces}
    assert version["bindings"] == [
        {"type": "kv", "name": "CACHE", "namespace_id": ids["CACHE"]},
        {"type": "kv", "name": "SESSIONS", "namespace_id": ids["SESSIONS"]},
    ]
    again = ok(cli("deploy", cwd=project))
    assert "Created KV namespace" not in again.stderr


def test_large_bundles_upload_with_a_progress_bar(cli: Cli, server: Server, tmp_path: Path) -> None:
    """A bundle over 256 KB streams its body (the bar draws on stderr) and arrives whole."""
    project = _project(cli, tmp_path, "large")
    blob = os.urandom(600 * 1024)
    (project / "src" / "data.bin").write_bytes(blob)
    # TTY_COMPATIBLE=1: Rich draws as on a terminal, so the (transient) bar is in the stream.
    run = ok(cli("deploy", cwd=project, TTY_COMPATIBLE="1"))
    assert "Uploading" in run.stderr
    small = _project(cli, tmp_path, "small")
    assert "Uploading" not in ok(cli("deploy", cwd=small, TTY_COMPATIBLE="1")).stderr
    version = server.api.get("/services/large/environments/production/versions/1").json()
    assert version["main_module"] == "entry.py"
    assert server.fetch("large.main.localhost").text == "Hello from large!"


def test_dry_run_sends_nothing(cli: Cli, server: Server, tmp_path: Path) -> None:
    project = _project(cli, tmp_path, "dry")
    run = ok(cli("deploy", "--dry-run", cwd=project))
    assert "Dry run: would deploy to dry (production)" in run.stdout
    assert "entry.py" in run.stdout and '"GREETING": "Hello"' in run.stdout
    assert server.api.get("/services/dry").status_code == 404


def test_deploy_sets_the_environments_crons(cli: Cli, server: Server, tmp_path: Path) -> None:
    """`[triggers] crons` are the environment's schedules, set by deploy (not by upload)."""
    project = _project(cli, tmp_path, "cron", '\n[triggers]\ncrons = ["*/5 * * * *"]\n')
    run = ok(cli("deploy", cwd=project))
    assert "Schedules: */5 * * * *" in run.stderr
    triggers = server.api.get("/services/cron/environments/production/triggers").json()
    assert triggers["crons"] == ["*/5 * * * *"]


def test_deploy_adds_the_configs_routes(cli: Cli, server: Server, tmp_path: Path) -> None:
    """`routes` in the config are added on deploy (wrangler's way), once; the environment's
    generated hostname goes off as wrangler infers (workers_dev unset + routes = off)."""
    extra = '\nroutes = [{ pattern = "shop.test/api/*" }, { pattern = "api.shop.test", custom_domain = true }]\n'
    project = _project(cli, tmp_path, "shop")
    config = project / "wrangler.toml"
    config.write_text(extra.strip() + "\n" + config.read_text())
    run = ok(cli("deploy", cwd=project))
    assert "Added route shop.test/api/*" in run.stderr
    assert "Added custom domain api.shop.test" in run.stderr
    assert server.fetch("shop.test", "/api/x").text == "Hello from shop!"
    assert server.fetch("api.shop.test").text == "Hello from shop!"
    assert server.fetch("shop.main.localhost").status_code == 404
    again = ok(cli("deploy", cwd=project))
    assert "Added" not in again.stderr and "warning" not in again.stderr


def test_promote_along_the_pipeline(cli: Cli, server: Server, tmp_path: Path) -> None:
    """`hearth promote ENV` sends ENV's current version to the next stage of the pipeline;
    `--with-config` takes its vars along."""
    project = _project(cli, tmp_path, "piped")
    ok(cli("deploy", cwd=project))
    ok(cli("deploy", "--env", "staging", cwd=project))
    unset = cli("promote", "staging", cwd=project)
    assert unset.error_line == (
        "error: service 'piped' has no promotion pipeline: set one with hearth pipeline set "
        "staging production, or name the target: hearth promote staging TO_ENV"
    )
    ok(cli("pipeline", "set", "staging", "production", cwd=project))
    run = ok(cli("promote", "staging", "--with-config", cwd=project))
    assert "Promoted staging to production of piped: version 2" in run.stdout
    assert "  carried: staging's code, vars, secrets and bindings" in run.stdout
    assert server.fetch("piped.main.localhost").text == "Hello from staging from piped!"
    last = cli("promote", "production", cwd=project)
    assert last.returncode == 1
    assert last.error_line == "error: environment 'production' is the last stage of the pipeline"


COUNTER = """
from workers import DurableObject, Response, WorkerEntrypoint

class Counter(DurableObject):
    async def fetch(self, request):
        count = (await self.ctx.storage.get("count") or 0) + 1
        await self.ctx.storage.put("count", count)
        return Response(str(count))

class Default(WorkerEntrypoint):
    async def fetch(self, request):
        return await self.env.COUNTER.getByName("visits").fetch(request)
"""


def test_deploy_sends_durable_objects_with_their_migrations(
    cli: Cli, server: Server, tmp_path: Path
) -> None:
    """A worker's own Durable Object class deploys with the config's [[migrations]]; a later
    config that drops the migration creating it is refused, and the deployed code keeps
    counting."""
    binding = '\n[[durable_objects.bindings]]\nname = "COUNTER"\nclass_name = "Counter"\n'
    migration = '\n[[migrations]]\ntag = "v1"\nnew_sqlite_classes = ["Counter"]\n'
    project = _project(cli, tmp_path, "visits", binding + migration)
    (project / "src" / "entry.py").write_text(COUNTER)
    ok(cli("deploy", cwd=project))
    assert [server.fetch("visits.main.localhost").text for _ in range(3)] == ["1", "2", "3"]

    (project / "wrangler.toml").write_text(
        (project / "wrangler.toml").read_text().replace(migration, "")
    )
    refused = cli("deploy", cwd=project)
    assert refused.returncode != 0
    assert "migration" in refused.error_line
    assert server.fetch("visits.main.localhost").text == "4"
