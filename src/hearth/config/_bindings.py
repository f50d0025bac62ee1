"""Bindings in the config: `vars` (read here, with the rest of the core keys), and the shape
every other binding type's wrangler schema has. The schemas themselves live in the binding
folders (`hearth.bindings.*`), above this package, and are handed to `load_config`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from . import fields as f
from ._locate import KeyPath
from ._source import Source, format_key


class DeclaredBinding(Protocol):
    """One binding as the config declares it; its type's folder says what else it holds."""

    @property
    def name(self) -> str:
        """The attribute it is on `env`."""
        ...


#: The selected environment's value of a key, with where it is, or None when not set.
Lookup = Callable[[str], tuple[Any, KeyPath] | None]
#: A type's declared bindings, each with the key path of its name (for duplicate-name errors).
BindingReader = Callable[[Source, Lookup], list[tuple[DeclaredBinding, KeyPath]]]


@dataclass(frozen=True, slots=True)
class BindingSchema:
    """How one binding type reads from a wrangler config."""

    keys: tuple[str, ...]  # its keys, set per environment (wrangler: "not inherited")
    read: BindingReader
    #: Keys it reads that an environment inherits from the top level (Durable Objects'
    #: `migrations`: the classes exist whatever environment runs them).
    inherited: tuple[str, ...] = ()


def read_vars(src: Source, value: object, path: KeyPath) -> dict[str, Any]:
    return {
        name: item if isinstance(item, str) else f.json_value(src, item, (*path, name))
        for name, item in f.table(src, value, path).items()
    }


def check_unique_names(src: Source, names: list[tuple[str, KeyPath]]) -> None:
    """Every binding is an attribute of `env`: two with one name would hide each other."""
    seen: dict[str, KeyPath] = {}
    for name, path in names:
        if name in seen:
            raise src.error(
                path, f'binding name "{name}" is already used by {format_key(seen[name])}'
            )
        seen[name] = path
