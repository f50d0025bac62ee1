"""A version's load error as its author reads it: their files and lines, Hearth's folded away.

The code runs from a folder the user never sees (`<data-dir>/bundles/<digest>/`, or the
project's `src/` under `hearth dev`), imported through Hearth's loader: a plain traceback
would show the runtime's frames and the server's paths. `user_traceback` keeps the frames of
the bundle's own files, with paths as the user knows them (`shown_as` / relative path).
"""

from __future__ import annotations

import traceback
from pathlib import Path

__all__ = ["LoadError", "load_error", "user_traceback"]

_CAUSE = "\nThe above exception was the direct cause of the following exception:\n\n"
_CONTEXT = "\nDuring handling of the above exception, another exception occurred:\n\n"


class LoadError(Exception):
    """A version whose code does not load; `str()` names file and line, `traceback` shows
    the user's frames."""

    def __init__(self, message: str, traceback_text: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.traceback = traceback_text


def load_error(error: BaseException, root: Path, shown_as: str = "") -> LoadError:
    """`src/entry.py:8: NameError: name 'x' is not defined`, and the user's traceback.
    `shown_as` is the bundle folder's path as the user names it (`src/`), or nothing."""
    where = ""
    if isinstance(error, SyntaxError) and error.filename:
        where = f"{_shown(error.filename, root, shown_as)}:{error.lineno}: "
    else:
        frames = [f for f in traceback.extract_tb(error.__traceback__) if _inside(f.filename, root)]
        if frames:
            where = f"{_shown(frames[-1].filename, root, shown_as)}:{frames[-1].lineno}: "
    summary = f"{type(error).__name__}: {error}"
    if isinstance(error, SyntaxError):
        summary = f"SyntaxError: {error.msg}"
    return LoadError(f"{where}{summary}", user_traceback(error, root, shown_as))


def user_traceback(error: BaseException, root: Path, shown_as: str = "") -> str:
    """The traceback of `error` (and its causes) with only the frames of files under `root`,
    their paths shown relative to it; what was left out is counted in one line."""
    report = traceback.TracebackException.from_exception(error)
    lines: list[str] = []
    chain: list[tuple[traceback.TracebackException, str]] = []
    current: traceback.TracebackException | None = report
    note = ""
    while current is not None:
        chain.append((current, note))
        if current.__cause__ is not None:
            current, note = current.__cause__, _CAUSE
        elif current.__context__ is not None and not current.__suppress_context__:
            current, note = current.__context__, _CONTEXT
        else:
            current = None
    for exception, note in reversed(chain):
        lines += _one(exception, root, shown_as)
        if note:
            lines.append(note)
    return "".join(lines)


def _one(report: traceback.TracebackException, root: Path, shown_as: str) -> list[str]:
    kept = [frame for frame in report.stack if _inside(frame.filename, root)]
    hidden = len(report.stack) - len(kept)
    lines = []
    if kept or hidden:
        lines.append("Traceback (most recent call last):\n")
    if hidden:  # the loader's and the import system's, around the user's own
        lines.append(f"  ({hidden} frame{'s' if hidden > 1 else ''} of Hearth and Python hidden)\n")
    for frame in kept:
        frame.filename = _shown(frame.filename, root, shown_as)
    lines += traceback.StackSummary.from_list(kept).format()
    filename = getattr(report, "filename", None)  # set on a SyntaxError only
    if filename is not None and _inside(filename, root):
        report.filename = _shown(filename, root, shown_as)
    report.stack = traceback.StackSummary()
    report.__cause__ = report.__context__ = None
    lines += report.format_exception_only()
    return lines


def _inside(filename: str, root: Path) -> bool:
    return filename.startswith(f"{root}/")


def _shown(filename: str, root: Path, shown_as: str) -> str:
    if not _inside(filename, root):
        return filename
    return shown_as + filename[len(str(root)) + 1 :]
