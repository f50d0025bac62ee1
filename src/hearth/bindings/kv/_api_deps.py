"""What every KV endpoint shares: the node's store, the namespace looked up in the caller's
account (another account's namespace is a 404 exactly like a made-up id), and the translation
of the KV checks' errors into API errors."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Annotated, Any

from fastapi import Depends, Request, Response
from fastapi.routing import APIRoute

from ...api import Caller, Ctx, Writer
from ...control import ControlError, NotFound
from ._limits import KVError
from ._store import KVStore, NamespaceInfo, NamespaceNotFound

__all__ = ["KVRefused", "KVRoute", "KVUnavailable", "Readable", "Store", "Writable"]

_KV_CODES = {400: "invalid_kv_request", 404: "not_found", 413: "too_large", 414: "key_too_long"}


class KVRefused(ControlError):
    """A KV limit as the API answers it: Cloudflare's status and message."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message, code=_KV_CODES.get(status, "kv_error"))
        self.status = status


class KVUnavailable(ControlError):
    status = 503
    default_code = "kv_unavailable"


class KVRoute(APIRoute):
    """Turns the limit errors the KV checks raise (`KVError`, wherever they surface, even while
    a body streams into the store) into API errors."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def route(request: Request) -> Response:
            try:
                return await handler(request)
            except KVError as error:
                raise KVRefused(error.status, error.reason) from None
            except NamespaceNotFound as error:  # deleted while the request ran
                raise _no_namespace(str(error)) from None

        return route


async def _store(ctx: Ctx) -> KVStore:
    store: KVStore | None = getattr(ctx.node, "kv", None)
    if store is None:
        raise KVUnavailable("this API runs without a node, so it has no KV store")
    return store


Store = Annotated[KVStore, Depends(_store)]


def _no_namespace(namespace_id: str) -> NotFound:
    return NotFound(f"KV namespace {namespace_id!r} not found", code="namespace_not_found")


async def _readable(store: Store, principal: Caller, namespace_id: str) -> NamespaceInfo:
    namespace = await store.get_namespace(principal.account.id, namespace_id)
    if namespace is None:
        raise _no_namespace(namespace_id)
    return namespace


async def _writable(store: Store, principal: Writer, namespace_id: str) -> NamespaceInfo:
    return await _readable(store, principal, namespace_id)


Readable = Annotated[NamespaceInfo, Depends(_readable)]
Writable = Annotated[NamespaceInfo, Depends(_writable)]
