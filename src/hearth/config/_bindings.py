"""Bindings as wrangler spells them: vars, KV namespaces, services, Durable Objects (with
their migrations) and version metadata."""

from __future__ import annotations

from typing import Any

from . import _fields as f
from ._locate import KeyPath
from ._model import DurableObjectBinding, KVNamespaceBinding, Migration, ServiceBinding
from ._source import Source, format_key

# `remote` is wrangler's switch for using the deployed resource during `wrangler dev`;
# Hearth's dev server always uses local ones, so it is accepted and has no effect.
_KV_FIELDS = ("binding", "id", "preview_id", "remote")
_SERVICE_FIELDS = ("binding", "service", "environment", "entrypoint", "remote")
_DO_FIELDS = ("name", "class_name", "script_name", "environment")
_MIGRATION_FIELDS = (
    *("tag", "new_classes", "new_sqlite_classes", "renamed_classes", "deleted_classes"),
    "transferred_classes",
)


def read_vars(src: Source, value: object, path: KeyPath) -> dict[str, Any]:
    return {
        name: item if isinstance(item, str) else f.json_value(src, item, (*path, name))
        for name, item in f.table(src, value, path).items()
    }


def read_kv_namespaces(src: Source, value: object, path: KeyPath) -> list[KVNamespaceBinding]:
    bindings = []
    for i, entry in _entries(src, value, path):
        where = (*path, i)
        f.warn_unknown(src, entry, where, _KV_FIELDS)
        bindings.append(
            KVNamespaceBinding(
                binding=f.required(src, entry, "binding", where, f.non_empty_string),
                id=f.optional(src, entry, "id", where, f.non_empty_string),
                preview_id=f.optional(src, entry, "preview_id", where, f.non_empty_string),
            )
        )
    return bindings


def read_services(src: Source, value: object, path: KeyPath) -> list[ServiceBinding]:
    bindings = []
    for i, entry in _entries(src, value, path):
        where = (*path, i)
        f.warn_unknown(src, entry, where, _SERVICE_FIELDS)
        bindings.append(
            ServiceBinding(
                binding=f.required(src, entry, "binding", where, f.non_empty_string),
                service=f.required(src, entry, "service", where, f.non_empty_string),
                environment=f.optional(src, entry, "environment", where, f.non_empty_string),
                entrypoint=f.optional(src, entry, "entrypoint", where, f.non_empty_string),
            )
        )
    return bindings


def read_durable_objects(src: Source, value: object, path: KeyPath) -> list[DurableObjectBinding]:
    """`[durable_objects] bindings = [...]`: the table exists only to hold the list."""
    container = f.table(src, value, path)
    f.warn_unknown(src, container, path, ("bindings",))
    if "bindings" not in container:
        return []
    bindings = []
    for i, entry in _entries(src, container["bindings"], (*path, "bindings")):
        where = (*path, "bindings", i)
        f.warn_unknown(src, entry, where, _DO_FIELDS)
        bindings.append(
            DurableObjectBinding(
                name=f.required(src, entry, "name", where, f.non_empty_string),
                class_name=f.required(src, entry, "class_name", where, f.non_empty_string),
                script_name=f.optional(src, entry, "script_name", where, f.non_empty_string),
                environment=f.optional(src, entry, "environment", where, f.non_empty_string),
            )
        )
    return bindings


def read_version_metadata(src: Source, value: object, path: KeyPath) -> str:
    container = f.table(src, value, path)
    f.warn_unknown(src, container, path, ("binding",))
    return f.required(src, container, "binding", path, f.non_empty_string)


def read_migrations(src: Source, value: object, path: KeyPath) -> list[Migration]:
    migrations: list[Migration] = []
    for i, entry in _entries(src, value, path):
        where = (*path, i)
        f.warn_unknown(src, entry, where, _MIGRATION_FIELDS)
        if "transferred_classes" in entry:
            src.warn((*where, "transferred_classes"), "not supported by Hearth, ignored")
        tag = f.required(src, entry, "tag", where, f.non_empty_string)
        if any(m.tag == tag for m in migrations):
            raise src.error((*where, "tag"), f'duplicate migration tag "{tag}"')
        migrations.append(
            Migration(
                tag=tag,
                new_classes=f.optional(src, entry, "new_classes", where, f.string_list) or [],
                new_sqlite_classes=(
                    f.optional(src, entry, "new_sqlite_classes", where, f.string_list) or []
                ),
                renamed_classes=_renames(src, entry, where),
                deleted_classes=(
                    f.optional(src, entry, "deleted_classes", where, f.string_list) or []
                ),
            )
        )
    return migrations


def _renames(src: Source, entry: dict[str, Any], path: KeyPath) -> list[tuple[str, str]]:
    renames = []
    for i, rename in _entries(src, entry.get("renamed_classes", []), (*path, "renamed_classes")):
        where = (*path, "renamed_classes", i)
        f.warn_unknown(src, rename, where, ("from", "to"))
        old = f.required(src, rename, "from", where, f.non_empty_string)
        renames.append((old, f.required(src, rename, "to", where, f.non_empty_string)))
    return renames


def check_unique_names(src: Source, names: list[tuple[str, KeyPath]]) -> None:
    """Every binding is an attribute of `env`: two with one name would hide each other."""
    seen: dict[str, KeyPath] = {}
    for name, path in names:
        if name in seen:
            raise src.error(
                path, f'binding name "{name}" is already used by {format_key(seen[name])}'
            )
        seen[name] = path


def check_durable_object_classes(
    src: Source, bindings: list[tuple[DurableObjectBinding, KeyPath]], migrations: list[Migration]
) -> None:
    """A class this worker exports must be created by a migration (wrangler warns too)."""
    local = [(b, path) for b, path in bindings if b.script_name is None]
    if not local:
        return
    if not migrations:
        src.warn(
            local[0][1],
            "Durable Objects defined by this worker need a [[migrations]] entry "
            "with new_sqlite_classes (or new_classes) creating their class",
        )
        return
    live: set[str] = set()
    for migration in migrations:
        live.update(migration.new_classes, migration.new_sqlite_classes)
        for old, new in migration.renamed_classes:
            live.discard(old)
            live.add(new)
        live.difference_update(migration.deleted_classes)
    for binding, path in local:
        if binding.class_name not in live:
            src.warn(
                (*path, "class_name"),
                f'class "{binding.class_name}" is not created by any migration',
            )


def _entries(src: Source, value: object, path: KeyPath) -> list[tuple[int, dict[str, Any]]]:
    return [(i, f.table(src, item, (*path, i))) for i, item in enumerate(f.array(src, value, path))]
