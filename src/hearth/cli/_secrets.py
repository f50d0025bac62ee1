"""`hearth secret put|list|delete|bulk`: secrets of an environment. Each change is a new
version, deployed at once (as `wrangler secret put`); values are never printed."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer

from ._client import connect, seg
from ._errors import CliError
from ._output import Json, out, show, table
from ._prompts import Yes, confirm, read_secret
from ._target import ConfigPath, Env, Name, resolve

__all__ = ["secrets"]

secrets = typer.Typer(
    help="Secrets of an environment: put, list, delete, bulk.", no_args_is_help=True
)

SecretName = Annotated[str, typer.Argument(help="The secret's name (a Python identifier).")]
Deploy = Annotated[
    bool,
    typer.Option(
        "--deploy/--no-deploy",
        help="Deploy the new version at once (--no-deploy: only make it, as "
        "wrangler versions secret put).",
    ),
]


def _change(method: str, path: str, body: Any, deploy: bool) -> dict[str, Any]:
    try:
        return connect().request(method, path, json=body, params={"deploy": deploy}).json()
    except CliError as error:
        if error.code == "nothing_deployed":
            raise CliError(
                str(error).replace("make the change without deploying it", "pass --no-deploy")
            ) from None
        raise


def _made(change: dict[str, Any]) -> str:
    verb = "deployed" if change["deployment"] else "made, not deployed"
    return f"version {change['version']['number']} {verb}"


@secrets.command("put", epilog="Example: echo -n s3cret | hearth secret put API_KEY --env staging")
def put_secret(
    key: SecretName,
    name: Name = None,
    env: Env = None,
    deploy: Deploy = True,
    config: ConfigPath = Path("."),
) -> None:
    """Set a secret; the value comes from a hidden prompt, or stdin when piped."""
    target = resolve(name, env, config)
    value = read_secret(f"Value of {key}")
    change = _change("PUT", f"{target.path}/secrets/{seg(key)}", {"text": value}, deploy)
    out.print(f"Secret {key} set on {target}: {_made(change)}")


@secrets.command("list", epilog="Example: hearth secret list --json")
def list_secrets(
    name: Name = None, env: Env = None, as_json: Json = False, config: ConfigPath = Path(".")
) -> None:
    """Names of the environment's secrets (values are write-only)."""
    target = resolve(name, env, config)
    items = connect().items(f"{target.path}/secrets")
    show(
        items,
        as_json,
        lambda: table(items, [("SECRET", lambda s: s["name"])], empty=f"{target} has no secrets"),
    )


@secrets.command("delete", epilog="Example: hearth secret delete API_KEY --env staging")
def delete_secret(
    key: SecretName,
    name: Name = None,
    env: Env = None,
    deploy: Deploy = True,
    yes: Yes = False,
    config: ConfigPath = Path("."),
) -> None:
    """Delete a secret: a new version without it, deployed."""
    target = resolve(name, env, config)
    confirm(f"Delete secret {key} from {target}?", yes)
    change = _change("DELETE", f"{target.path}/secrets/{seg(key)}", None, deploy)
    out.print(f"Secret {key} deleted from {target}: {_made(change)}")


def read_bulk(file: Path) -> dict[str, str | None]:
    """A JSON object of name → value (null deletes), or a .env file of NAME=value lines."""
    from ..config import parse_dotenv

    try:
        text = file.read_text(encoding="utf-8-sig")
    except OSError as error:
        raise CliError(f"cannot read {file}: {error.strerror}") from None
    if text.lstrip().startswith("{"):
        try:
            data = json.loads(text)
        except json.JSONDecodeError as error:
            raise CliError(f"{file}: invalid JSON: {error}") from None
        bad = [k for k, v in data.items() if v is not None and not isinstance(v, str)]
        if bad:
            raise CliError(f"{file}: the value of {bad[0]!r} is not a string (or null, to delete)")
        return data
    values, skipped = parse_dotenv(text)
    if skipped:
        raise CliError(f"{file}:{skipped[0]}: not a NAME=value line")
    return dict(values)


@secrets.command("bulk", epilog="Example: hearth secret bulk secrets.json --env staging")
def bulk_secrets(
    file: Annotated[Path, typer.Argument(help="JSON object (null deletes a secret) or .env file.")],
    name: Name = None,
    env: Env = None,
    deploy: Deploy = True,
    config: ConfigPath = Path("."),
) -> None:
    """Set (and delete) several secrets in one version."""
    target = resolve(name, env, config)
    changes = read_bulk(file)
    if not changes:
        raise CliError(f"{file} holds no secrets")
    change = _change("PATCH", f"{target.path}/secrets", changes, deploy)
    out.print(f"{len(changes)} secret(s) changed on {target}: {_made(change)}")
