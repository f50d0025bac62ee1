"""`hearth kv namespace …` and `hearth kv key …`: KV namespaces and their keys.

A namespace is named by `--namespace-id` (its id, or its title) or by `--binding NAME`, the
project's kv_namespaces entry of that binding (its `id`, else the namespace titled NAME).
"""

from __future__ import annotations

import json
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

import typer

from ._client import Api, connect, seg
from ._errors import CliError
from ._kv_local import LocalKeys, kv_binding
from ._output import Json, out, show, table, when
from ._prompts import Yes, confirm
from ._target import ConfigPath, Env, load_project

__all__ = ["kv"]

kv = typer.Typer(help="Workers KV: namespaces and keys.", no_args_is_help=True)
namespaces = typer.Typer(help="KV namespaces: list, create, rename, delete.", no_args_is_help=True)
keys = typer.Typer(help="Keys of a namespace: put, get, list, delete.", no_args_is_help=True)
kv.add_typer(namespaces, name="namespace")
kv.add_typer(keys, name="key")

NamespaceRef = Annotated[str, typer.Argument(help="The namespace's id or title.")]
NamespaceId = Annotated[
    str | None, typer.Option("--namespace-id", help="The namespace's id or title.")
]
Binding = Annotated[
    str | None,
    typer.Option("--binding", help="A kv_namespaces binding of the project's wrangler config."),
]
Key = Annotated[str, typer.Argument(help="The key.")]
Local = Annotated[
    bool, typer.Option("--local", help="The keys hearth dev keeps for the project (--binding).")
]
PersistTo = Annotated[
    Path | None, typer.Option(help="With --local: hearth dev's --persist-to (default .hearth/).")
]


def _find(api: Api, ref: str) -> dict[str, Any]:
    # An id wins over a title: any title may look like another namespace's id.
    listed = list(api.items("/kv/namespaces"))
    for field in ("id", "title"):
        for namespace in listed:
            if namespace[field] == ref:
                return namespace
    raise CliError(
        f"no KV namespace with id or title {ref!r} (hearth kv namespace list shows them)"
    )


def namespace_of(
    namespace_id: str | None, binding: str | None, config: Path, env: str | None
) -> tuple[Api, str]:
    """The API and the id of the namespace a key command names."""
    api = connect()
    return api, _namespace(api, namespace_id, binding, config, env)


def _namespace(
    api: Api, namespace_id: str | None, binding: str | None, config: Path, env: str | None
) -> str:
    if (namespace_id is None) == (binding is None):
        raise CliError("name the namespace: give --namespace-id ID_OR_TITLE or --binding NAME")
    if binding is None:
        assert namespace_id is not None
        return _find(api, namespace_id)["id"]
    entry = kv_binding(load_project(config, env, bindings=True), binding)
    return _find(api, entry.id or entry.binding)["id"]


# -- namespaces -------------------------------------------------------------------------------


@namespaces.command("list", epilog="Example: hearth kv namespace list --json")
def list_namespaces(as_json: Json = False) -> None:
    """The account's KV namespaces."""
    items = connect().items("/kv/namespaces")
    columns = [
        ("TITLE", lambda n: n["title"]),
        ("ID", lambda n: n["id"]),
        ("CREATED", lambda n: when(n["created_on"])),
    ]
    show(items, as_json, lambda: table(items, columns, empty="no KV namespaces"))


@namespaces.command("create", epilog="Example: hearth kv namespace create sessions")
def create_namespace(title: Annotated[str, typer.Argument(help="Unique in the account.")]) -> None:
    """A new, empty namespace; put its id in kv_namespaces to bind it."""
    created = connect().post("/kv/namespaces", {"title": title})
    out.print(f"Created KV namespace {created['title']} with id {created['id']}")
    out.print(
        f'Bind it in wrangler.toml:\n[[kv_namespaces]]\nbinding = "{title.upper().replace("-", "_")}"\nid = "{created["id"]}"'
    )


@namespaces.command("rename", epilog="Example: hearth kv namespace rename sessions sessions-old")
def rename_namespace(
    namespace: NamespaceRef, title: Annotated[str, typer.Argument(help="The new title.")]
) -> None:
    """Change a namespace's title (its id, what bindings name, stays)."""
    api = connect()
    found = _find(api, namespace)
    api.put(f"/kv/namespaces/{seg(found['id'])}", {"title": title})
    out.print(f"Renamed KV namespace {found['title']} to {title}")


@namespaces.command("delete", epilog="Example: hearth kv namespace delete sessions --yes")
def delete_namespace(namespace: NamespaceRef, yes: Yes = False) -> None:
    """Delete a namespace and every key in it."""
    api = connect()
    found = _find(api, namespace)
    confirm(f"Delete KV namespace {found['title']} and all its keys?", yes)
    api.delete(f"/kv/namespaces/{seg(found['id'])}")
    out.print(f"Deleted KV namespace {found['title']}")


# -- keys -------------------------------------------------------------------------------------


@keys.command("put", epilog="Example: hearth kv key put greeting hello --binding CACHE")
def put_key(
    key: Key,
    value: Annotated[
        str | None, typer.Argument(help="The value (default: --path, or stdin).")
    ] = None,
    path: Annotated[
        Path | None, typer.Option("--path", help="Read the value from this file.")
    ] = None,
    ttl: Annotated[
        int | None, typer.Option("--ttl", help="Expire after this many seconds (≥ 60).")
    ] = None,
    expiration: Annotated[int | None, typer.Option(help="Expire at this epoch second.")] = None,
    metadata: Annotated[str | None, typer.Option(help="JSON metadata stored with the key.")] = None,
    namespace_id: NamespaceId = None,
    binding: Binding = None,
    env: Env = None,
    local: Local = False,
    persist_to: PersistTo = None,
    config: ConfigPath = Path("."),
) -> None:
    """Write a value (an argument, a file, or stdin)."""
    if value is not None and path is not None:
        raise CliError("give the value as an argument or --path, not both")
    if metadata is not None:
        try:
            json.loads(metadata)
        except json.JSONDecodeError as error:
            raise CliError(f"--metadata is not JSON: {error}") from None
    if value is not None:
        data = value.encode()
    elif path is not None:
        try:
            data = path.read_bytes()
        except OSError as error:
            raise CliError(f"cannot read {path}: {error.strerror}") from None
    elif sys.stdin.isatty():
        raise CliError("no value: give VALUE, --path FILE, or pipe it on stdin")
    else:
        data = sys.stdin.buffer.read()
    if local:
        at = expiration if ttl is None else int(time.time()) + ttl
        LocalKeys(binding, config, env, persist_to).put(key, data, at, metadata)
        out.print(f"Wrote {len(data)} bytes to {key} (local)")
        return
    api, ns = namespace_of(namespace_id, binding, config, env)
    params = {"expiration_ttl": ttl, "expiration": expiration, "metadata": metadata}
    api.request(
        "PUT",
        f"/kv/namespaces/{seg(ns)}/values/{seg(key)}",
        content=data,
        params={k: v for k, v in params.items() if v is not None},
    )
    out.print(f"Wrote {len(data)} bytes to {key}")


@keys.command(
    "get", epilog="Example: hearth kv key get greeting --namespace-id sessions > value.bin"
)
def get_key(
    key: Key,
    namespace_id: NamespaceId = None,
    binding: Binding = None,
    env: Env = None,
    local: Local = False,
    persist_to: PersistTo = None,
    config: ConfigPath = Path("."),
) -> None:
    """Write a key's value, raw bytes, to stdout."""
    if local:
        value = LocalKeys(binding, config, env, persist_to).get(key)
    else:
        api, ns = namespace_of(namespace_id, binding, config, env)
        value = api.request("GET", f"/kv/namespaces/{seg(ns)}/values/{seg(key)}").content
    sys.stdout.buffer.write(value)
    sys.stdout.buffer.flush()


@keys.command("list", epilog="Example: hearth kv key list --binding CACHE --prefix user: --json")
def list_keys(
    prefix: Annotated[str, typer.Option(help="Only keys starting with this.")] = "",
    limit: Annotated[int | None, typer.Option(min=1, help="At most this many keys.")] = None,
    namespace_id: NamespaceId = None,
    binding: Binding = None,
    env: Env = None,
    as_json: Json = False,
    local: Local = False,
    persist_to: PersistTo = None,
    config: ConfigPath = Path("."),
) -> None:
    """Keys of a namespace, in order, with expiration and metadata."""
    if local:
        found = LocalKeys(binding, config, env, persist_to).list(prefix, limit)
    else:
        found = _list_remote(namespace_id, binding, config, env, prefix, limit)
    columns = [
        ("KEY", lambda k: k["name"]),
        ("EXPIRES", lambda k: _expires(k.get("expiration"))),
        (
            "METADATA",
            lambda k: json.dumps(k["metadata"]) if k.get("metadata") is not None else None,
        ),
    ]
    show(found, as_json, lambda: table(found, columns, empty="no keys"))


def _expires(epoch: int | None) -> str | None:
    """Seconds since the epoch, as people read them (UTC); JSON keeps the number."""
    if epoch is None:
        return None
    return datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


def _list_remote(
    namespace_id: str | None,
    binding: str | None,
    config: Path,
    env: str | None,
    prefix: str,
    limit: int | None,
) -> list[dict[str, Any]]:
    api, ns = namespace_of(namespace_id, binding, config, env)
    found: list[dict[str, Any]] = []
    cursor = None
    while limit is None or len(found) < limit:
        page = api.get(
            f"/kv/namespaces/{seg(ns)}/keys",
            prefix=prefix,
            cursor=cursor,
            limit=min(1000, limit - len(found)) if limit else None,
        )
        found += page["keys"]
        cursor = page.get("cursor")
        if page["list_complete"] or not cursor:
            break
    return found


@keys.command("delete", epilog="Example: hearth kv key delete greeting --binding CACHE")
def delete_key(
    key: Key,
    namespace_id: NamespaceId = None,
    binding: Binding = None,
    env: Env = None,
    local: Local = False,
    persist_to: PersistTo = None,
    config: ConfigPath = Path("."),
) -> None:
    """Delete a key (deleting a missing key succeeds)."""
    if local:
        LocalKeys(binding, config, env, persist_to).delete(key)
        out.print(f"Deleted {key} (local)")
        return
    api, ns = namespace_of(namespace_id, binding, config, env)
    api.delete(f"/kv/namespaces/{seg(ns)}/values/{seg(key)}")
    out.print(f"Deleted {key}")
