"""One parsed config file and the diagnostics that point into it."""

from __future__ import annotations

import re
import tomllib
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

import json5

from ._errors import ConfigError, format_location
from ._locate import Format, KeyLines, KeyPath

_TOML_POSITION = re.compile(r"\s*\(at line (\d+), column (\d+)\)")
_TOML_END = re.compile(r"\s*\(at end of document\)")
_JSON5_POSITION = re.compile(r"^<string>:(\d+)\s+")
_PLAIN_KEY = re.compile(r"^[A-Za-z0-9_$-]+$")


def format_key(path: KeyPath) -> str:
    """`("env", "staging", "services", 1, "binding")` → `env.staging.services[1].binding`."""
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        elif _PLAIN_KEY.match(part):
            text += f".{part}" if text else part
        else:
            text += '["' + part.replace('"', '\\"') + '"]'
    return text


def file_format(path: Path) -> Format | None:
    formats: dict[str, Format] = {".toml": "toml", ".json": "json", ".jsonc": "json"}
    return formats.get(path.suffix.lower())


class Source:
    """A config file's text and data, plus the warnings collected while reading it."""

    def __init__(self, file: Path, fmt: Format, text: str, data: dict[str, Any]) -> None:
        self.file = file
        self.format = fmt
        self.text = text
        self.data = data
        self.warnings: list[str] = []
        self._key_lines: KeyLines | None = None

    @classmethod
    def read(cls, file: Path) -> Source:
        fmt = file_format(file)
        if fmt is None:
            raise ConfigError(file, "unsupported config file (expected .toml, .json or .jsonc)")
        try:
            # utf-8-sig: editors on Windows like to start JSON files with a BOM.
            text = file.read_text(encoding="utf-8-sig")
        except FileNotFoundError:
            raise ConfigError(file, "no such file") from None
        except UnicodeDecodeError as exc:
            raise ConfigError(file, f"not UTF-8 text ({exc.reason})") from None
        except OSError as exc:
            raise ConfigError(file, f"cannot read: {exc.strerror}") from None
        data = _parse_toml(file, text) if fmt == "toml" else _parse_json(file, text)
        return cls(file, fmt, text, data)

    def line(self, path: KeyPath) -> int | None:
        if self._key_lines is None:  # only errors and warnings need it
            self._key_lines = KeyLines(self.text, self.format)
        return self._key_lines.line(path)

    def error(self, path: KeyPath, message: str) -> ConfigError:
        return ConfigError(
            self.file, message, line=self.line(path) if path else None, key=format_key(path) or None
        )

    def warn(self, path: KeyPath, message: str) -> None:
        line = self.line(path) if path else None
        self.warnings.append(format_location(self.file, line, format_key(path) or None, message))

    def describe(self, value: object) -> str:
        """A value as the user wrote it, for messages: `a table`, `the number 3`."""
        if isinstance(value, bool):
            return f"the boolean {str(value).lower()}"
        if isinstance(value, int | float):
            return f"the number {value!r}"
        if isinstance(value, str):
            return f"the string {value!r}"
        if isinstance(value, dict):
            return self.a_table
        if isinstance(value, list):
            return "an array"
        if isinstance(value, datetime | date | time):
            return f"the TOML date/time {value.isoformat()}"
        return "null" if value is None else type(value).__name__

    @property
    def a_table(self) -> str:
        return "a table" if self.format == "toml" else "an object"


def _parse_toml(file: Path, text: str) -> dict[str, Any]:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        position = _TOML_POSITION.search(message)
        if position:
            detail = _TOML_POSITION.sub("", message)
            raise ConfigError(
                file,
                f"invalid TOML: {detail} (column {position.group(2)})",
                line=int(position.group(1)),
            ) from None
        if _TOML_END.search(message):
            detail = _TOML_END.sub("", message)
            # Reported at the last line with text: usually where the unclosed thing is.
            raise ConfigError(
                file, f"invalid TOML: {detail} at end of file", line=text.rstrip().count("\n") + 1
            ) from None
        raise ConfigError(file, f"invalid TOML: {message}") from None


def _parse_json(file: Path, text: str) -> dict[str, Any]:
    if not text.strip():
        raise ConfigError(file, "the file is empty; the configuration must be a JSON object")
    try:
        data = json5.loads(text)
    except ValueError as exc:
        message = str(exc)
        position = _JSON5_POSITION.match(message)
        line = int(position.group(1)) if position else None
        detail = _JSON5_POSITION.sub("", message)
        raise ConfigError(file, f"invalid JSON: {detail}", line=line) from None
    if not isinstance(data, dict):
        raise ConfigError(file, "the configuration must be a JSON object", line=1)
    return data
