"""Which service and environment a command acts on: `--name`/`--env`, or the wrangler
config of the project in the current directory (as wrangler does)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from ._errors import CliError

if TYPE_CHECKING:
    from ..config import WorkerConfig

__all__ = ["ConfigPath", "Env", "Name", "Target", "load_project", "resolve"]

Name = Annotated[
    str | None,
    typer.Option("--name", "-n", help="The service (default: the project's wrangler config)."),
]
Env = Annotated[
    str | None,
    typer.Option("--env", "-e", help="The environment (default: production)."),
]
ConfigPath = Annotated[
    Path,
    typer.Option("--config", "-c", help="Project directory or wrangler config file."),
]


@dataclass(frozen=True, slots=True)
class Target:
    service: str
    environment: str

    @property
    def path(self) -> str:
        from ._client import seg

        return f"/services/{seg(self.service)}/environments/{seg(self.environment)}"

    def __str__(self) -> str:
        return f"{self.service} ({self.environment})"


def load_project(path: Path, env: str | None, *, bindings: bool = False) -> WorkerConfig:
    """The project's config; with `bindings`, its bindings read too (each by its type's
    folder, which costs importing them all: only deploy and `--binding` ask)."""
    from ..config import ConfigError, load_config

    try:
        if not bindings:
            return load_config(path, env)
        from ..bindings import wrangler_schemas

        return load_config(path, env, bindings=wrangler_schemas())
    except ConfigError as error:
        raise CliError(str(error)) from None


def resolve(name: str | None, env: str | None, config: Path = Path(".")) -> Target:
    """`--name` wins; else the config's name. With `legacy_env = true` an environment is its
    own service `<name>-<env>`, deployed as that service's production."""
    if name:
        return Target(name, env or "production")
    from ..config import ConfigError, find_config

    try:
        find_config(config)
    except ConfigError:
        raise CliError(
            f"which service? pass --name SERVICE or run this in a project directory "
            f"(no wrangler config in {config.resolve()})"
        ) from None
    # The name is the top level's: `--env` needs no [env.X] block, as the server's
    # environments are the truth. Only legacy_env derives the service from the environment.
    project = load_project(config, None)
    if project.legacy_env and env:
        return Target(load_project(config, env).name, "production")
    return Target(project.name, env or "production")
