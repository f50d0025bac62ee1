"""`hearth dev`'s request lines: coloured only on a terminal, in order with the console."""

from __future__ import annotations

import asyncio
import io

from rich.console import Console

from hearth.dev._lines import FLUSH_DELAY, LineWriter


def test_colour_only_on_a_terminal_and_never_with_no_color(monkeypatch) -> None:
    terminal = LineWriter(Console(file=io.StringIO(), force_terminal=True))
    assert terminal.paint("200", "green") == "\x1b[32m200\x1b[0m"
    piped = LineWriter(Console(file=io.StringIO()))
    assert piped.paint("200", "green") == "200"
    monkeypatch.setenv("NO_COLOR", "1")
    no_color = LineWriter(Console(file=io.StringIO(), force_terminal=True))
    assert no_color.paint("200", "green") == "200"


async def test_lines_are_written_together_a_few_milliseconds_after_the_first() -> None:
    out = io.StringIO()
    lines = LineWriter(Console(file=out))
    lines.write("GET / 200")
    await asyncio.sleep(0)
    lines.write("GET /a 404")
    assert out.getvalue() == ""  # one write for the burst, not one per request
    await asyncio.sleep(FLUSH_DELAY * 2)
    assert out.getvalue() == "GET / 200\nGET /a 404\n"
