"""`[durable_objects] bindings` and `[[migrations]]` of a wrangler config: how they read, and
the binding each entry makes (one to the worker's own class carries the migrations, which
are checked when the version loads)."""

from __future__ import annotations

from collections.abc import Container
from dataclasses import dataclass, field
from typing import Any

from ...config import BindingSchema, KeyPath, Lookup, Source, fields
from ...runtime import BindingSpec
from .._type import WranglerBinding
from ._migrations import MigrationError, live_classes

_FIELDS = ("name", "class_name", "script_name", "environment")
_MIGRATION_FIELDS = (
    *("tag", "new_classes", "new_sqlite_classes", "renamed_classes", "deleted_classes"),
    "transferred_classes",
)


@dataclass(frozen=True, slots=True)
class Migration:
    tag: str
    new_classes: list[str] = field(default_factory=list)
    new_sqlite_classes: list[str] = field(default_factory=list)
    renamed_classes: list[tuple[str, str]] = field(default_factory=list)
    deleted_classes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """As a binding's settings carry it (the API's shape)."""
        return {
            "tag": self.tag,
            "new_classes": list(self.new_classes),
            "new_sqlite_classes": list(self.new_sqlite_classes),
            "renamed_classes": [{"from": old, "to": new} for old, new in self.renamed_classes],
            "deleted_classes": list(self.deleted_classes),
        }


@dataclass(frozen=True, slots=True)
class DurableObjectConfig(WranglerBinding):
    name: str
    class_name: str
    # None = the class is defined by this worker itself.
    script_name: str | None = None
    environment: str | None = None
    # The worker's migrations (inherited by every environment), for a binding to its own class.
    migrations: tuple[Migration, ...] = ()

    def spec(self) -> BindingSpec:
        settings: dict[str, Any] = {"class_name": self.class_name}
        if self.script_name:
            settings["script_name"] = self.script_name
            if self.environment:
                settings["environment"] = self.environment
        else:
            settings["migrations"] = [m.to_dict() for m in self.migrations]
        return BindingSpec(self.name, "durable_object", settings=settings)

    def describe(self, running: Container[str]) -> tuple[str, str, str]:
        where = f", defined in {self.script_name}" if self.script_name else ""
        return f"env.{self.name} ({self.class_name}{where})", "Durable Object", "local"


def _read(src: Source, lookup: Lookup) -> list[tuple[Any, KeyPath]]:
    found_migrations = lookup("migrations")
    migrations = () if found_migrations is None else _migrations(src, *found_migrations)
    found = lookup("durable_objects")
    if found is None:
        return []
    value, path = found
    container = fields.table(src, value, path)  # the table exists only to hold the list
    fields.warn_unknown(src, container, path, ("bindings",))
    if "bindings" not in container:
        return []
    bindings: list[tuple[Any, KeyPath]] = []
    text = fields.non_empty_string
    for i, entry in fields.entries(src, container["bindings"], (*path, "bindings")):
        where = (*path, "bindings", i)
        fields.warn_unknown(src, entry, where, _FIELDS)
        binding = DurableObjectConfig(
            name=fields.required(src, entry, "name", where, text),
            class_name=fields.required(src, entry, "class_name", where, text),
            script_name=fields.optional(src, entry, "script_name", where, text),
            environment=fields.optional(src, entry, "environment", where, text),
            migrations=migrations,
        )
        bindings.append((binding, (*where, "name")))
    _check_classes(src, bindings, migrations, found_migrations)
    return bindings


def _migrations(src: Source, value: object, path: KeyPath) -> tuple[Migration, ...]:
    migrations: list[Migration] = []
    for i, entry in fields.entries(src, value, path):
        where = (*path, i)
        fields.warn_unknown(src, entry, where, _MIGRATION_FIELDS)
        if "transferred_classes" in entry:
            src.warn((*where, "transferred_classes"), "not supported by Hearth, ignored")
        tag = fields.required(src, entry, "tag", where, fields.non_empty_string)
        if any(m.tag == tag for m in migrations):
            raise src.error((*where, "tag"), f'duplicate migration tag "{tag}"')
        names = fields.string_list
        migrations.append(
            Migration(
                tag=tag,
                new_classes=fields.optional(src, entry, "new_classes", where, names) or [],
                new_sqlite_classes=(
                    fields.optional(src, entry, "new_sqlite_classes", where, names) or []
                ),
                renamed_classes=_renames(src, entry, where),
                deleted_classes=fields.optional(src, entry, "deleted_classes", where, names) or [],
            )
        )
    return tuple(migrations)


def _renames(src: Source, entry: dict[str, Any], path: KeyPath) -> list[tuple[str, str]]:
    renames = []
    where_list = (*path, "renamed_classes")
    for i, rename in fields.entries(src, entry.get("renamed_classes", []), where_list):
        where = (*where_list, i)
        fields.warn_unknown(src, rename, where, ("from", "to"))
        old = fields.required(src, rename, "from", where, fields.non_empty_string)
        renames.append((old, fields.required(src, rename, "to", where, fields.non_empty_string)))
    return renames


def _check_classes(
    src: Source,
    bindings: list[tuple[Any, KeyPath]],
    migrations: tuple[Migration, ...],
    found_migrations: tuple[Any, KeyPath] | None,
) -> None:
    """A class this worker exports must be created by a migration (wrangler warns too; the
    load refuses it)."""
    local = [(b, path) for b, path in bindings if b.script_name is None]
    if not local:
        return
    if not migrations:
        src.warn(
            local[0][1][:-1],
            "Durable Objects defined by this worker need a [[migrations]] entry "
            "with new_sqlite_classes (or new_classes) creating their class",
        )
        return
    try:
        live = live_classes([m.to_dict() for m in migrations])
    except MigrationError as error:
        src.warn(found_migrations[1] if found_migrations else (), str(error))
        return
    for binding, path in local:
        if binding.class_name not in live:
            src.warn(
                (*path[:-1], "class_name"),
                f'class "{binding.class_name}" is not created by any migration',
            )


DURABLE_OBJECTS = BindingSchema(("durable_objects",), _read, inherited=("migrations",))
