"""`hearth kv key … --local`: the keys `hearth dev` keeps for a project, on this machine.

`hearth dev` stores each kv_namespaces binding's data in `<project>/.hearth/kv.sqlite3` (or
`--persist-to`), under the binding's preview id, id or name; these commands open the same file,
so a value put here is what the worker reads in the next `hearth dev` session.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from ._errors import CliError
from ._target import load_project

if TYPE_CHECKING:
    from ..bindings.kv import KVNamespaceConfig, KVStore
    from ..config import WorkerConfig

__all__ = ["LocalKeys", "kv_binding"]

T = TypeVar("T")


def kv_binding(project: WorkerConfig, binding: str) -> KVNamespaceConfig:
    """The project's `kv_namespaces` entry of that binding name (read with its bindings)."""
    from ..bindings.kv import KVNamespaceConfig

    entries = [b for b in project.bindings if isinstance(b, KVNamespaceConfig)]
    for entry in entries:
        if entry.binding == binding:
            return entry
    known = ", ".join(e.binding for e in entries) or "none"
    raise CliError(
        f"no kv_namespaces binding {binding!r} in {project.config_path.name} (bindings: {known})"
    )


class LocalKeys:
    def __init__(
        self, binding: str | None, config: Path, env: str | None, persist_to: Path | None
    ) -> None:
        if binding is None:
            raise CliError("--local needs --binding NAME (a kv_namespaces binding of the project)")
        project = load_project(config, env, bindings=True)
        self.namespace = kv_binding(project, binding).local_id
        self.file = (persist_to or project.root / ".hearth") / "kv.sqlite3"

    def _run(self, operation: Callable[[KVStore], Awaitable[T]], *, create: bool = False) -> T:
        from ..bindings.kv import SqliteKVStore
        from ..dev import LOCAL_ACCOUNT

        if not create and not self.file.exists():
            raise CliError(f"no local KV data yet ({self.file}): hearth dev makes it")

        async def run() -> T:
            self.file.parent.mkdir(parents=True, exist_ok=True)
            store = SqliteKVStore(self.file)
            try:
                if await store.get_namespace(LOCAL_ACCOUNT, self.namespace) is None:
                    await store.create_namespace(LOCAL_ACCOUNT, self.namespace, self.namespace)
                return await operation(store)
            finally:
                await store.close()

        return asyncio.run(run())

    def put(self, key: str, value: bytes, expiration: int | None, metadata: str | None) -> None:
        self._run(
            lambda s: s.put(self.namespace, key, value, expiration=expiration, metadata=metadata),
            create=True,
        )

    def get(self, key: str) -> bytes:
        value = self._run(lambda s: s.get_value(self.namespace, key))
        if value is None:
            raise CliError(f"key {key!r} not found in the local {self.namespace!r}")
        return value

    def delete(self, key: str) -> None:
        self._run(lambda s: s.delete(self.namespace, key))

    def list(self, prefix: str, limit: int | None) -> list[dict[str, Any]]:
        async def listing(store: KVStore) -> list[dict[str, Any]]:
            found: list[dict[str, Any]] = []
            cursor = None
            while limit is None or len(found) < limit:
                page = await store.list_keys(
                    self.namespace,
                    prefix=prefix,
                    limit=min(1000, limit - len(found)) if limit else 1000,
                    cursor=cursor,
                )
                found += [listed.to_dict() for listed in page.keys]
                cursor = page.cursor
                if cursor is None:
                    break
            return found

        return self._run(listing)
