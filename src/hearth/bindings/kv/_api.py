"""The KV REST API under `/api/v1/kv/namespaces`: Cloudflare's KV endpoints in Hearth's
conventions (bearer tokens, `{"error": {"code", "message"}}`, `Page` lists).

Every namespace is looked up in the caller's account first, so another account's namespace is a
404 exactly like a made-up id. Keys, values, expirations and metadata go through the same checks
as the binding's KV service layer (`_limits`), so a refusal carries Cloudflare's own message.
Values stream: a request body goes chunk by chunk into the store, a stored value chunk by chunk
into the response, so a 25 MiB value is never held whole on its way in or out.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import JSONResponse, StreamingResponse
from pydantic import Field
from starlette.datastructures import UploadFile

from ...api import ERROR_RESPONSES, Caller, Out, Page, Paging, RequestInvalid, Strict, Writer
from ...control import Conflict, Invalid, NotFound
from ._api_bulk import router as bulk_router
from ._api_deps import KVRoute, Readable, Store, Writable
from ._limits import (
    MAX_METADATA_SIZE,
    MAX_VALUE_SIZE,
    check_service_key,
    limited_value,
    list_page,
    resolve_expiration,
    serialize_metadata,
    value_too_large,
)
from ._store import CHUNK_SIZE, KVStore, NamespaceInfo, NamespaceTitleTaken

__all__ = ["router"]

_NS = "/kv/namespaces/{namespace_id}"
# A multipart value plus its metadata part and the framing around them.
_MAX_FORM_BYTES = MAX_VALUE_SIZE + MAX_METADATA_SIZE + 64 * 1024


router = APIRouter(tags=["kv"], responses=ERROR_RESPONSES, route_class=KVRoute)
router.include_router(bulk_router)


# -- models -----------------------------------------------------------------------------------


class NamespaceOut(Out):
    id: str
    title: str
    created_on: datetime


class NamespaceIn(Strict):
    title: str = Field(description="Unique in the account", examples=["sessions"])


class KeyOut(Out):
    name: str
    expiration: int | None = Field(None, description="Epoch seconds; absent: never expires")
    metadata: Any = Field(None, description="Absent when the key has none")


class KeysOut(Out):
    keys: list[KeyOut]
    list_complete: bool
    cursor: str | None = Field(None, description="Absent when the listing is complete")


def namespace_out(namespace: NamespaceInfo) -> NamespaceOut:
    return NamespaceOut(
        id=namespace.id,
        title=namespace.title,
        created_on=datetime.fromtimestamp(namespace.created_on, UTC),
    )


def _title_taken(title: str) -> Conflict:
    return Conflict(
        f"a KV namespace titled {title!r} already exists in this account",
        code="namespace_title_taken",
    )


# -- namespaces -------------------------------------------------------------------------------


@router.get("/kv/namespaces")
async def list_namespaces(
    store: Store,
    principal: Caller,
    paging: Paging,
    order: Literal["title", "id"] = "title",
    direction: Literal["asc", "desc"] = "asc",
) -> Page[NamespaceOut]:
    """The account's KV namespaces, by title."""
    listed = await store.list_namespaces(
        principal.account.id,
        page=paging.page,
        per_page=paging.per_page,
        order=order,
        direction=direction,
    )
    return Page[NamespaceOut](
        items=[namespace_out(n) for n in listed.namespaces],
        page=listed.page,
        per_page=listed.per_page,
        total=listed.total_count,
    )


@router.post("/kv/namespaces", status_code=201)
async def create_namespace(store: Store, principal: Writer, body: NamespaceIn) -> NamespaceOut:
    """A new, empty namespace; bind it to a worker with `{"type": "kv", "namespace_id": id}`."""
    try:
        return namespace_out(await store.create_namespace(principal.account.id, body.title))
    except NamespaceTitleTaken:
        raise _title_taken(body.title) from None
    except ValueError as error:
        raise Invalid(str(error), code="invalid_title") from None


@router.get(_NS)
async def get_namespace(namespace: Readable) -> NamespaceOut:
    return namespace_out(namespace)


@router.put(_NS)
async def rename_namespace(
    store: Store, principal: Writer, namespace: Writable, body: NamespaceIn
) -> NamespaceOut:
    """Change the title; the id (what bindings name) stays."""
    try:
        renamed = await store.rename_namespace(principal.account.id, namespace.id, body.title)
    except NamespaceTitleTaken:
        raise _title_taken(body.title) from None
    except ValueError as error:
        raise Invalid(str(error), code="invalid_title") from None
    return namespace_out(renamed)


@router.delete(_NS, status_code=204)
async def delete_namespace(store: Store, principal: Writer, namespace: Writable) -> Response:
    """Delete the namespace and every key in it."""
    await store.delete_namespace(principal.account.id, namespace.id)
    return Response(status_code=204)


# -- keys -------------------------------------------------------------------------------------


@router.get(_NS + "/keys", response_model=KeysOut)
async def list_keys(
    store: Store,
    namespace: Readable,
    prefix: Annotated[str, Query(description="Only keys starting with this")] = "",
    limit: Annotated[int | None, Query(ge=1, description="At most 1000 (the default)")] = None,
    cursor: Annotated[str | None, Query(description="From the previous page")] = None,
) -> Response:
    """Keys in UTF-8 byte order, a page at a time, as a worker's `env.KV.list()` sees them."""
    page = await list_page(store, namespace.id, prefix=prefix, limit=limit, cursor=cursor)
    return JSONResponse(page)


# -- values -----------------------------------------------------------------------------------


def _key_not_found(key: str) -> NotFound:
    return NotFound(f"key {key!r} not found", code="key_not_found")


@router.get(
    _NS + "/values/{key:path}",
    response_class=StreamingResponse,
    responses={200: {"content": {"application/octet-stream": {}}, "description": "The value"}},
)
async def get_value(store: Store, namespace: Readable, key: str) -> Response:
    """The value's raw bytes. Keys may contain `/` and any percent-encoded character."""
    check_service_key("GET", key)
    stored = await store.get_stream(namespace.id, key)
    if stored is None:
        raise _key_not_found(key)
    return StreamingResponse(
        stored.chunks,
        media_type="application/octet-stream",
        headers={"content-length": str(stored.size)},
    )


@router.get(_NS + "/metadata/{key:path}")
async def get_metadata(store: Store, namespace: Readable, key: str) -> Any:
    """The key's metadata (JSON; `null` when it has none)."""
    check_service_key("GET", key)
    # A stream that is never started: the value itself is not read (it may be 25 MiB).
    stored = await store.get_stream(namespace.id, key)
    if stored is None:
        raise _key_not_found(key)
    return JSONResponse(None if stored.metadata is None else json.loads(stored.metadata))


_VALUE_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "application/octet-stream": {"schema": {"type": "string", "format": "binary"}},
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["value"],
                    "properties": {
                        "value": {"type": "string", "format": "binary"},
                        "metadata": {"type": "string", "description": "JSON"},
                    },
                }
            },
        },
    }
}


@router.put(_NS + "/values/{key:path}", status_code=204, openapi_extra=_VALUE_BODY)
async def put_value(
    request: Request,
    store: Store,
    namespace: Writable,
    key: str,
    expiration: Annotated[
        int | float | None, Query(description="Epoch seconds, at least 60 s ahead")
    ] = None,
    expiration_ttl: Annotated[
        int | float | None, Query(description="Seconds from now, at least 60; wins")
    ] = None,
    metadata: Annotated[
        str | None, Query(description="JSON, at most 1024 bytes serialized")
    ] = None,
) -> Response:
    """Store the request body as the value (any bytes), or, as Cloudflare also takes it,
    multipart/form-data with a `value` part and an optional `metadata` part (JSON)."""
    check_service_key("PUT", key)
    absolute = None
    if expiration is not None or expiration_ttl is not None:
        absolute = resolve_expiration(store.now(), expiration, expiration_ttl)
    length = request.headers.get("content-length", "")
    content_type = request.headers.get("content-type", "").lower()
    if content_type.startswith("multipart/form-data"):
        if length.isdigit() and int(length) > _MAX_FORM_BYTES:
            raise value_too_large(int(length))  # the request's length: the value's is unknown
        await _put_form(request, store, namespace, key, absolute, metadata)
        return Response(status_code=204)
    metadata_text = _metadata(metadata, "metadata")
    if length.isdigit() and int(length) > MAX_VALUE_SIZE:
        raise value_too_large(int(length))  # refused before a byte of it is read
    await store.put(
        namespace.id,
        key,
        limited_value(request.stream()),
        expiration=absolute,
        metadata=metadata_text,
    )
    return Response(status_code=204)


async def _put_form(
    request: Request,
    store: KVStore,
    namespace: NamespaceInfo,
    key: str,
    expiration: int | None,
    query_metadata: str | None,
) -> None:
    # A `value` sent as a file part is spooled to disk by the parser and streamed from there;
    # one sent as a plain field is text in memory, so its size caps what the parser accepts.
    async with request.form(max_files=2, max_fields=2, max_part_size=MAX_VALUE_SIZE + 1) as form:
        value, form_metadata = form.get("value"), form.get("metadata")
        if value is None:
            raise Invalid("a multipart value needs a 'value' part", code="invalid_kv_request")
        if form_metadata is not None and query_metadata is not None:
            raise Invalid(
                "metadata is sent both as a query parameter and as a form part",
                code="invalid_kv_request",
            )
        if isinstance(form_metadata, UploadFile):
            form_metadata = (await form_metadata.read()).decode("utf-8", "replace")
        metadata_text = _metadata(form_metadata or query_metadata, "metadata")
        data: bytes | AsyncIterator[bytes]
        if isinstance(value, UploadFile):
            if value.size is not None and value.size > MAX_VALUE_SIZE:
                raise value_too_large(value.size)
            data = _file_chunks(value)
        else:
            data = value.encode()
            if len(data) > MAX_VALUE_SIZE:
                raise value_too_large(len(data))
        await store.put(namespace.id, key, data, expiration=expiration, metadata=metadata_text)


async def _file_chunks(upload: UploadFile) -> AsyncIterator[bytes]:
    while chunk := await upload.read(CHUNK_SIZE):
        yield chunk


def _metadata(text: str | None, field: str) -> str | None:
    """Metadata JSON as the store keeps it (compact, as `JSON.stringify` writes it)."""
    if text is None:
        return None
    try:
        parsed = json.loads(text)
    except ValueError as error:
        raise RequestInvalid(
            [{"loc": (field,), "type": "json_invalid", "ctx": {"error": str(error)}}], field
        ) from None
    return serialize_metadata(parsed)


@router.delete(_NS + "/values/{key:path}", status_code=204)
async def delete_value(store: Store, namespace: Writable, key: str) -> Response:
    """Delete a key; deleting a key that does not exist succeeds (as on Cloudflare)."""
    check_service_key("DELETE", key)
    await store.delete(namespace.id, key)
    return Response(status_code=204)
