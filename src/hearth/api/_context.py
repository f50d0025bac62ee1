"""What every endpoint shares: the control plane, URL building and pagination."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Annotated, Any, Generic, TypeVar
from urllib.parse import urlsplit

from fastapi import Depends, Query, Request
from pydantic import BaseModel, ConfigDict

from ..control import PAGE_MAX, ControlPlane, Principal, canonical_domain

__all__ = ["ApiContext", "Ctx", "Out", "Page", "Paging", "Strict", "paginate"]

T = TypeVar("T")


class Strict(BaseModel):
    """Base of request bodies: unknown fields are errors (a typo must not be silently ignored)
    and values are not coerced (`"yes"` is not a boolean)."""

    model_config = ConfigDict(extra="forbid", strict=True)


class Out(BaseModel):
    """Base of response bodies."""


@dataclass(slots=True)
class Urls:
    """Public URLs of environments and versions on the workers listener."""

    domain: str
    scheme: str
    port_suffix: str  # ":8787", or "" when the workers URL names no port

    @classmethod
    def from_workers_url(cls, domain: str, workers_url: str) -> Urls:
        parts = urlsplit(workers_url)
        port = f":{parts.port}" if parts.port else ""
        return cls(canonical_domain(domain), parts.scheme or "http", port)

    def _url(self, host: str) -> str:
        return f"{self.scheme}://{host}.{self.domain}{self.port_suffix}/"

    def environment(
        self, principal: Principal, service: str, environment: str, private: bool
    ) -> str | None:
        if private:  # reached only through bindings
            return None
        base = f"{service}.{principal.account.subdomain}"
        return self._url(base if environment == "production" else f"{environment}.{base}")

    def version(
        self, principal: Principal, service: str, environment: str, number: int, private: bool
    ) -> str | None:
        if private:
            return None
        return self._url(f"v{number}.{environment}.{service}.{principal.account.subdomain}")


@dataclass(slots=True)
class ApiContext:
    plane: ControlPlane
    urls: Urls
    # The running platform (`hearth.server.Node`), for endpoints beyond the control plane:
    # its KV store (`node.kv`), its runtime's trace bus (tails). None in control-only tests.
    node: Any = None

    async def is_private(self, principal: Principal, service: str) -> bool:
        # Also the 404 for another account's (or no) service, before any other work.
        return (await self.plane.services.get(principal, service)).private

    async def hides_previews(self, principal: Principal, service: str, environment: str) -> bool:
        """Whether the environment's versions have no preview hostname (private, or
        `preview_urls` off); also the 404 for another account's (or no) service."""
        visibility = (await self.plane.services.get(principal, service)).visibility
        shown = visibility.get(environment)
        return shown is None or not shown.preview_urls


# Dependencies are `async def` on purpose: FastAPI runs plain `def` ones in a thread pool,
# a thread hop per request for a dictionary look-up.
async def _context(request: Request) -> ApiContext:
    context: ApiContext = request.app.state.hearth
    return context


Ctx = Annotated[ApiContext, Depends(_context)]


class Page(BaseModel, Generic[T]):
    """One page of a list. Every list that can grow has this shape."""

    items: list[T]
    page: int
    per_page: int
    total: int


@dataclass(slots=True)
class PageRequest:
    page: int
    per_page: int


async def _paging(
    page: Annotated[int, Query(ge=1, le=PAGE_MAX, description="Page number, from 1")] = 1,
    per_page: Annotated[int, Query(ge=1, le=100, description="Items per page")] = 20,
) -> PageRequest:
    return PageRequest(page, per_page)


Paging = Annotated[PageRequest, Depends(_paging)]


def paginate(items: Sequence[T], paging: PageRequest) -> Page[T]:
    """Paginate a list the control plane returns whole (services, tokens, routes…)."""
    start = (paging.page - 1) * paging.per_page
    return Page[T](
        items=list(items[start : start + paging.per_page]),
        page=paging.page,
        per_page=paging.per_page,
        total=len(items),
    )
