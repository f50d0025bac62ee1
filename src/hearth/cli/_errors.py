"""The one error every command raises: printed as one line on stderr, exit status 1."""

from __future__ import annotations

__all__ = ["CliError"]


class CliError(Exception):
    """A failure the user can act on; `detail` (a server traceback) is printed above it."""

    def __init__(
        self,
        message: str,
        detail: str | None = None,
        status: int | None = None,
        code: str | None = None,
    ) -> None:
        super().__init__(message)
        self.detail = detail
        self.status = status  # the HTTP status and error code, when the API refused
        self.code = code
