"""Which line of a config file each key is written on.

tomllib and json5 return plain values without positions, so once a file has parsed, its text
is scanned again with a small forgiving tokenizer that only follows structure (tables,
arrays, keys). The result maps a key path such as ``("env", "staging", "services", 1,
"binding")`` to a line; a key that is not written (a missing required field) is reported at
the nearest enclosing key that is.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal

KeyPath = tuple[str | int, ...]
Format = Literal["toml", "json"]

# Bare TOML words: keys, numbers, booleans and date-times. Dots are kept inside the word
# and split off when the word is used as a key, so `3.14` stays one value token.
_TOML_WORD = re.compile(r"[A-Za-z0-9_\-+.:]+")
_JSON_WORD = re.compile(r"[^\s\[\]{},:\"'/]+")


@dataclass(frozen=True, slots=True)
class _Token:
    kind: Literal["str", "word", "punct", "nl"]
    text: str
    line: int
    start: int

    def is_punct(self, char: str) -> bool:
        return self.kind == "punct" and self.text == char


class KeyLines:
    """Lines of the keys of one file."""

    def __init__(self, text: str, fmt: Format) -> None:
        tokens = _toml_tokens(text) if fmt == "toml" else _json_tokens(text)
        walker = _Walker(list(tokens), "=" if fmt == "toml" else ":")
        if fmt == "toml":
            walker.toml_document()
        else:
            walker.value(())
        self._lines = walker.lines

    def line(self, path: KeyPath) -> int | None:
        for end in range(len(path), 0, -1):
            found = self._lines.get(path[:end])
            if found is not None:
                return found
        return None


def _decode_basic(body: str) -> str:
    # TOML basic strings and JSON strings share the common escapes; a key with an exotic
    # escape only loses its line, never the parse.
    try:
        return json.loads(f'"{body}"')
    except ValueError:
        return body


def _toml_tokens(text: str) -> Iterator[_Token]:
    i, line, n = 0, 1, len(text)
    while i < n:
        c = text[i]
        if c == "\n":
            yield _Token("nl", c, line, i)
            line += 1
            i += 1
        elif c in " \t\r":
            i += 1
        elif c == "#":
            end = text.find("\n", i)
            i = n if end < 0 else end
        elif text.startswith(('"""', "'''"), i):
            quote = text[i : i + 3]
            end = _find_close(text, i + 3, quote, escapes=quote[0] == '"')
            # A multi-line string may end in one or two quotes of its own before the closer.
            while text.startswith(quote[0], end + 3) and end + 3 < n:
                end += 1
            body = text[i + 3 : end]
            yield _Token("str", body, line, i)
            line += body.count("\n")
            i = end + 3
        elif c in "\"'":
            end = _find_close(text, i + 1, c, escapes=c == '"', stop_at_newline=True)
            body = text[i + 1 : end]
            yield _Token("str", _decode_basic(body) if c == '"' else body, line, i)
            i = end + 1
        elif c in "[]{},=":
            yield _Token("punct", c, line, i)
            i += 1
        else:
            match = _TOML_WORD.match(text, i)
            end = match.end() if match else i + 1
            yield _Token("word", text[i:end], line, i)
            i = end


def _json_tokens(text: str) -> Iterator[_Token]:
    i, line, n = 0, 1, len(text)
    while i < n:
        c = text[i]
        if c == "\n":
            line += 1
            i += 1
        elif c.isspace():
            i += 1
        elif text.startswith("//", i):
            end = text.find("\n", i)
            i = n if end < 0 else end
        elif text.startswith("/*", i):
            end = text.find("*/", i + 2)
            end = n if end < 0 else end
            line += text.count("\n", i, end)
            i = end + 2
        elif c in "\"'":
            end = _find_close(text, i + 1, c, escapes=True)
            body = text[i + 1 : end]
            key = _decode_basic(body) if c == '"' else body.replace("\\'", "'")
            yield _Token("str", key, line, i)
            line += body.count("\n")
            i = end + 1
        elif c in "[]{},:":
            yield _Token("punct", c, line, i)
            i += 1
        else:
            match = _JSON_WORD.match(text, i)
            end = match.end() if match else i + 1
            yield _Token("word", text[i:end], line, i)
            i = end


def _find_close(
    text: str, start: int, quote: str, *, escapes: bool, stop_at_newline: bool = False
) -> int:
    i = start
    while i < len(text):
        if escapes and text[i] == "\\":
            i += 2
        elif text.startswith(quote, i) or (stop_at_newline and text[i] == "\n"):
            return i
        else:
            i += 1
    return len(text)


class _Walker:
    """Follows tables, arrays and keys through a token list, recording each key's line."""

    def __init__(self, tokens: list[_Token], separator: str) -> None:
        self.tokens = tokens
        self.pos = 0
        self.separator = separator
        self.lines: dict[KeyPath, int] = {}

    def peek(self, *, skip_newlines: bool = False) -> _Token | None:
        while skip_newlines and self.pos < len(self.tokens) and self.tokens[self.pos].kind == "nl":
            self.pos += 1
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def advance(self) -> _Token:
        token = self.tokens[self.pos]
        self.pos += 1
        return token

    def record(self, path: KeyPath, line: int) -> None:
        # The first place a table is mentioned is where it is "written", also for the
        # implicit parents of dotted keys (`vars.FOO = 1` writes `vars` too).
        for end in range(1, len(path) + 1):
            self.lines.setdefault(path[:end], line)

    def key(self, stop: str) -> tuple[list[str], bool]:
        """Key parts up to `stop` (consumed); False if the line holds no such key."""
        parts: list[str] = []
        while (token := self.peek()) is not None:
            if token.kind == "str":
                parts.append(token.text)
            elif token.kind == "word":
                parts.extend(part for part in token.text.split(".") if part)
            elif token.is_punct(stop):
                self.advance()
                return parts, True
            else:
                return parts, False
            self.advance()
        return parts, False

    def value(self, path: KeyPath) -> None:
        token = self.peek()
        if token is None or token.kind == "nl":
            return
        self.advance()
        if token.is_punct("["):
            self.array(path)
        elif token.is_punct("{"):
            self.table(path)

    def array(self, path: KeyPath) -> None:
        index = 0
        while (token := self.peek(skip_newlines=True)) is not None:
            if token.is_punct("]"):
                self.advance()
                return
            if token.is_punct(","):
                self.advance()
                index += 1
                continue
            self.record((*path, index), token.line)
            self.value((*path, index))

    def table(self, path: KeyPath) -> None:
        while (token := self.peek(skip_newlines=True)) is not None:
            if token.is_punct("}"):
                self.advance()
                return
            if token.is_punct(","):
                self.advance()
                continue
            parts, found = self.key(self.separator)
            if found and parts:
                self.record((*path, *parts), token.line)
                self.value((*path, *parts))
            elif self.peek() is token:
                self.advance()

    def toml_document(self) -> None:
        header: KeyPath = ()
        array_tables: dict[KeyPath, int] = {}
        while (token := self.peek()) is not None:
            if token.kind == "nl":
                self.advance()
                continue
            if token.is_punct("["):
                self.advance()
                following = self.peek()
                is_array = (
                    following is not None
                    and following.is_punct("[")
                    and following.start == token.start + 1
                )
                if is_array:
                    self.advance()
                parts, _ = self.key("]")
                header = _resolve_header(parts, array_tables, is_array)
                self.record(header, token.line)
            else:
                parts, found = self.key(self.separator)
                if found and parts:
                    self.record((*header, *parts), token.line)
                    self.value((*header, *parts))
            self._skip_line()

    def _skip_line(self) -> None:
        while (token := self.peek()) is not None and token.kind != "nl":
            self.advance()


def _resolve_header(parts: list[str], array_tables: dict[KeyPath, int], is_array: bool) -> KeyPath:
    """`[[a.b]]` under the third `[[a]]` is path ("a", 2, "b", n): insert array indices."""
    resolved: list[str | int] = []
    for position, part in enumerate(parts):
        resolved.append(part)
        key = tuple(resolved)
        if is_array and position == len(parts) - 1:
            array_tables[key] = array_tables.get(key, -1) + 1
            resolved.append(array_tables[key])
        elif key in array_tables:
            resolved.append(array_tables[key])
    return tuple(resolved)
