"""What a worker project's configuration says, once read, validated and resolved for one
environment. Field names follow wrangler's so that its documentation applies."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ._bindings import DeclaredBinding


@dataclass(frozen=True, slots=True)
class Route:
    pattern: str
    zone_name: str | None = None
    custom_domain: bool = False


@dataclass(frozen=True, slots=True)
class WorkerConfig:
    name: str
    config_path: Path
    root: Path
    main: Path
    compatibility_date: str | None = None
    compatibility_flags: list[str] = field(default_factory=list)
    # A string stays a string (a `plain_text` binding); anything else is a JSON value (a
    # `json` binding), as wrangler uploads them.
    vars: dict[str, str | Any] = field(default_factory=dict)
    # Local-only values from .dev.vars; where a name is both, the secret wins on `env`.
    secrets: dict[str, str] = field(default_factory=dict)
    # The other bindings, each read by its type's schema (in its folder of hearth.bindings),
    # in the order of the schemas and then of the file.
    bindings: list[DeclaredBinding] = field(default_factory=list)
    crons: list[str] = field(default_factory=list)
    routes: list[Route] = field(default_factory=list)
    # None = not said; wrangler then infers workers_dev from the absence of routes and
    # preview_urls from workers_dev, so the consumer decides.
    workers_dev: bool | None = None
    preview_urls: bool | None = None
    dependencies: list[str] = field(default_factory=list)
    legacy_env: bool = False
    env: str | None = None
    environments: list[str] = field(default_factory=list)
    limits: dict[str, int] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    @property
    def serves_workers_dev(self) -> bool:
        """workers_dev as wrangler resolves it: when not said, on unless the environment
        has routes. What `hearth deploy` sends as the environment's `workers_dev`."""
        return self.workers_dev if self.workers_dev is not None else not self.routes

    @property
    def serves_preview_urls(self) -> bool:
        """preview_urls as wrangler resolves it: when not said, the same as workers_dev."""
        return self.preview_urls if self.preview_urls is not None else self.serves_workers_dev
