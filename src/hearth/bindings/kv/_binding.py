"""`env.MY_KV`: Cloudflare's KV binding API over a `KVStore`.

Python Workers call the JavaScript API through Pyodide, so every call shape that works there
works here: options as keyword arguments (`get(k, type="json")`), as one dict
(`get(k, {"type": "json", "cacheTtl": 60})`) or, for `get`, the type as a string
(`get(k, "json")`); camelCase names with snake_case aliases (`getWithMetadata`/`get_with_metadata`,
`expirationTtl`/`expiration_ttl`, `cacheTtl`/`cache_ttl`).
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterable
from typing import Any

from ...fetch import ReadableStream
from ._limits import (
    BAD_PUT_VALUE,
    MAX_BULK_GET_SIZE,
    MAX_VALUE_SIZE,
    UNKNOWN_TYPE,
    VALUE_TYPES,
    KVError,
    bulk_too_large,
    check_bulk_get,
    check_cache_ttl,
    check_key_name,
    limited_value,
    list_page,
    resolve_expiration,
    serialize_metadata,
    value_too_large,
)
from ._store import KVStore, NamespaceNotFound, StoredValue


class GetWithMetadataResult:
    """`{value, metadata, cacheStatus}`: attributes, and dict-style access as in JS examples."""

    __slots__ = ("value", "metadata", "cacheStatus")

    def __init__(self, value: Any, metadata: Any, cache_status: str | None = None) -> None:
        self.value = value
        self.metadata = metadata
        self.cacheStatus = cache_status

    @property
    def cache_status(self) -> str | None:
        return self.cacheStatus

    def __getitem__(self, name: str) -> Any:
        if name in ("value", "metadata", "cacheStatus", "cache_status"):
            return getattr(self, name)
        raise KeyError(name)

    def keys(self) -> tuple[str, ...]:
        return ("value", "metadata", "cacheStatus")

    def __eq__(self, other: object) -> bool:
        if isinstance(other, GetWithMetadataResult):
            other = {name: other[name] for name in other.keys()}
        return isinstance(other, dict) and other == {name: self[name] for name in self.keys()}

    __hash__ = None  # type: ignore[assignment]  # mutable, compares like a dict

    def __repr__(self) -> str:
        return (
            f"GetWithMetadataResult(value={self.value!r}, metadata={self.metadata!r}, "
            f"cacheStatus={self.cacheStatus!r})"
        )


class KVNamespace:
    """One KV namespace as a worker sees it (`env.MY_KV`)."""

    __slots__ = ("_store", "_namespace_id", "_name")

    def __init__(self, store: KVStore, namespace_id: str, *, name: str = "KV") -> None:
        self._store = store
        self._namespace_id = namespace_id
        self._name = name

    def __repr__(self) -> str:
        return f"<KVNamespace {self._name} ({self._namespace_id})>"

    # -- reading ---------------------------------------------------------------------------

    async def get(
        self,
        key: str | list[str],
        options: str | dict[str, Any] | None = None,
        /,
        *,
        type: str | None = None,
        cacheTtl: int | None = None,
        cache_ttl: int | None = None,
    ) -> Any:
        """A value (text, json, arrayBuffer → bytes, stream) or None; a list of keys → dict."""
        if options is None and type is None and cacheTtl is None and cache_ttl is None:
            if key.__class__ is str:  # the hot path: one text value, no options
                check_key_name("GET", key)
                value = await self._store.get_value(self._namespace_id, key)
                return None if value is None else value.decode("utf-8", "replace")
            value_type, ttl = None, None
        else:
            value_type, ttl = _get_options(options, type, cacheTtl, cache_ttl)
        if isinstance(key, list | tuple):
            return await self._get_bulk(list(key), value_type, ttl, with_metadata=False)
        return (await self._get_one(key, value_type, ttl)).value

    async def getWithMetadata(
        self,
        key: str | list[str],
        options: str | dict[str, Any] | None = None,
        /,
        *,
        type: str | None = None,
        cacheTtl: int | None = None,
        cache_ttl: int | None = None,
    ) -> Any:
        """`GetWithMetadataResult` for one key; for a list, dict key → {value, metadata} | None."""
        value_type, ttl = _get_options(options, type, cacheTtl, cache_ttl)
        if isinstance(key, list | tuple):
            return await self._get_bulk(list(key), value_type, ttl, with_metadata=True)
        return await self._get_one(key, value_type, ttl)

    get_with_metadata = getWithMetadata

    async def _get_one(
        self, key: str, value_type: str | None, cache_ttl: object
    ) -> GetWithMetadataResult:
        check_key_name("GET", key)
        check_cache_ttl("GET", cache_ttl)
        value_type = value_type or "text"
        if value_type not in VALUE_TYPES:
            raise TypeError(UNKNOWN_TYPE)
        store, namespace_id = self._store, self._namespace_id
        if value_type == "stream":
            streamed = await store.get_stream(namespace_id, key)
            if streamed is None:
                return GetWithMetadataResult(None, None)
            metadata = streamed.metadata
            value: Any = ReadableStream(streamed.chunks)
        else:
            stored = await store.get(namespace_id, key)
            if stored is None:
                return GetWithMetadataResult(None, None)
            metadata = stored.metadata
            value = _decode(stored.value, value_type)
        return GetWithMetadataResult(value, None if metadata is None else json.loads(metadata))

    async def _get_bulk(
        self, keys: list[str], value_type: str | None, cache_ttl: object, *, with_metadata: bool
    ) -> dict[str, Any]:
        check_bulk_get(keys, value_type)
        check_cache_ttl("GET_BULK", cache_ttl)
        found = await self._store.get_many(self._namespace_id, keys)
        result: dict[str, Any] = {}
        total = 0
        for key in keys:
            stored: StoredValue | None = found[key]
            if stored is None:
                result[key] = None
                continue
            total += len(stored.value)
            try:
                value = _decode(stored.value, value_type or "text")
            except ValueError:
                raise KVError(
                    "GET_BULK",
                    400,
                    f"At least one of the requested keys corresponds to a non-{value_type} value",
                ) from None
            if with_metadata:
                metadata = None if stored.metadata is None else json.loads(stored.metadata)
                value = {"value": value, "metadata": metadata}
            result[key] = value
        if total > MAX_BULK_GET_SIZE:
            raise bulk_too_large()
        return result

    async def list(
        self,
        options: dict[str, Any] | None = None,
        /,
        *,
        prefix: str | None = None,
        limit: int | None = None,
        cursor: str | None = None,
    ) -> dict[str, Any]:
        """`{"keys": [{name, expiration?, metadata?}], "list_complete", "cursor"?, "cacheStatus"}`."""
        if options is not None:
            prefix = options.get("prefix", prefix)
            limit = options.get("limit", limit)
            cursor = options.get("cursor", cursor)
        page = await list_page(
            self._store, self._namespace_id, prefix=prefix, limit=limit, cursor=cursor
        )
        return {**page, "cacheStatus": None}

    # -- writing ---------------------------------------------------------------------------

    async def put(
        self,
        key: str,
        value: str | bytes | bytearray | memoryview | AsyncIterable[bytes],
        options: dict[str, Any] | None = None,
        /,
        *,
        expiration: int | float | None = None,
        expirationTtl: int | float | None = None,
        expiration_ttl: int | float | None = None,
        metadata: Any = None,
    ) -> None:
        """Store a value; a stream (ReadableStream, async iterable of bytes) is read once."""
        check_key_name("PUT", key)
        if value.__class__ is str:
            data: Any = value.encode()
        elif isinstance(value, bytes):
            data = value
        elif isinstance(value, bytearray | memoryview):
            data = bytes(value)
        elif hasattr(value, "__aiter__"):
            data = limited_value(aiter(value))
        else:
            raise TypeError(BAD_PUT_VALUE)
        ttl = expirationTtl if expirationTtl is not None else expiration_ttl
        if options is not None:
            expiration = options.get("expiration", expiration)
            ttl = options.get("expirationTtl", options.get("expiration_ttl", ttl))
            metadata = options.get("metadata", metadata)
        store = self._store
        absolute = None
        if expiration is not None or ttl is not None:
            absolute = resolve_expiration(store.now(), expiration, ttl)
        metadata_text = None if metadata is None else serialize_metadata(metadata)
        if isinstance(data, bytes) and len(data) > MAX_VALUE_SIZE:
            raise value_too_large(len(data))
        try:
            await store.put(
                self._namespace_id, key, data, expiration=absolute, metadata=metadata_text
            )
        except NamespaceNotFound:
            raise KVError("PUT", 404, "Not Found") from None

    async def delete(self, key: str) -> None:
        """Delete a key; deleting a key that does not exist succeeds."""
        check_key_name("DELETE", key)
        await self._store.delete(self._namespace_id, key)


def _get_options(
    options: str | dict[str, Any] | None,
    value_type: str | None,
    cache_ttl: object,
    cache_ttl_alias: object,
) -> tuple[str | None, object]:
    if cache_ttl is None:
        cache_ttl = cache_ttl_alias
    if isinstance(options, str):
        value_type = options
    elif isinstance(options, dict):
        value_type = options.get("type", value_type)
        cache_ttl = options.get("cacheTtl", options.get("cache_ttl", cache_ttl))
    elif options is not None:
        raise TypeError("KV get() options must be a type string or a dict of options.")
    return value_type, cache_ttl


def _decode(value: bytes, value_type: str) -> Any:
    if value_type == "text":
        return value.decode("utf-8", "replace")  # as a JS string from UTF-8 bytes would
    if value_type == "json":
        return json.loads(value.decode("utf-8", "replace"))
    return value  # arrayBuffer
