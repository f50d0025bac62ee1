"""`.dev.vars`: local secrets in dotenv syntax, read by python-dotenv's parser (quotes,
`export`, comments, multi-line values, as wrangler's dotenv reads them). Values are taken as
written: no `${VAR}` expansion, as in wrangler."""

from __future__ import annotations

import io
from pathlib import Path

from dotenv.parser import parse_stream

from ._errors import ConfigError, format_location


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
    assignments: dotenv skips those silently, Hearth reports them as warnings."""
    values: dict[str, str] = {}
    skipped: list[int] = []
    for binding in parse_stream(io.StringIO(text)):
        if binding.error:
            skipped.append(binding.original.line)
        elif binding.key is not None:
            values[binding.key] = binding.value or ""
    return values, skipped
