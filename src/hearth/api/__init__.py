"""The REST API of the control plane, under `/api/v1` (JSON, OpenAPI at
`/api/v1/openapi.json`, errors as `{"error": {"code", "message"}}`)."""

from ._app import PREFIX, create_api
from ._auth import Caller, Writer, authenticate
from ._context import ApiContext, Ctx, Out, Page, Paging, Strict
from ._errors import ERROR_RESPONSES, RequestInvalid, error_response

__all__ = [
    "ERROR_RESPONSES",
    "PREFIX",
    "ApiContext",
    "Caller",
    "Ctx",
    "Out",
    "Page",
    "Paging",
    "RequestInvalid",
    "Strict",
    "Writer",
    "authenticate",
    "create_api",
    "error_response",
]
