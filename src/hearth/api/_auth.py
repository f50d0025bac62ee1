"""Bearer-token authentication and the read/write split.

Every endpoint but health takes `Caller` (any valid token) or `Writer` (an `admin` token).
Writers are refused before any work — parsing a multipart bundle for a token that may not
upload would be wasted — with the same 403 the control plane itself raises.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from ..control import Forbidden, Principal, Unauthorized
from ._context import Ctx

__all__ = ["Caller", "Writer"]

# auto_error=False: FastAPI's own 403 `{"detail": …}` would break the error shape; the scheme
# is still declared in the OpenAPI document (the docs' "Authorize" button).
_bearer = HTTPBearer(auto_error=False, description="An API token: `Authorization: Bearer <token>`")


async def authenticate(
    ctx: Ctx, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]
) -> Principal:
    if credentials is None or not credentials.credentials:
        raise Unauthorized("missing API token: send 'Authorization: Bearer <token>'")
    return await ctx.plane.accounts.authenticate(credentials.credentials)


async def _writer(principal: Annotated[Principal, Depends(authenticate)]) -> Principal:
    if not principal.can_write:
        raise Forbidden(
            f"token {principal.token_name!r} has the {principal.scope!r} scope and cannot change "
            "anything",
            code="read_only_token",
        )
    return principal


Caller = Annotated[Principal, Depends(authenticate)]
Writer = Annotated[Principal, Depends(_writer)]
