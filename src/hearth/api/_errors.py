"""Every failure as `{"error": {"code", "message", …}}` with the right status.

Control-plane errors carry their own status and code; FastAPI's request validation, Starlette's
404/405 and anything unexpected are translated here so that a client never has to parse two
error shapes (FastAPI's default `{"detail": …}` never leaves the API).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, ConfigDict, ValidationError
from starlette.exceptions import HTTPException
from starlette.routing import Route, compile_path

from ..control import ControlError

__all__ = ["ErrorBody", "ErrorResponse", "error_response", "install_error_handlers", "invalid"]

log = logging.getLogger("hearth.api")

# Names for the statuses Starlette raises by itself (unknown path, wrong method, …).
_HTTP_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    413: "payload_too_large",
    415: "unsupported_media_type",
}


class ErrorBody(BaseModel):
    # Extra keys (e.g. `traceback` of a version that does not load, `fields`) are allowed.
    model_config = ConfigDict(extra="allow")
    code: str
    message: str


class ErrorResponse(BaseModel):
    """The body of every error response (documented in the OpenAPI document)."""

    error: ErrorBody


def error_response(
    status: int, code: str, message: str, *, headers: dict[str, str] | None = None, **extra: Any
) -> JSONResponse:
    body = {"error": {"code": code, "message": message, **extra}}
    return JSONResponse(body, status_code=status, headers=headers)


def _location(loc: Sequence[int | str]) -> str:
    # ("body", "name") → "name"; ("query", "page") → "page"; the location kind adds nothing
    # for a person reading the message, and keeps names identical to the JSON they sent.
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "header")]
    return ".".join(parts) or "body"


def describe_errors(errors: Sequence[Any], prefix: str = "") -> tuple[str, list[dict[str, str]]]:
    """A readable message naming every offending field, plus the same as a list."""
    fields = []
    for error in errors:
        where = _location(error.get("loc", ()))
        if prefix:
            where = prefix if where == "body" else f"{prefix}.{where}"
        kind = error.get("type", "")
        if kind == "extra_forbidden":
            text = "unknown field"
        elif kind == "missing":
            text = "field required"
        elif kind == "json_invalid":
            where, text = (
                prefix or "body",
                f"invalid JSON: {error.get('ctx', {}).get('error', 'malformed')}",
            )
        else:
            text = str(error.get("msg", "invalid value"))
        fields.append({"field": where, "message": text})
    message = "; ".join(f"{f['field']}: {f['message']}" for f in fields) or "invalid request"
    return message, fields


def invalid(errors: ValidationError | Sequence[Any], prefix: str = "") -> JSONResponse:
    if isinstance(errors, ValidationError):
        errors = errors.errors()
    message, fields = describe_errors(errors, prefix)
    return error_response(400, "invalid_request", message, fields=fields)


class RequestInvalid(Exception):
    """Raised by handlers that validate input by hand (the multipart metadata part)."""

    def __init__(self, errors: Sequence[Any], prefix: str = "") -> None:
        super().__init__("invalid request")
        self.errors = errors
        self.prefix = prefix


async def _control_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ControlError)
    headers = {"WWW-Authenticate": "Bearer"} if exc.status == 401 else None
    # `detail` holds extras worth returning (a traceback); it never overrides code/message.
    extra = {k: v for k, v in exc.detail.items() if k not in ("code", "message")}
    return error_response(exc.status, exc.code, exc.message, headers=headers, **extra)


async def _validation_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    # 400, like the control plane's own `Invalid`: one status for "your input is wrong".
    return invalid(exc.errors())


async def _request_invalid(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestInvalid)
    return invalid(exc.errors, exc.prefix)


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    code = _HTTP_CODES.get(exc.status_code, "error")
    headers = dict(exc.headers) if exc.headers else None
    if exc.status_code == 404 and exc.detail == "Not Found":
        message = f"no such endpoint: {request.method} {request.url.path}"
    elif exc.status_code == 405:
        # Starlette's `Allow` names the first route of the path only (`GET` where the same
        # path also takes POST): RFC 9110 wants every method the resource supports.
        allow = ", ".join(_allowed_methods(request))
        if request.method == "OPTIONS":
            return Response(status_code=204, headers={"Allow": allow})
        headers = {"Allow": allow}
        message = f"method {request.method} is not allowed on {request.url.path} (allowed: {allow})"
    else:
        message = str(exc.detail)
    return error_response(exc.status_code, code, message, headers=headers)


def _allowed_methods(request: Request) -> list[str]:
    """Every method the OpenAPI document lists at this path (and the document's own routes
    take), HEAD with GET, and OPTIONS (answered with them). The document is the public list
    of the routes: FastAPI's router nests included routers in a private type."""
    state = request.app.state
    table = getattr(state, "methods_by_path", None)
    if table is None:
        paths = request.app.openapi()["paths"]
        table = state.methods_by_path = [
            (compile_path(path)[0], {m.upper() for m in item if m.upper() in _METHODS})
            for path, item in paths.items()
        ] + [  # the document's own routes (openapi.json, docs), not in it
            (route.path_regex, route.methods or set())
            for route in request.app.routes
            if isinstance(route, Route)
        ]
    methods = {"OPTIONS"}
    for pattern, found in table:
        if pattern.match(request.url.path):
            methods |= found
    if "GET" in methods:
        methods.add("HEAD")
    return sorted(methods)


_METHODS = frozenset({"GET", "PUT", "POST", "DELETE", "PATCH", "HEAD", "OPTIONS", "TRACE"})


async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
    log.exception("unhandled error in %s %s", request.method, request.url.path, exc_info=exc)
    return error_response(500, "internal_error", "internal error; see the server's log")


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(ControlError, _control_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(RequestInvalid, _request_invalid)
    app.add_exception_handler(HTTPException, _http_error)
    app.add_exception_handler(Exception, _unexpected)


#: For `responses=` of routes: every error shares one documented shape.
ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorResponse, "description": description}
    for status, description in (
        (400, "Invalid input"),
        (401, "Missing or invalid token"),
        (403, "Read-only token"),
        (404, "Not found (including another account's objects)"),
        (409, "Conflict with the current state"),
    )
}
