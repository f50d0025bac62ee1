"""Bulk writes and deletes of the KV REST API: the whole batch is checked, then written.

A batch with one bad pair (a key too long, a value too large, an expiration in the past, bad
base64, metadata over 1024 bytes) is refused with a message naming that pair's key, before
anything is stored: a caller can fix the batch and send it again.
"""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any

from fastapi import APIRouter, Request
from pydantic import StrictStr, TypeAdapter, ValidationError

from ...api import ERROR_RESPONSES, Out, RequestInvalid, Strict
from ._api_deps import KVRoute, Store, Writable
from ._limits import (
    MAX_BULK_WRITE_KEYS,
    MAX_BULK_WRITE_SIZE,
    MAX_VALUE_SIZE,
    KVError,
    check_bulk_write_count,
    check_service_key,
    resolve_expiration,
    serialize_metadata,
    value_too_large,
)
from ._store import Entry, KVStore

__all__ = ["BulkPair", "BulkResult", "router"]

router = APIRouter(tags=["kv"], responses=ERROR_RESPONSES, route_class=KVRoute)

_NS = "/kv/namespaces/{namespace_id}"


class BulkPair(Strict):
    key: str
    value: str
    base64: bool = False
    expiration: int | float | None = None
    expiration_ttl: int | float | None = None
    metadata: Any = None


class BulkResult(Out):
    successful_key_count: int
    unsuccessful_keys: list[str]


_PAIRS = TypeAdapter(list[BulkPair])
_KEYS = TypeAdapter(list[StrictStr])


def _json_body(items: dict[str, Any]) -> dict[str, Any]:
    # The body is read and checked by hand (size first, then count, then each item), so its
    # schema is declared for the OpenAPI document only.
    schema = {"type": "array", "maxItems": MAX_BULK_WRITE_KEYS, "items": items}
    return {"requestBody": {"required": True, "content": {"application/json": {"schema": schema}}}}


@router.put(_NS + "/bulk", openapi_extra=_json_body(BulkPair.model_json_schema()))
async def put_bulk(request: Request, store: Store, namespace: Writable) -> BulkResult:
    """Write up to 10,000 pairs (`base64: true`: the value is base64 of the bytes). The whole
    batch is checked first: one bad pair is a 400 naming its key, and nothing is written."""
    count = await _bulk_put(store, namespace.id, request)
    return BulkResult(successful_key_count=count, unsuccessful_keys=[])


@router.post(_NS + "/bulk/delete", openapi_extra=_json_body({"type": "string"}))
async def delete_bulk(request: Request, store: Store, namespace: Writable) -> BulkResult:
    """Delete up to 10,000 keys (missing ones are no error), all checked before any goes."""
    count = await _bulk_delete(store, namespace.id, request)
    return BulkResult(successful_key_count=count, unsuccessful_keys=[])


async def _bulk_put(store: KVStore, namespace_id: str, request: Request) -> int:
    """Check every pair, then store them all; returns how many were written."""
    body = await _read_json(request)
    if isinstance(body, list):
        check_bulk_write_count("PUT", len(body), "key/value pairs")
    try:
        pairs = _PAIRS.validate_python(body, strict=True)
    except ValidationError as error:
        raise RequestInvalid(error.errors()) from None
    now = store.now()
    prepared = [_prepare(index, pair, now) for index, pair in enumerate(pairs)]
    await store.put_many(namespace_id, prepared)
    return len(prepared)


async def _bulk_delete(store: KVStore, namespace_id: str, request: Request) -> int:
    """Check every key, then delete them all; returns how many were named."""
    body = await _read_json(request)
    if isinstance(body, list):
        check_bulk_write_count("DELETE", len(body), "keys")
    try:
        keys = _KEYS.validate_python(body, strict=True)
    except ValidationError as error:
        raise RequestInvalid(error.errors()) from None
    for index, key in enumerate(keys):
        try:
            check_service_key("DELETE", key)
        except KVError as error:
            raise _naming(error, index, key) from None
    await store.delete_many(namespace_id, keys)
    return len(keys)


def _prepare(index: int, pair: BulkPair, now: float) -> Entry:
    try:
        check_service_key("PUT", pair.key)
        if pair.base64:
            try:
                value = base64.b64decode(pair.value, validate=True)
            except (binascii.Error, ValueError):
                raise KVError("PUT", 400, "The value is not valid base64.") from None
        else:
            value = pair.value.encode("utf-8", "surrogatepass")
        if len(value) > MAX_VALUE_SIZE:
            raise value_too_large(len(value))
        expiration = None
        if pair.expiration is not None or pair.expiration_ttl is not None:
            expiration = resolve_expiration(now, pair.expiration, pair.expiration_ttl)
        metadata = serialize_metadata(pair.metadata)
    except KVError as error:
        raise _naming(error, index, pair.key) from None
    return pair.key, value, expiration, metadata


def _naming(error: KVError, index: int, key: str) -> KVError:
    shown = key if len(key) <= 80 else key[:80] + "…"
    return KVError(error.method, error.status, f"[{index}] key {shown!r}: {error.reason}")


async def _read_json(request: Request) -> Any:
    """The body as JSON, refusing more than 100 MB (before reading, when it says its length)."""
    length = request.headers.get("content-length", "")
    if length.isdigit() and int(length) > MAX_BULK_WRITE_SIZE:
        raise _request_too_large()
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_BULK_WRITE_SIZE:
            raise _request_too_large()
        chunks.append(chunk)
    try:
        return json.loads(b"".join(chunks))
    except ValueError as error:
        raise RequestInvalid([{"type": "json_invalid", "ctx": {"error": str(error)}}]) from None


def _request_too_large() -> KVError:
    limit = MAX_BULK_WRITE_SIZE // 1024 // 1024
    return KVError("PUT", 413, f"The request body exceeds the bulk limit of {limit} MB.")
