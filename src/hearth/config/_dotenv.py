"""`.dev.vars`: local secrets in dotenv syntax, read the way wrangler (the `dotenv` package)
reads them."""

from __future__ import annotations

import re
from pathlib import Path

from ._errors import ConfigError, format_location

_ASSIGNMENT = re.compile(r"^\s*(?:export\s+)?([\w.-]+)\s*=\s*(.*)$")
_QUOTES = "\"'`"


def dev_vars_file(root: Path, env: str | None) -> Path | None:
    """`.dev.vars.<env>` replaces `.dev.vars` for that environment when it exists."""
    candidates = [root / f".dev.vars.{env}"] if env else []
    candidates.append(root / ".dev.vars")
    return next((path for path in candidates if path.is_file()), None)


def read_dev_vars(file: Path, warnings: list[str]) -> dict[str, str]:
    try:
        text = file.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ConfigError(file, f"not UTF-8 text ({exc.reason})") from None
    except OSError as exc:
        raise ConfigError(file, f"cannot read: {exc.strerror}") from None
    values, skipped = parse_dotenv(text)
    for line in skipped:
        warnings.append(format_location(file, line, None, "not a KEY=value line, ignored"))
    return values


def parse_dotenv(text: str) -> tuple[dict[str, str], list[int]]:
    """Values by name (a later duplicate wins), and the numbers of lines that were not
    assignments — dotenv skips those silently; Hearth reports them as warnings."""
    values: dict[str, str] = {}
    skipped: list[int] = []
    lines = text.replace("\r\n", "\n").split("\n")
    number = 0
    while number < len(lines):
        line = lines[number]
        number += 1
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        match = _ASSIGNMENT.match(line)
        if not match:
            skipped.append(number)
            continue
        name, raw = match.group(1), match.group(2)
        if raw and raw[0] in _QUOTES:
            # A quoted value may run over several lines until its closing quote.
            quote, body, resume = raw[0], raw[1:], number
            while _closing(body, quote) < 0 and number < len(lines):
                body += "\n" + lines[number]
                number += 1
            end = _closing(body, quote)
            if end < 0:  # never closed: dotenv reads the line as an unquoted value
                number = resume
                values[name] = raw.split("#", 1)[0].strip()
                continue
            value = body[:end]
            if quote == '"':
                value = value.replace("\\n", "\n").replace("\\r", "\r").replace('\\"', '"')
            values[name] = value
        else:
            # Unquoted values end at the first '#', as in dotenv.
            values[name] = raw.split("#", 1)[0].strip()
    return values, skipped


def _closing(body: str, quote: str) -> int:
    i = 0
    while i < len(body):
        if body[i] == "\\" and quote == '"':
            i += 2
        elif body[i] == quote:
            return i
        else:
            i += 1
    return -1
