"""How a service binding finds its target: the platform's directory of services.

Platform-neutral on purpose: `hearth serve` (the `Node`, over the edge's live environments)
and `hearth dev` (its local projects) both implement `ServiceDirectory`, and the binding asks
it again at every call, so a call follows the target's current deployment.
"""

from __future__ import annotations

from typing import Any, Protocol

from ...runtime import VERSION_KEY_HEADER as KEY_HEADER
from ...runtime import VERSION_OVERRIDE_HEADER as OVERRIDE_HEADER
from ...runtime import ExecutionContext, Runtime

RawHeaders = list[tuple[bytes, bytes]]

#: Cloudflare: at most 32 Worker invocations per top-level request through bindings.
MAX_INVOCATIONS = 32
#: Cloudflare's words (workerd/Miniflare), so that searching for them finds the answer.
DEPTH_LIMIT_MESSAGE = (
    "Subrequest depth limit exceeded. This request recursed through Workers too many times. "
    "This can happen e.g. if you have a Worker or Durable Object that calls other Workers or "
    "objects recursively."
)


class Deployment(Protocol):
    def pick(self, raw_headers: RawHeaders) -> str:
        """The version id that serves a request with these headers (split, version key)."""
        ...


class ServiceTarget(Protocol):
    @property
    def deployment(self) -> Deployment | None: ...


class ServiceDirectory(Protocol):
    """What a platform offers service bindings (the `platform` of binding factories)."""

    @property
    def runtime(self) -> Runtime: ...

    def resolve_service(
        self, account: str, service: str, environment: str | None
    ) -> ServiceTarget | None:
        """The environment a binding reaches; `environment=None` is the platform's default
        (production; in `hearth dev`, the environment the session runs)."""
        ...

    def missing_service(self, account: str, service: str, environment: str | None) -> str:
        """Why `resolve_service` found nothing, in words naming the service and environment."""
        ...


def count_invocation(caller: ExecutionContext) -> None:
    """One more worker invocation for the caller's top-level request; the 33rd fails.

    Counted on the top-level context, so a chain (depth) and a fan-out (several calls from
    one worker, concurrent ones too) share the one budget, as on Cloudflare."""
    root = caller
    while root.parent is not None:
        root = root.parent
    count = root.invocations + 1
    if count > MAX_INVOCATIONS:
        raise RuntimeError(DEPTH_LIMIT_MESSAGE)
    root.invocations = count


def inherited_version_headers(ctx: ExecutionContext) -> RawHeaders:
    """The version-key headers of the request that led to this invocation.

    A gateway's `hearth-version-key` (and `hearth-version-override`) reach every service it
    calls, so a user pinned to one side of a split target stays there. Worked out once per
    invocation."""
    headers = ctx.version_headers
    if headers is None:
        request = ctx.request
        headers = request_version_headers(request) if request is not None else None
        if not headers:
            headers = inherited_version_headers(ctx.parent) if ctx.parent is not None else []
        ctx.version_headers = headers
    return headers


def request_version_headers(request: Any) -> RawHeaders | None:
    raw = _raw_scope_headers(request)
    found: RawHeaders = []
    if raw is not None:  # a request from the edge: scan its ASGI headers, build no Headers
        for name, value in raw:
            if name == KEY_HEADER or name == OVERRIDE_HEADER:
                found.append((name, value))
        return found or None
    # Read the lower-cased map directly: `Headers.get` validates a missing name with a regex,
    # a cost every call would pay for a header that is almost never there.
    values = request.headers._map
    if not values:
        return None
    for name, key in _VERSION_HEADERS:
        value = values.get(key)
        if value is not None:
            found.extend((name, v.encode("latin-1")) for v in value)
    return found or None


_VERSION_HEADERS = ((KEY_HEADER, KEY_HEADER.decode()), (OVERRIDE_HEADER, OVERRIDE_HEADER.decode()))


def _raw_scope_headers(request: Any) -> RawHeaders | None:
    # `_ASGIRequest` builds its Headers on first use; the raw list is cheaper to scan.
    if getattr(request, "_headers", True) is None:
        scope = getattr(request, "_scope", None)
        if scope is not None:
            return scope["headers"]
    return None


__all__ = [
    "DEPTH_LIMIT_MESSAGE",
    "MAX_INVOCATIONS",
    "ServiceDirectory",
    "ServiceTarget",
    "count_invocation",
]
