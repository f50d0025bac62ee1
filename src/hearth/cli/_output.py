"""Human output (Rich tables, notes on stderr) and `--json` output for scripts."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Sequence
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

__all__ = ["Json", "err", "out", "print_json", "show", "table", "when"]

# Piped output is read by scripts and `grep`: wide enough that table rows never wrap.
out = Console(
    highlight=False, soft_wrap=True, markup=False, width=None if sys.stdout.isatty() else 500
)
err = Console(stderr=True, highlight=False, soft_wrap=True, markup=False)

Json = Annotated[bool, typer.Option("--json", help="Print JSON (for scripts) instead of a table.")]


def print_json(data: Any) -> None:
    # Plain print: Rich would wrap long lines and colour the output.
    sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")


def when(value: str | None) -> str:
    """`2026-11-29T02:03:04.123456Z` → `2026-11-29 02:03:04`."""
    return value.replace("T", " ")[:19] if value else ""


def table(
    rows: Sequence[dict[str, Any]],
    columns: Sequence[tuple[str, Callable[[dict[str, Any]], Any]]],
    *,
    empty: str,
) -> None:
    if not rows:
        err.print(empty)
        return
    grid = Table(box=None, header_style="bold", pad_edge=False)
    for title, _ in columns:
        grid.add_column(title, overflow="fold")
    for row in rows:
        grid.add_row(*(Text("" if (v := get(row)) is None else str(v)) for _, get in columns))
    out.print(grid)


def show(data: Any, as_json: bool, human: Callable[[], None]) -> None:
    """Either the JSON, or the human rendering."""
    if as_json:
        print_json(data)
    else:
        human()
