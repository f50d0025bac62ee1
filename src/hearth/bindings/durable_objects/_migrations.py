"""Migrations: which Durable Object classes a worker's namespaces hold, and whether they agree.

wrangler's `[[migrations]]` (tags in order; each creates, renames or deletes classes). A
version is refused when its migrations contradict themselves (a class created twice, renamed
or deleted before it exists), when they undo what the environment's deployed migrations did
(a tag missing or changed), or when a binding to one of its own classes names a class that no
migration creates.
"""

from __future__ import annotations

from typing import Any


class MigrationError(ValueError):
    """Migrations that do not add up; the message names the tag and the class."""


def live_classes(migrations: list[dict[str, Any]]) -> set[str]:
    """The classes that exist after applying `migrations` in order."""
    live: set[str] = set()
    tags: set[str] = set()
    for migration in migrations:
        tag = migration.get("tag")
        if not isinstance(tag, str) or not tag:
            raise MigrationError(f"migration {migration!r} has no tag")
        if tag in tags:
            raise MigrationError(f'duplicate migration tag "{tag}"')
        tags.add(tag)
        created = list(migration.get("new_classes") or ())
        created += migration.get("new_sqlite_classes") or ()
        for name in created:
            if name in live:
                raise MigrationError(
                    f'migration "{tag}": cannot create class "{name}", it already exists'
                )
            live.add(name)
        for pair in migration.get("renamed_classes") or ():
            old, new = _pair(pair)
            if old not in live:
                raise MigrationError(
                    f'migration "{tag}": cannot rename class "{old}", it does not exist'
                )
            if new in live:
                raise MigrationError(
                    f'migration "{tag}": cannot rename "{old}" to "{new}", "{new}" exists'
                )
            live.discard(old)
            live.add(new)
        for name in migration.get("deleted_classes") or ():
            if name not in live:
                raise MigrationError(
                    f'migration "{tag}": cannot delete class "{name}", it does not exist'
                )
            live.discard(name)
    return live


def check_migrations(
    migrations: list[dict[str, Any]],
    bound_classes: list[str],
    deployed: list[dict[str, Any]] | None = None,
) -> None:
    """Raise `MigrationError` unless the migrations are consistent, keep every deployed
    migration unchanged as a prefix, and create every class bound by this worker itself."""
    live = live_classes(migrations)
    if deployed:
        for index, before in enumerate(deployed):
            now = migrations[index] if index < len(migrations) else None
            if now is None or now.get("tag") != before.get("tag"):
                raise MigrationError(
                    f'migration "{before.get("tag")}" is deployed in this environment but '
                    "missing from this version (migrations are applied in order and cannot "
                    "be removed)"
                )
            if now != before:
                raise MigrationError(f'migration "{now["tag"]}" differs from the deployed one')
    for name in bound_classes:
        if name not in live:
            raise MigrationError(
                f'Durable Object class "{name}" is bound but not created by any migration '
                "(add it to a [[migrations]] entry's new_sqlite_classes)"
            )


def original_class(migrations: list[dict[str, Any]], class_name: str) -> str:
    """The class `class_name` was created as, following renames back (itself if none)."""
    name = class_name
    for migration in reversed(migrations):
        for pair in migration.get("renamed_classes") or ():
            old, new = _pair(pair)
            if new == name:
                name = old
    return name


def current_class(version: Any, original: str) -> str:
    """What a version calls the class first created as `original` (its migrations' renames)."""
    for binding in version.bindings:
        migrations = (
            binding.settings.get("migrations") if binding.type == "durable_object" else None
        )
        if migrations:
            name = original
            for migration in migrations:
                for pair in migration.get("renamed_classes") or ():
                    old, new = _pair(pair)
                    if old == name:
                        name = new
            return name
    return original


def _pair(pair: Any) -> tuple[str, str]:
    return (pair["from"], pair["to"]) if isinstance(pair, dict) else (pair[0], pair[1])
