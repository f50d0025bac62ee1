"""Errors of control-plane operations; the API maps them to `{"error": {"code", "message"}}`."""

from __future__ import annotations

from typing import Any

__all__ = ["Conflict", "ControlError", "Forbidden", "Invalid", "NotFound", "Unauthorized"]


class ControlError(Exception):
    """A refused operation. `code` is stable for programs, `message` is for people."""

    status = 400
    default_code = "error"

    def __init__(self, message: str, *, code: str | None = None, **detail: Any) -> None:
        super().__init__(message)
        self.message = message
        self.code = code or self.default_code
        # Extra fields worth returning, e.g. the traceback of a version that does not load.
        self.detail = detail

    def __repr__(self) -> str:
        return f"{type(self).__name__}(code={self.code!r}, message={self.message!r})"


class Invalid(ControlError):
    status = 400
    default_code = "invalid"


class Unauthorized(ControlError):
    status = 401
    default_code = "unauthorized"


class Forbidden(ControlError):
    status = 403
    default_code = "forbidden"


class NotFound(ControlError):
    status = 404
    default_code = "not_found"


class Conflict(ControlError):
    status = 409
    default_code = "conflict"
