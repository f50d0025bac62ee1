"""The one error type of `hearth.config`: where in which file, which key, what is wrong."""

from __future__ import annotations

from pathlib import Path


def format_location(file: Path, line: int | None, key: str | None, message: str) -> str:
    """`wrangler.toml:12: vars.FOO: message`, leaving out the parts that are unknown.

    Warnings use the same shape so that a CLI can print both the same way.
    """
    if not file.name or file.is_dir():  # about a folder: the message names it itself
        return message
    where = file.name if line is None else f"{file.name}:{line}"
    return f"{where}: {key}: {message}" if key else f"{where}: {message}"


class ConfigError(Exception):
    """A configuration file that Hearth cannot use as it is."""

    file: Path
    line: int | None
    key: str | None
    message: str

    def __init__(
        self, file: Path, message: str, *, line: int | None = None, key: str | None = None
    ) -> None:
        super().__init__(format_location(file, line, key, message))
        self.file = file
        self.line = line
        self.key = key
        self.message = message

    def __reduce__(self) -> tuple[object, ...]:
        # Errors cross process boundaries (sandboxes report them to the supervisor); the
        # default reduce would call __init__ with the formatted string only.
        return (_rebuild, (self.file, self.message, self.line, self.key))


def _rebuild(file: Path, message: str, line: int | None, key: str | None) -> ConfigError:
    return ConfigError(file, message, line=line, key=key)
