"""The declarative description of what runs: a version and its bindings.

Kept apart from the machinery that runs it (the workerd model): the control plane and
`hearth dev` produce `VersionSpec`s; the runtime turns them into loaded versions.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass(frozen=True, slots=True)
class BindingSpec:
    """One name on `env`: its binding type and that type's settings."""

    name: str
    type: str  # "text", "json", "secret", "version_metadata", "kv", "service", ...
    value: Any = None
    settings: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class VersionSpec:
    """An immutable snapshot of an environment that the runtime can load and invoke."""

    id: str
    script_name: str
    root: Path  # the bundle's folder: the main module's folder, on the version's import path
    main_module: str  # path relative to `root`, e.g. "entry.py" or "app/main.py"
    environment: str = "production"
    account: str = "local"  # the isolation boundary: bindings reach only this account's services
    compatibility_date: str | None = None
    compatibility_flags: tuple[str, ...] = ()
    bindings: tuple[BindingSpec, ...] = ()
    number: int | None = None
    tag: str | None = None
    created_on: str | None = None
    root_shown_as: str = ""  # `root` as the user names it in messages (`hearth dev`: "src/")

    @property
    def uses_global_handlers(self) -> bool:
        """workerd's rule: module-level `on_fetch` handlers before 2025-08-14, `Default` after."""
        flags = self.compatibility_flags
        if "disable_python_no_global_handlers" in flags:
            return True
        if "python_no_global_handlers" in flags:
            return False
        return self.compatibility_date is not None and self.compatibility_date < "2025-08-14"
