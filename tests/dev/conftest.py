from __future__ import annotations

import asyncio
import io
import tempfile
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from rich.console import Console

from hearth.dev import DevServer
from hearth.dev._lines import LineWriter
from hearth.edge._server import free_port

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


class Output(io.StringIO):
    """What the session printed so far: request lines wait a few ms in their buffer
    (`dev/_lines.py`), so reading flushes them first."""

    lines: LineWriter | None = None

    def getvalue(self) -> str:
        if self.lines is not None:
            self.lines.flush()
        return super().getvalue()


@asynccontextmanager
async def running_dev(
    path: Path | list[Path | tuple[Path, str | None]],
    env: str | None = None,
    persist_to: Path | None = None,
    test_scheduled: bool = False,
) -> AsyncIterator[DevServer]:
    """A real `hearth dev` server on a free loopback port, in this event loop (several
    projects, as `-c A -c B`, when given a list: the first is served). KV data goes to
    `persist_to`, or a temporary directory (the examples' folders stay clean)."""
    output = Output()
    with tempfile.TemporaryDirectory() as scratch:
        server = DevServer(
            path,
            env=env,
            host="127.0.0.1",
            port=free_port(),
            console=Console(file=output, width=200, highlight=False),
            persist_to=persist_to or Path(scratch),
            test_scheduled=test_scheduled,
        )
        output.lines = server.lines
        server.output = output  # type: ignore[attr-defined]
        task = asyncio.ensure_future(server.serve(install_signal_handlers=False))
        while not server.server.started:
            if task.done():
                task.result()
            await asyncio.sleep(0.01)
        try:
            yield server
        finally:
            server.stop()
            await task
