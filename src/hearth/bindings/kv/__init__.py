"""KV namespaces: Cloudflare's Workers KV, on SQLite (embedded) or PostgreSQL (clusters).

- `KVNamespace` is what a worker's `env.MY_KV` is (`get`, `getWithMetadata`, `put`, `delete`,
  `list`, with Cloudflare's limits and error messages).
- `KVStore` is the storage interface, implemented by `SqliteKVStore` (its own file,
  `<data_dir>/kv.sqlite3`, schema versioned with `PRAGMA user_version`) and `PostgresKVStore`
  (its own tables in the server's database, created idempotently).
- `make_kv` is the binding factory: `BindingSpec("MY_KV", "kv", settings={"namespace_id": …})`
  on a platform whose `kv` attribute is the store.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from ...runtime import BindingSpec, VersionSpec
from .._type import BindingError, BindingType
from ._binding import GetWithMetadataResult, KVNamespace
from ._limits import (
    MAX_BULK_GET_KEYS,
    MAX_KEY_SIZE,
    MAX_LIST_KEYS,
    MAX_METADATA_SIZE,
    MAX_VALUE_SIZE,
    MIN_CACHE_TTL,
    MIN_EXPIRATION_TTL,
    KVError,
)
from ._postgres import PostgresKVStore
from ._sqlite import SqliteKVStore
from ._store import (
    Clock,
    KeyPage,
    KVStore,
    ListedKey,
    NamespaceInfo,
    NamespaceNotFound,
    NamespacePage,
    NamespaceTitleTaken,
    StoredStream,
    StoredValue,
)
from ._wrangler import KV_NAMESPACES, KVNamespaceConfig

SQLITE_FILENAME = "kv.sqlite3"


def make_kv(binding: BindingSpec, version: VersionSpec, platform: Any) -> KVNamespace:
    """`env.<name>` for a `kv` binding: the namespace `settings["namespace_id"]` in `platform.kv`.

    Whether the namespace exists and belongs to the version's account is checked where it can
    be awaited (at deploy); here a missing setting or store is a configuration error.
    """
    namespace_id = binding.settings.get("namespace_id") or binding.settings.get("id")
    if not namespace_id:
        raise BindingError(f"binding {binding.name!r}: a kv binding needs a namespace_id")
    store = getattr(platform, "kv", None)
    if store is None:
        raise BindingError(f"binding {binding.name!r}: this platform has no KV store")
    return KVNamespace(store, str(namespace_id), name=binding.name)


async def check_kv(binding: BindingSpec, version: VersionSpec, platform: Any) -> None:
    """At upload: the namespace exists and is the version's account's (a binding cannot reach
    another account's data by naming its id)."""
    make_kv(binding, version, platform)  # the same setting and store errors first
    namespace_id = str(binding.settings.get("namespace_id") or binding.settings.get("id"))
    if await platform.kv.get_namespace(version.account, namespace_id) is None:
        raise BindingError(
            f"binding {binding.name!r}: KV namespace {namespace_id!r} not found in this account"
        )


KV = BindingType("kv", make_kv, check=check_kv, wrangler=KV_NAMESPACES)


async def open_kv_store(
    database_url: str | None, data_dir: Path, *, now: Clock = time.time
) -> KVStore:
    """The store for a server: `<data_dir>/kv.sqlite3`, or the PostgreSQL database it uses."""
    if database_url is None or database_url.startswith("sqlite"):
        return SqliteKVStore(Path(data_dir) / SQLITE_FILENAME, now=now)
    dsn = database_url.replace("postgresql+asyncpg://", "postgresql://", 1)
    return await PostgresKVStore.connect(dsn, now=now)


__all__ = [
    "KV",
    "MAX_BULK_GET_KEYS",
    "MAX_KEY_SIZE",
    "MAX_LIST_KEYS",
    "MAX_METADATA_SIZE",
    "MAX_VALUE_SIZE",
    "MIN_CACHE_TTL",
    "MIN_EXPIRATION_TTL",
    "SQLITE_FILENAME",
    "Clock",
    "GetWithMetadataResult",
    "KVError",
    "KVNamespace",
    "KVNamespaceConfig",
    "KVStore",
    "KeyPage",
    "ListedKey",
    "NamespaceInfo",
    "NamespaceNotFound",
    "NamespacePage",
    "NamespaceTitleTaken",
    "PostgresKVStore",
    "SqliteKVStore",
    "StoredStream",
    "StoredValue",
    "check_kv",
    "make_kv",
    "open_kv_store",
]
