"""`hearth kv bulk put|get|delete FILE`: many keys at once, in wrangler's file formats.

put: a JSON array of `{"key", "value", "expiration"?, "expiration_ttl"?, "metadata"?,
"base64"?}`, written in one request (all or nothing); get and delete: a JSON array of keys (or
of objects with a `key`, so put's file works too)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer

from ._client import seg
from ._errors import CliError
from ._kv import Binding, NamespaceId, namespace_of
from ._output import out, print_json
from ._prompts import Yes, confirm
from ._target import ConfigPath, Env

__all__ = ["bulk"]

bulk = typer.Typer(help="Many keys at once: put, get, delete (JSON files).", no_args_is_help=True)

File = Annotated[Path, typer.Argument(help="A JSON file (see hearth kv bulk --help).")]


def _read(file: Path) -> list[Any]:
    try:
        data = json.loads(file.read_text(encoding="utf-8"))
    except OSError as error:
        raise CliError(f"cannot read {file}: {error.strerror}") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise CliError(f"{file}: not JSON: {error}") from None
    if not isinstance(data, list):
        raise CliError(f"{file}: give a JSON array")
    return data


def _keys(file: Path) -> list[str]:
    keys = [item.get("key") if isinstance(item, dict) else item for item in _read(file)]
    bad = next((i for i, key in enumerate(keys) if not isinstance(key, str)), None)
    if bad is not None:
        raise CliError(f"{file}: item {bad} is not a key (a string, or an object with a key)")
    return [str(key) for key in keys]


@bulk.command("put", epilog="Example: hearth kv bulk put data.json --binding CACHE")
def put_bulk(
    file: File,
    namespace_id: NamespaceId = None,
    binding: Binding = None,
    env: Env = None,
    config: ConfigPath = Path("."),
) -> None:
    """Write every pair of the file in one request; one bad pair writes nothing."""
    pairs = _read(file)
    api, ns = namespace_of(namespace_id, binding, config, env)
    done = api.put(f"/kv/namespaces/{seg(ns)}/bulk", pairs)
    out.print(f"Wrote {done['successful_key_count']} keys")


@bulk.command("get", epilog="Example: hearth kv bulk get keys.json --binding CACHE")
def get_bulk(
    file: File,
    namespace_id: NamespaceId = None,
    binding: Binding = None,
    env: Env = None,
    config: ConfigPath = Path("."),
) -> None:
    """Print a JSON object of key → value (text; null for a missing key)."""
    keys = _keys(file)
    api, ns = namespace_of(namespace_id, binding, config, env)
    values: dict[str, str | None] = {}
    for key in keys:
        try:
            values[key] = api.request("GET", f"/kv/namespaces/{seg(ns)}/values/{seg(key)}").text
        except CliError as error:
            if error.status != 404:
                raise
            values[key] = None
    print_json(values)


@bulk.command("delete", epilog="Example: hearth kv bulk delete keys.json --binding CACHE --yes")
def delete_bulk(
    file: File,
    namespace_id: NamespaceId = None,
    binding: Binding = None,
    env: Env = None,
    yes: Yes = False,
    config: ConfigPath = Path("."),
) -> None:
    """Delete every key of the file (missing keys are no error)."""
    keys = _keys(file)
    api, ns = namespace_of(namespace_id, binding, config, env)
    confirm(f"Delete {len(keys)} keys?", yes)
    done = api.post(f"/kv/namespaces/{seg(ns)}/bulk/delete", keys)
    out.print(f"Deleted {done['successful_key_count']} keys")
