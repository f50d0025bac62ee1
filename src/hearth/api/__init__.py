"""The REST API of the control plane, under `/api/v1` (JSON, OpenAPI at
`/api/v1/openapi.json`, errors as `{"error": {"code", "message"}}`)."""

from ._app import PREFIX, create_api

__all__ = ["PREFIX", "create_api"]
