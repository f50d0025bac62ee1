"""`hearth deploy` and `hearth versions upload`: bundle a project, send it as a version.

`[env.NAME]` blocks deploy to environment NAME of the same service; with `legacy_env = true`
they deploy to a separate service `<name>-NAME` (its production), as wrangler does.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TransferSpeedColumn

from ._bundle import Bundle, collect, git_commit
from ._client import Api, connect, seg
from ._errors import CliError
from ._output import err, out
from ._routes import sync_routes
from ._target import ConfigPath, Env, Target, load_project

if TYPE_CHECKING:
    from ..config import WorkerConfig

__all__ = ["deploy", "upload"]

#: Uploads larger than this show a progress bar.
PROGRESS_BYTES = 256 * 1024
_CHUNK = 64 * 1024

Message = Annotated[
    str | None, typer.Option("--message", "-m", help="Why (at most 100 characters).")
]
Tag = Annotated[str | None, typer.Option("--tag", help="A label, e.g. v1.2 (at most 25).")]
DryRun = Annotated[
    bool, typer.Option("--dry-run", help="Bundle and show what would be sent; send nothing.")
]


def deploy(
    env: Env = None,
    message: Message = None,
    tag: Tag = None,
    dry_run: DryRun = False,
    config: ConfigPath = Path("."),
) -> None:
    """Bundle the project and deploy it as a new version at 100 %."""
    _ship(config, env, message, tag, dry_run, deploy=True)


def upload(
    env: Env = None,
    message: Message = None,
    tag: Tag = None,
    dry_run: DryRun = False,
    config: ConfigPath = Path("."),
) -> None:
    """Bundle the project and upload it as a new version, without deploying it."""
    _ship(config, env, message, tag, dry_run, deploy=False)


def _ship(
    path: Path, env: str | None, message: str | None, tag: str | None, dry: bool, *, deploy: bool
) -> None:
    project = load_project(path, env, bindings=True)
    for warning in project.warnings:
        err.print(f"warning: {warning}")
    if project.dependencies:
        # The API takes code only: packages are the server's environment, as in `hearth dev`.
        err.print(
            "note: pyproject.toml dependencies are not uploaded; the server must have them "
            f"installed: {', '.join(project.dependencies)}"
        )
    target = Target(project.name, "production" if project.legacy_env or not env else env)
    bundle = collect(project.root, project.main)
    _check_size(bundle)
    metadata: dict[str, Any] = {
        "main_module": bundle.main_module,
        "compatibility_date": project.compatibility_date,
        "compatibility_flags": list(project.compatibility_flags),
        "vars": dict(project.vars),
        "message": message,
        "tag": tag,
        "git_commit": git_commit(project.root),
        "deploy": deploy,
    }
    if dry:
        metadata["bindings"] = _bindings(project, None)
        _describe(target, bundle, metadata)
        return
    api = connect()
    # Before the service is created: a binding naming what does not exist leaves nothing behind.
    metadata["bindings"] = _bindings(project, api)
    _ensure(
        api, target, private=target.environment == "production" and project.workers_dev is False
    )
    _visibility(api, target, project)
    change = _send(api, target, bundle, metadata)
    if deploy and project.routes:
        sync_routes(api, target.service, target.environment, project.routes)
    if deploy and project.crons:
        # Crons belong to the environment, outside versions (as on Cloudflare): set with code.
        api.put(f"{target.path}/triggers", {"crons": list(project.crons)})
        err.print(f"Schedules: {', '.join(project.crons)}")
    version = change["version"]
    environment = api.get(target.path)
    verb = "Deployed" if deploy else "Uploaded"
    out.print(f"{verb} {target} version {version['number']} ({version['id']})")
    out.print(f"  version URL:     {version['preview_url'] or '(none: the service is private)'}")
    if deploy:
        out.print(
            f"  environment URL: {environment['url'] or '(none: private, or workers_dev is off)'}"
        )
    else:
        out.print(
            f"  deploy it with: hearth versions deploy {version['number']}@100 "
            f"--name {target.service} --env {target.environment}"
        )


def _describe(target: Target, bundle: Bundle, metadata: dict[str, Any]) -> None:
    out.print(f"Dry run: would {'deploy' if metadata['deploy'] else 'upload'} to {target}")
    out.print(f"  main module: {bundle.main_module} (root {bundle.root})")
    for name, data in bundle.files.items():
        out.print(f"  {name}  {len(data)} bytes")
    out.print(f"  total: {len(bundle.files)} files, {bundle.size} bytes")
    shown = {k: v for k, v in metadata.items() if k not in ("main_module", "deploy")}
    out.print(json.dumps(shown, indent=2))


def _check_size(bundle: Bundle) -> None:
    """The server's limit, checked before a large bundle is sent only to be refused."""
    from ..store import MAX_BUNDLE_BYTES

    if bundle.size > MAX_BUNDLE_BYTES:
        raise CliError(
            f"the bundle is {_mib(bundle.size)} ({len(bundle.files)} files under "
            f"{bundle.root}); the limit is {_mib(MAX_BUNDLE_BYTES)}"
        )


def _mib(size: int) -> str:
    return f"{size / 2**20:.1f} MiB"


def _ensure(api: Api, target: Target, *, private: bool) -> None:
    """Create the service (and the environment) when missing, saying so."""
    service = f"/services/{seg(target.service)}"
    if not api.exists(service):
        api.post("/services", {"name": target.service, "private": private})
        err.print(f"Created service {target.service}{' (private)' if private else ''}")
    if not api.exists(target.path):
        api.post(f"{service}/environments", {"name": target.environment})
        err.print(f"Created environment {target.environment} of service {target.service}")


def _visibility(api: Api, target: Target, project: WorkerConfig) -> None:
    """`workers_dev = false` on production makes the service private (bindings only); an
    environment otherwise follows workers_dev / preview_urls as wrangler resolves them."""
    service = api.get(f"/services/{seg(target.service)}")
    private = service["private"]
    if target.environment == "production" and private != (project.workers_dev is False):
        private = project.workers_dev is False
        api.patch(f"/services/{seg(target.service)}", {"private": private})
        err.print(f"Service {target.service} is now {'private' if private else 'public'}")
    if private:  # no hostnames at all: nothing more to say about them
        return
    env = api.get(target.path)
    wanted = {
        "workers_dev": project.serves_workers_dev,
        "preview_urls": project.serves_preview_urls,
    }
    if any(env[key] != value for key, value in wanted.items()):
        api.patch(target.path, wanted)


def _bindings(project: WorkerConfig, api: Api | None) -> list[dict[str, Any]]:
    """The config's bindings as the API's specs, each made by its type (`api` None: a dry
    run, nothing looked up or created)."""
    from ..bindings import BindingError, declared_bindings

    account = _ListedOnce(api) if api is not None else None
    try:
        return [binding.upload(account, err.print) for binding in declared_bindings(project)]
    except BindingError as error:
        raise CliError(str(error)) from None


class _ListedOnce:
    """The API as bindings resolve against it: each listing fetched once per deploy (three
    KV bindings read `/kv/namespaces` once), fetched again after something was created."""

    def __init__(self, api: Api) -> None:
        self._api = api
        self._lists: dict[str, list[dict[str, Any]]] = {}

    def items(self, path: str) -> list[dict[str, Any]]:
        if path not in self._lists:
            self._lists[path] = self._api.items(path)
        return self._lists[path]

    def post(self, path: str, body: Any = None) -> Any:
        self._lists.clear()
        return self._api.post(path, body)


def _send(api: Api, target: Target, bundle: Bundle, metadata: dict[str, Any]) -> dict[str, Any]:
    parts: list[tuple[str, tuple[str | None, str | bytes, str]]] = [
        ("metadata", (None, json.dumps(metadata), "application/json"))
    ]
    parts += [
        (name, (name, data, "application/octet-stream")) for name, data in bundle.files.items()
    ]
    request = api.http.build_request("POST", f"{target.path}/versions", files=parts)
    body = request.read()
    if len(body) > PROGRESS_BYTES:
        request = api.http.build_request(
            "POST",
            f"{target.path}/versions",
            content=_with_progress(body),
            headers={
                "content-type": request.headers["content-type"],
                "content-length": str(len(body)),
            },
        )
    return api.send(request).json()


def _with_progress(body: bytes) -> Iterator[bytes]:
    columns = (
        TextColumn("{task.description}"),  # markup is off on the stderr console
        BarColumn(),
        DownloadColumn(),
        TransferSpeedColumn(),
    )
    with Progress(*columns, console=err, transient=True) as progress:
        task = progress.add_task("Uploading", total=len(body))
        for start in range(0, len(body), _CHUNK):
            chunk = body[start : start + _CHUNK]
            yield chunk
            progress.advance(task, len(chunk))
