"""Typed reads of raw config values: each either returns the value or raises a ConfigError
that names the key and its line. Public: each binding type's wrangler schema (in its folder
under hearth.bindings) reads its keys with these."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from datetime import date, datetime, time
from typing import Any, TypeVar

from ._locate import KeyPath
from ._source import Source

T = TypeVar("T")
Reader = Callable[[Source, object, KeyPath], T]


def string(src: Source, value: object, path: KeyPath) -> str:
    if not isinstance(value, str):
        raise src.error(path, f"expected a string, got {src.describe(value)}")
    return value


def non_empty_string(src: Source, value: object, path: KeyPath) -> str:
    text = string(src, value, path)
    if not text.strip():
        raise src.error(path, "must not be empty")
    return text


def boolean(src: Source, value: object, path: KeyPath) -> bool:
    if not isinstance(value, bool):
        raise src.error(path, f"expected a boolean, got {src.describe(value)}")
    return value


def positive_int(src: Source, value: object, path: KeyPath) -> int:
    # bool is an int in Python but never what the user meant by a number.
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise src.error(path, f"expected a positive integer, got {src.describe(value)}")
    return value


def table(src: Source, value: object, path: KeyPath) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise src.error(path, f"expected {src.a_table}, got {src.describe(value)}")
    return value


def array(src: Source, value: object, path: KeyPath) -> list[Any]:
    if not isinstance(value, list):
        raise src.error(path, f"expected an array, got {src.describe(value)}")
    return value


def string_list(src: Source, value: object, path: KeyPath) -> list[str]:
    return [string(src, item, (*path, i)) for i, item in enumerate(array(src, value, path))]


def optional(
    src: Source, container: dict[str, Any], key: str, path: KeyPath, read: Reader[T]
) -> T | None:
    """`read(src, container[key], path + (key,))`, or None when the key is absent."""
    if key not in container:
        return None
    return read(src, container[key], (*path, key))


def required(src: Source, container: dict[str, Any], key: str, path: KeyPath, read: Reader[T]) -> T:
    if key not in container:
        raise src.error(path, f'"{key}" is required')
    return read(src, container[key], (*path, key))


def warn_unknown(
    src: Source, container: dict[str, Any], path: KeyPath, known: Iterable[str]
) -> None:
    """wrangler warns about unexpected fields rather than failing: typos stay visible."""
    allowed = set(known)
    for key in container:
        if key not in allowed:
            src.warn((*path, key), "unexpected field, ignored")


def json_value(src: Source, value: object, path: KeyPath) -> Any:
    """A value that can travel as a `json` binding; TOML dates and NaN cannot."""
    if value is None or isinstance(value, str | bool | int):
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            raise src.error(path, f"{value} is not a JSON number")
        return value
    if isinstance(value, list):
        return [json_value(src, item, (*path, i)) for i, item in enumerate(value)]
    if isinstance(value, dict):
        return {key: json_value(src, item, (*path, key)) for key, item in value.items()}
    if isinstance(value, datetime | date | time):
        raise src.error(
            path, f"{src.describe(value)} has no JSON form; quote it to make it a string"
        )
    raise src.error(path, f"{src.describe(value)} is not a JSON value")


def entries_of(
    src: Source, found: tuple[object, KeyPath] | None, allowed: tuple[str, ...]
) -> list[tuple[dict[str, Any], KeyPath]]:
    """The tables of a looked-up array (`[[kv_namespaces]]`), each with its key path, unknown
    fields warned about; none when the key is not set."""
    if found is None:
        return []
    value, path = found
    tables = [(entry, (*path, i)) for i, entry in entries(src, value, path)]
    for entry, where in tables:
        warn_unknown(src, entry, where, allowed)
    return tables


def entries(src: Source, value: object, path: KeyPath) -> list[tuple[int, dict[str, Any]]]:
    """An array of tables (`[[kv_namespaces]]`), each with its index."""
    return [(i, table(src, item, (*path, i))) for i, item in enumerate(array(src, value, path))]
