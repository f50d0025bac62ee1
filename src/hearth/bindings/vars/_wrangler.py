"""`[version_metadata]` of a wrangler config: the one binding it declares. (`vars` are read by
the config package itself, beside the secrets of `.dev.vars` that override them.)"""

from __future__ import annotations

from collections.abc import Container
from dataclasses import dataclass
from typing import Any

from ...config import BindingSchema, KeyPath, Lookup, Source, fields
from ...runtime import BindingSpec
from .._type import WranglerBinding


@dataclass(frozen=True, slots=True)
class VersionMetadataConfig(WranglerBinding):
    binding: str

    @property
    def name(self) -> str:
        return self.binding

    def spec(self) -> BindingSpec:
        return BindingSpec(self.binding, "version_metadata")

    def describe(self, running: Container[str]) -> tuple[str, str, str]:
        return f"env.{self.binding}", "Worker Version Metadata", "local"


def _read(src: Source, lookup: Lookup) -> list[tuple[Any, KeyPath]]:
    found = lookup("version_metadata")
    if found is None:
        return []
    value, path = found
    container = fields.table(src, value, path)
    fields.warn_unknown(src, container, path, ("binding",))
    name = fields.required(src, container, "binding", path, fields.non_empty_string)
    return [(VersionMetadataConfig(name), (*path, "binding"))]


VERSION_METADATA_KEY = BindingSchema(("version_metadata",), _read)
