"""`[[services]]` of a wrangler config: how the entries read, and the binding they make."""

from __future__ import annotations

from collections.abc import Container
from dataclasses import dataclass
from typing import Any

from ...config import BindingSchema, KeyPath, Lookup, Source, fields
from ...runtime import BindingSpec
from .._type import WranglerBinding

# `remote`: wrangler dev's switch for the deployed service; Hearth's dev always runs local.
_FIELDS = ("binding", "service", "environment", "entrypoint", "remote")


@dataclass(frozen=True, slots=True)
class ServiceConfig(WranglerBinding):
    binding: str
    service: str
    # Deprecated in wrangler (service environments), but it is exactly Hearth's model: which
    # environment of the target service to call. None leaves the choice to the platform: the
    # target's production on a server, the environment its dev session runs in `hearth dev`.
    environment: str | None = None
    entrypoint: str | None = None

    @property
    def name(self) -> str:
        return self.binding

    def spec(self) -> BindingSpec:
        settings: dict[str, Any] = {"service": self.service}
        if self.environment:
            settings["environment"] = self.environment
        if self.entrypoint:
            settings["entrypoint"] = self.entrypoint
        return BindingSpec(self.binding, "service", settings=settings)

    def describe(self, running: Container[str]) -> tuple[str, str, str]:
        target = self.service + (f"@{self.environment}" if self.environment else "")
        mode = "local" if self.service in running else "not connected"
        return f"env.{self.binding} ({target})", "Worker", mode


def _read(src: Source, lookup: Lookup) -> list[tuple[Any, KeyPath]]:
    bindings: list[tuple[Any, KeyPath]] = []
    for entry, where in fields.entries_of(src, lookup("services"), _FIELDS):
        text = fields.non_empty_string
        binding = ServiceConfig(
            binding=fields.required(src, entry, "binding", where, text),
            service=fields.required(src, entry, "service", where, text),
            environment=fields.optional(src, entry, "environment", where, text),
            entrypoint=fields.optional(src, entry, "entrypoint", where, text),
        )
        bindings.append((binding, (*where, "binding")))
    return bindings


SERVICES = BindingSchema(("services",), _read)
