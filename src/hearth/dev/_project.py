"""A local worker project: its config, turned into a loadable version, reloaded on change."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from ..bindings import declared_bindings, wrangler_schemas
from ..bindings.vars import value_specs
from ..config import ConfigError, WorkerConfig, load_config, missing_dependencies
from ..fetch import Response
from ..runtime import LoadError, Runtime, VersionSpec

_dev_versions = itertools.count(1)


def version_spec_from_config(config: WorkerConfig, version_id: str) -> VersionSpec:
    bindings = value_specs(config.vars, config.secrets)
    bindings += [binding.spec() for binding in declared_bindings(config)]
    return VersionSpec(
        id=version_id,
        script_name=config.name,
        environment=config.env or "production",
        root=config.main.parent,
        main_module=config.main.name,
        compatibility_date=config.compatibility_date,
        compatibility_flags=tuple(config.compatibility_flags),
        bindings=tuple(bindings),
        created_on=datetime.now(UTC).isoformat(),
        root_shown_as=_shown_as(config.main.parent, config.root),
    )


def _shown_as(folder: Path, project: Path) -> str:
    """`src/`: how messages name the main module's folder, from the project folder."""
    try:
        relative = folder.relative_to(project)
    except ValueError:
        return f"{folder}/"
    return "" if relative == Path() else f"{relative}/"


def load_project_config(path: Path, env: str | None = None) -> WorkerConfig:
    """The project's config with its bindings, each read by its type's folder."""
    return load_config(path, env, bindings=wrangler_schemas())


@dataclass(slots=True)
class LoadFailure:
    """Why the project does not run right now; served as the error page until the next save."""

    title: str
    detail: str

    def response(self) -> Response:
        body = f"{self.title}\n\n{self.detail}".rstrip() + "\n"
        return Response(body, status=500, headers={"content-type": "text/plain;charset=UTF-8"})


class DevProject:
    """One project directory (or config file) served by `hearth dev`."""

    def __init__(self, path: Path, env: str | None, runtime: Runtime) -> None:
        self.path = path
        self.env = env
        self.runtime = runtime
        self.config: WorkerConfig | None = None
        self.current: str | LoadFailure = LoadFailure("not loaded yet", "")
        self.warnings: list[str] = []

    @property
    def root(self) -> Path:
        return (
            self.config.root
            if self.config
            else (self.path if self.path.is_dir() else self.path.parent)
        )

    # A project is its own deployment: one version, the last one that loaded
    # (`ServiceTarget` of hearth.bindings.services).
    @property
    def deployment(self) -> DevProject:
        return self

    def pick(self, raw_headers: list[tuple[bytes, bytes]]) -> str:
        current = self.current
        if type(current) is str:
            return current
        name = self.config.name if self.config else self.path.name
        raise RuntimeError(f"service {name!r} does not load in this dev session: {current.title}")

    @property
    def environment(self) -> str:
        """The environment of its service this project runs (what bindings to it target)."""
        return (self.config.env if self.config else None) or "production"

    def read_config(self) -> WorkerConfig | None:
        """Read the config alone: `hearth dev` knows every project's service name before it
        loads any, so bindings between local projects resolve whatever their order."""
        try:
            self.config = load_project_config(self.path, self.env)
        except ConfigError:
            pass  # reported by reload()
        return self.config

    async def reload(self) -> str | LoadFailure:
        """Load the project afresh; the old version keeps no traffic after this returns."""
        previous = self.current
        try:
            config = load_project_config(self.path, self.env)
        except ConfigError as error:
            self.current = LoadFailure(f"Configuration error: {error}", "")
        else:
            self.config = config
            self.warnings = list(config.warnings)
            missing = missing_dependencies(config.dependencies)
            if missing:
                self.warnings.append(
                    "pyproject.toml dependencies not installed: "
                    + ", ".join(missing)
                    + " (pip install them into Hearth's environment)"
                )
            spec = version_spec_from_config(config, f"dev-{next(_dev_versions)}")
            try:
                await self.runtime.load(spec)
            except LoadError as error:
                self.current = LoadFailure(f"Error loading worker: {error}", error.traceback)
            except Exception as error:  # a binding that cannot be built: the config's fault
                self.current = LoadFailure(f"Error loading worker: {error}", "")
            else:
                self.current = spec.id
        if isinstance(previous, str) and previous != self.current:
            await self.runtime.unload(previous)
        return self.current
