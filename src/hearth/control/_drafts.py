"""A version about to be written, as the injected validator loads it before anything is
stored, and the validator's signature (the composition hands in the runtime's loader)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any


@dataclass(slots=True)
class VersionDraft:
    """What the validator loads: a version about to be written, secrets included."""

    id: str
    account_id: str
    service: str
    environment: str
    main_module: str
    files: dict[str, bytes]
    compatibility_date: str | None
    compatibility_flags: list[str]
    vars: dict[str, Any]
    bindings: list[dict[str, Any]]
    secrets: dict[str, str]


#: Loads a version the way the runtime will and returns its startup time in ms; raises if the
#: code does not load (the runtime's `LoadError`: message + `traceback`).
ValidateVersion = Callable[[VersionDraft], Awaitable[float]]
