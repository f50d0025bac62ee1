"""`hearth kv namespace …` and `hearth kv key …`: values from an argument, a file or stdin;
`get` writes the raw bytes; namespaces by id or by title."""

from __future__ import annotations

import json
from pathlib import Path

from .conftest import Cli, Server, ok


def test_namespaces_create_list_rename_delete(cli: Cli, server: Server) -> None:
    created = ok(cli("kv", "namespace", "create", "sessions"))
    assert "Created KV namespace sessions with id " in created.stdout
    assert 'binding = "SESSIONS"' in created.stdout
    listed = json.loads(ok(cli("kv", "namespace", "list", "--json")).stdout)
    namespace = next(n for n in listed if n["title"] == "sessions")
    ok(cli("kv", "namespace", "rename", namespace["id"], "sessions-old"))
    titles = [n["title"] for n in json.loads(ok(cli("kv", "namespace", "list", "--json")).stdout)]
    assert "sessions-old" in titles and "sessions" not in titles
    ok(cli("kv", "namespace", "delete", "sessions-old", "--yes"))
    missing = cli("kv", "namespace", "delete", "sessions-old", "--yes")
    assert missing.returncode == 1
    assert missing.error_line == (
        "error: no KV namespace with id or title 'sessions-old' (hearth kv namespace list shows them)"
    )


def test_keys_put_get_list_delete(cli: Cli, server: Server, tmp_path: Path) -> None:
    ok(cli("kv", "namespace", "create", "blobs"))
    ns = ("--namespace-id", "blobs")
    ok(cli("kv", "key", "put", "user/1", "alice", *ns))
    binary = bytes(range(256))
    ok(cli("kv", "key", "put", "raw", *ns, input=binary))  # from stdin
    (tmp_path / "file.txt").write_text("from a file")
    ok(
        cli(
            "kv",
            "key",
            "put",
            "file",
            "--path",
            str(tmp_path / "file.txt"),
            "--metadata",
            '{"v": 2}',
            *ns,
        )
    )

    assert ok(cli("kv", "key", "get", "raw", *ns)).raw == binary
    assert ok(cli("kv", "key", "get", "user/1", *ns)).stdout == "alice"
    keys = json.loads(ok(cli("kv", "key", "list", "--json", *ns)).stdout)
    assert [k["name"] for k in keys] == ["file", "raw", "user/1"]
    assert keys[0]["metadata"] == {"v": 2}
    only = json.loads(ok(cli("kv", "key", "list", "--prefix", "user/", "--json", *ns)).stdout)
    assert [k["name"] for k in only] == ["user/1"]
    limited = json.loads(ok(cli("kv", "key", "list", "--limit", "2", "--json", *ns)).stdout)
    assert len(limited) == 2

    ok(cli("kv", "key", "delete", "user/1", *ns))
    gone = cli("kv", "key", "get", "user/1", *ns)
    assert gone.returncode == 1
    assert gone.error_line == "error: key 'user/1' not found"


def test_key_input_mistakes(cli: Cli, server: Server, tmp_path: Path) -> None:
    both = cli("kv", "key", "put", "k", "v", "--path", "x", "--namespace-id", "n")
    assert both.error_line == "error: give the value as an argument or --path, not both"
    bad = cli("kv", "key", "put", "k", "v", "--metadata", "{nope", "--namespace-id", "n")
    assert bad.returncode == 1 and bad.error_line.startswith("error: --metadata is not JSON")
    neither = cli("kv", "key", "get", "k")
    assert neither.error_line == (
        "error: name the namespace: give --namespace-id ID_OR_TITLE or --binding NAME"
    )
    ok(cli("init", "nokv"))
    unbound = cli("kv", "key", "get", "k", "--binding", "CACHE", cwd=tmp_path / "nokv")
    assert (
        unbound.error_line
        == "error: no kv_namespaces binding 'CACHE' in wrangler.toml (bindings: none)"
    )


def test_an_id_names_that_namespace_even_when_another_is_titled_with_it(
    cli: Cli, server: Server
) -> None:
    """`--namespace-id ID` and `namespace delete ID` act on the namespace with that id, even
    when another namespace's title is that same id (and sorts first); titles are a fallback."""
    ok(cli("kv", "namespace", "create", "zzz-target"))
    listed = json.loads(ok(cli("kv", "namespace", "list", "--json")).stdout)
    target = next(n for n in listed if n["title"] == "zzz-target")
    ok(cli("kv", "namespace", "create", target["id"]))

    ok(cli("kv", "key", "put", "k", "v", "--namespace-id", target["id"]))
    keys = json.loads(ok(cli("kv", "key", "list", "--json", "--namespace-id", "zzz-target")).stdout)
    assert [k["name"] for k in keys] == ["k"]

    ok(cli("kv", "namespace", "delete", target["id"], "--yes"))
    titles = [n["title"] for n in json.loads(ok(cli("kv", "namespace", "list", "--json")).stdout)]
    assert "zzz-target" not in titles and target["id"] in titles


def test_bulk_put_get_delete_in_wranglers_file_formats(cli: Cli, tmp_path: Path) -> None:
    ok(cli("kv", "namespace", "create", "bulky"))
    ns = ("--namespace-id", "bulky")
    pairs = tmp_path / "pairs.json"
    pairs.write_text(
        json.dumps(
            [
                {"key": "a", "value": "one"},
                {"key": "b", "value": "dHdv", "base64": True, "metadata": {"n": 2}},
                {"key": "c", "value": "three", "expiration": 4_102_444_800},
            ]
        )
    )
    assert ok(cli("kv", "bulk", "put", str(pairs), *ns)).stdout == "Wrote 3 keys\n"
    keys = tmp_path / "keys.json"
    keys.write_text('["a", "b", "missing"]')
    got = json.loads(ok(cli("kv", "bulk", "get", str(keys), *ns)).stdout)
    assert got == {"a": "one", "b": "two", "missing": None}
    # Expirations read as dates in the table; --json keeps the epoch.
    table = ok(cli("kv", "key", "list", *ns)).stdout
    assert "2100-01-01 00:00:00 UTC" in table and "4102444800" not in table
    refused = cli("kv", "bulk", "delete", str(pairs), *ns)
    assert refused.error_line.endswith("refused without --yes (not a terminal to ask on)")
    ok(cli("kv", "bulk", "delete", str(pairs), "--yes", *ns))  # put's file: objects with a key
    assert json.loads(ok(cli("kv", "key", "list", "--json", *ns)).stdout) == []
    bad = tmp_path / "bad.json"
    bad.write_text('{"a": 1}')
    assert cli("kv", "bulk", "put", str(bad), *ns).error_line == (
        f"error: {bad}: give a JSON array"
    )


def test_local_keys_are_the_ones_hearth_dev_reads(cli: Cli, tmp_path: Path) -> None:
    """`--local` writes the project's .hearth/kv.sqlite3, the store `hearth dev` opens."""
    import asyncio

    from hearth.bindings.kv import SqliteKVStore

    project = tmp_path / "local-kv"
    project.mkdir()
    (project / "entry.py").write_text("")
    (project / "wrangler.toml").write_text(
        'name = "local-kv"\nmain = "entry.py"\n[[kv_namespaces]]\nbinding = "CACHE"\nid = "abc"\n'
    )
    local = ("--binding", "CACHE", "--local")
    missing = cli("kv", "key", "get", "greeting", *local, cwd=project)
    assert missing.error_line.startswith("error: no local KV data yet")
    ok(cli("kv", "key", "put", "greeting", "hello", *local, cwd=project))
    assert ok(cli("kv", "key", "get", "greeting", *local, cwd=project)).stdout == "hello"
    listed = json.loads(ok(cli("kv", "key", "list", "--json", *local, cwd=project)).stdout)
    assert listed == [{"name": "greeting"}]

    async def read() -> bytes | None:
        store = SqliteKVStore(project / ".hearth" / "kv.sqlite3")
        try:
            return await store.get_value("abc", "greeting")
        finally:
            await store.close()

    assert asyncio.run(read()) == b"hello"
    ok(cli("kv", "key", "delete", "greeting", *local, cwd=project))
    assert asyncio.run(read()) is None
