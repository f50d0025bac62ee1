"""`env.SERVICE`: a service binding (Cloudflare's `Fetcher`), HTTP and RPC, in process.

A call is a function call into the runtime: `runtime.invoke(version, event)` with the Request
object itself (fetch) or cloned arguments (RPC) — no socket, no HTTP serialisation. What stays
per call is what the semantics need: find the target's current version (its deployment may
have changed since the last call), count the invocation against the request's limit, clone
RPC values, and carry the callee's exception over as the caller would see it across processes.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import urljoin, urlsplit

from ...fetch import Request, Response
from ...runtime import EntrypointFetchEvent, RpcEvent
from .._clone import clone, remote_error
from ._directory import (
    RawHeaders,
    ServiceDirectory,
    inherited_version_headers,
    request_version_headers,
)
from ._rpc import outgoing_request, rpc_method

_NO_HEADERS: RawHeaders = []
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
#: Not RPC methods on a binding (Cloudflare reserves them); `fetch` has HTTP semantics.
_RESERVED = frozenset({"connect", "dup", "constructor", "then"})


class ServiceBinding:
    """One service binding of one loaded version: `await env.AUTH.fetch(...)`,
    `await env.USERS.get_user(42)`."""

    # No __slots__: RPC method callables are cached in the instance __dict__ on first use,
    # so the next `env.USERS.get_user` is a plain attribute read.

    def __init__(
        self,
        name: str,
        directory: ServiceDirectory,
        account: str,
        service: str,
        environment: str | None,
        entrypoint: str | None,
        props: dict[str, Any] | None = None,
    ) -> None:
        self._name = name
        self._directory = directory
        self._runtime = directory.runtime
        self._account = account
        self._service = service
        self._environment = environment
        self._entrypoint = entrypoint
        self._props = props  # Cloudflare's binding `props`: the callee's `ctx.props`

    def __repr__(self) -> str:
        where = f"{self._service}@{self._environment or 'default'}"
        entry = f", entrypoint={self._entrypoint}" if self._entrypoint else ""
        return f"<service binding {self._name} → {where}{entry}>"

    # -- HTTP ------------------------------------------------------------------------------

    async def fetch(
        self, input: str | Request | Any, init: dict[str, Any] | None = None, **kwargs: Any
    ) -> Response:
        """The target's `fetch` handler with this request (Fetch semantics: anything but a
        lone Request becomes a new Request). Its response comes back as it is — status,
        headers and streaming body — and its uncaught exception is raised here."""
        request, caller = outgoing_request(input, init, kwargs)
        version_id = self._pick(caller, request_version_headers(request))
        entrypoint = self._entrypoint
        event = request if entrypoint is None else EntrypointFetchEvent(request, entrypoint)
        try:
            response = await self._runtime.invoke(version_id, event, self._call_props())
        except Exception as error:  # workerd tunnels the callee's exception to the caller
            raise remote_error(error) from None
        if response.status in _REDIRECTS and request.redirect != "manual":
            return await _follow_redirect(request, response)
        return response

    async def connect(self, *args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError(f"{self._name}.connect(): TCP sockets are not supported")

    # -- RPC -------------------------------------------------------------------------------

    def __getattr__(self, name: str) -> Callable[..., Awaitable[Any]]:
        if name.startswith("_") or name in _RESERVED:
            raise AttributeError(name)
        method = self.__dict__[name] = _rpc_method(self, name)
        return method

    # -- the target ------------------------------------------------------------------------

    def _call_props(self) -> dict[str, Any] | None:
        # A copy per call: one invocation's changes to ctx.props must not reach the next.
        return None if self._props is None else clone(self._props)

    def _pick(self, caller: Any, own_headers: RawHeaders | None) -> str:
        """The target version for this call: resolved now (a deploy of the target is seen at
        once), the request's own version key first, else the one its caller came with."""
        target = self._directory.resolve_service(self._account, self._service, self._environment)
        if target is None:
            reason = self._directory.missing_service(
                self._account, self._service, self._environment
            )
            raise RuntimeError(f"service binding {self._name!r}: {reason}")
        deployment = target.deployment
        if deployment is None:
            where = f" environment {self._environment!r}" if self._environment else ""
            raise RuntimeError(
                f"service binding {self._name!r}: service {self._service!r}{where} "
                "has nothing deployed"
            )
        headers = own_headers
        if headers is None and caller is not None:
            headers = inherited_version_headers(caller)
        return deployment.pick(headers or _NO_HEADERS)


def _rpc_method(binding: ServiceBinding, name: str) -> Callable[..., Awaitable[Any]]:
    runtime, entrypoint = binding._runtime, binding._entrypoint

    def send(caller: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Awaitable[Any]:
        event = RpcEvent(name, args, kwargs, entrypoint)
        return runtime.invoke(binding._pick(caller, None), event, binding._call_props())

    call = rpc_method(name, send)
    call.__qualname__ = f"{binding._name}.{name}"
    return call


async def _follow_redirect(request: Request, response: Response) -> Response:
    """Fetch semantics, as Cloudflare applies them to service bindings: a redirect is
    followed over the network (`redirect="manual"` returns it, `"error"` raises)."""
    location = response.headers.get("location")
    if location is None:
        return response
    if request.redirect == "error":
        raise TypeError(f"fetch to {request.url} was redirected, and redirect is 'error'.")
    method = request.method
    if response.status == 303 or (response.status in (301, 302) and method == "POST"):
        method = "GET"
    if method not in ("GET", "HEAD"):
        return response  # the body went to the callee; it cannot be sent again
    from ...fetch import Headers, fetch

    target = urljoin(request.url, location)
    headers = Headers(request.headers)
    if _origin(target) != _origin(request.url):
        headers.delete("authorization")  # the Fetch standard's rule for cross-origin redirects
    return await fetch(target, method=method, headers=headers)


def _origin(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    return parts.scheme, parts.netloc.lower()


__all__ = ["ServiceBinding"]
