"""`env`: what a worker's code can reach, and nothing more (capability-style bindings)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any


class Env:
    """The bindings of one version by name: `env.API_KEY`, `env["API_KEY"]`, `"X" in env`."""

    def __init__(self, bindings: dict[str, Any]) -> None:
        self.__dict__.update(bindings)

    def __getitem__(self, name: str) -> Any:
        return self.__dict__[name]

    def __contains__(self, name: object) -> bool:
        return name in self.__dict__

    def __iter__(self) -> Iterator[str]:
        return iter(self.__dict__)

    def get(self, name: str, default: Any = None) -> Any:
        return self.__dict__.get(name, default)

    def __repr__(self) -> str:  # names only: a repr in a log must not leak secrets
        return f"Env({', '.join(self.__dict__)})"
