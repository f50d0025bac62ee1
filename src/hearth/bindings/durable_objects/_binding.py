"""`env.COUNTER`: a Durable Object namespace binding, and the stubs it hands out.

A stub call is a function call into the manager, which runs the object's one live instance:
`stub.fetch` with the Request object itself, RPC with cloned arguments and result (the rules of
service-binding RPC), the callee's exception carried over as the caller would see it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from ...fetch import Request, Response
from ..services import outgoing_request, remote_error, rpc_method
from ._ids import DurableObjectId, NamespaceKey
from ._manager import DurableObjectManager

#: Which version runs the namespace's objects for a call (the binding's own version, or the
#: current deployment of another service).
VersionPicker = Callable[[], str]
_RESERVED = frozenset({"connect", "dup", "constructor", "then"})


class DurableObjectNamespace:
    """`idFromName`, `newUniqueId`, `idFromString`, `get`, `getByName` (and snake_case)."""

    def __init__(
        self,
        name: str,
        manager: DurableObjectManager,
        namespace: NamespaceKey,
        pick_version: VersionPicker,
    ) -> None:
        self._name = name
        self._manager = manager
        self._namespace = namespace
        self._pick_version = pick_version

    def __repr__(self) -> str:
        return f"<durable object namespace {self._name} → {self._namespace}>"

    def idFromName(self, name: str) -> DurableObjectId:  # noqa: N802 - Cloudflare's name
        return self._manager.ids.from_name(self._namespace, name)

    def newUniqueId(self, options: Any = None) -> DurableObjectId:  # noqa: N802
        return self._manager.ids.unique(self._namespace)

    def idFromString(self, text: str) -> DurableObjectId:  # noqa: N802
        return self._manager.ids.from_string(self._namespace, text)

    def get(self, object_id: DurableObjectId, options: Any = None) -> DurableObjectStub:
        if not isinstance(object_id, DurableObjectId):
            raise TypeError(
                f"get() needs a DurableObjectId (from idFromName, newUniqueId or idFromString), "
                f"not {type(object_id).__name__}"
            )
        if object_id.namespace.stored() != self._namespace.stored():
            raise TypeError(
                f"Durable Object ID {object_id} belongs to namespace {object_id.namespace}, "
                f"not to {self._namespace}"
            )
        if object_id.namespace is not self._namespace:  # another binding's view of it
            object_id = DurableObjectId(object_id.toString(), self._namespace, object_id.name)
        return DurableObjectStub(self, object_id)

    def getByName(self, name: str, options: Any = None) -> DurableObjectStub:  # noqa: N802
        return self.get(self.idFromName(name))

    def jurisdiction(self, name: str) -> DurableObjectNamespace:
        return self  # one machine, one jurisdiction

    id_from_name, new_unique_id, id_from_string = idFromName, newUniqueId, idFromString
    get_by_name = getByName


class DurableObjectStub:
    """`stub.fetch(...)`, `await stub.any_method(...)`, `stub.id`, `stub.name`."""

    def __init__(self, namespace: DurableObjectNamespace, object_id: DurableObjectId) -> None:
        self._namespace = namespace
        self._manager = namespace._manager
        self.id = object_id
        self.name = object_id.name

    def __repr__(self) -> str:
        return f"<durable object stub {self.id}>"

    async def fetch(
        self, input: str | Request | Any, init: dict[str, Any] | None = None, **kwargs: Any
    ) -> Response:
        request, _ = outgoing_request(input, init, kwargs)
        version_id = self._namespace._pick_version()
        try:
            return await self._manager.fetch(self.id, version_id, request)
        except Exception as error:
            raise remote_error(error) from None

    def __getattr__(self, name: str) -> Callable[..., Awaitable[Any]]:
        if name.startswith("_") or name in _RESERVED:
            raise AttributeError(name)
        method = self.__dict__[name] = _rpc_method(self, name)
        return method


def _rpc_method(stub: DurableObjectStub, name: str) -> Callable[..., Awaitable[Any]]:
    def send(caller: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Awaitable[Any]:
        version_id = stub._namespace._pick_version()
        return stub._manager.rpc(stub.id, version_id, name, args, kwargs)

    return rpc_method(name, send)
