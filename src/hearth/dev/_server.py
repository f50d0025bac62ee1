"""The `hearth dev` server: the project on localhost, a console log, reload on save."""

from __future__ import annotations

import asyncio
import signal
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from rich.console import Console
from watchfiles import DefaultFilter, awatch

from ..edge._app import EdgeApp, Scope
from ..edge._server import make_server
from ..fetch import Response, aclose_client
from ..runtime import InProcessRuntime, TraceEvent
from ._project import DevProject, LoadFailure

_LEVEL_STYLE = {"error": "red", "warn": "yellow", "debug": "dim"}


class _ProjectFilter(DefaultFilter):
    ignore_dirs = (*DefaultFilter.ignore_dirs, ".hearth", ".hearth-data")


class DevServer:
    def __init__(
        self,
        path: Path,
        *,
        env: str | None = None,
        host: str = "localhost",
        port: int = 8787,
        log_requests: bool = True,
        console: Console | None = None,
    ) -> None:
        self.console = console or Console(file=sys.__stdout__, highlight=False)
        self.runtime = InProcessRuntime()
        self.project = DevProject(path, env, self.runtime)
        self.host = host
        self.port = port
        self.app = EdgeApp(self.runtime, self._resolve)
        self.app.on_shutdown.append(aclose_client)
        self.server = make_server(self.app, host, port)
        self.reloaded = asyncio.Event()  # set after every reload (tests wait on it)
        if log_requests:
            self.runtime.trace_bus.subscribe(self._print_trace)

    def _resolve(self, scope: Scope) -> str | Response:
        current = self.project.current
        return current if type(current) is str else current.response()

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    async def start(self) -> None:
        await self._load()
        config = self.project.config
        name = config.name if config else self.project.path
        env = f" (environment {config.env})" if config and config.env else ""
        self.console.print(f"[bold]hearth dev[/] serving [cyan]{name}[/]{env} at {self.url}")

    async def serve(self, install_signal_handlers: bool = True) -> None:
        await self.start()
        if install_signal_handlers:
            loop = asyncio.get_running_loop()
            for sig in (signal.SIGINT, signal.SIGTERM):
                loop.add_signal_handler(sig, self.stop)
        watcher = asyncio.ensure_future(self._watch())
        try:
            await self.server.serve()
        finally:
            watcher.cancel()

    def stop(self) -> None:
        self.server.should_exit = True

    async def _load(self) -> None:
        result = await self.project.reload()
        for warning in self.project.warnings:
            self.console.print(f"[yellow]warning[/] {warning}")
        if isinstance(result, LoadFailure):
            self.console.print(f"[red bold]{result.title}[/]")
            if result.detail:
                self.console.print(result.detail, markup=False, style="red")
        self.reloaded.set()

    async def _watch(self) -> None:
        async for changes in awatch(self.project.root, watch_filter=_ProjectFilter()):
            names = sorted({Path(path).name for _, path in changes})
            self.console.print(f"[dim]change in {', '.join(names)}, reloading[/]")
            self.reloaded.clear()
            await self._load()
            if type(self.project.current) is str:
                self.console.print("[green]reloaded[/]")

    def _print_trace(self, trace: TraceEvent) -> None:
        print_trace(self.console.print, trace)


def print_trace(out: Callable[..., Any], trace: TraceEvent) -> None:
    """One line per request (method, path, status, ms), then the worker's logs."""
    if trace.kind == "fetch" and trace.request is not None:
        request = trace.request
        path = request.url.split("/", 3)[3] if request.url.count("/") >= 3 else ""
        status = trace.status or 500
        colour = "green" if status < 400 else "yellow" if status < 500 else "red"
        out(
            f"{request.method} /{path} [{colour}]{status}[/] ({trace.wall_time_ms:.2f} ms)",
            highlight=False,
        )
    elif trace.kind == "rpc":
        out(f"  ↳ {trace.script_name}.{trace.event.method}() ({trace.wall_time_ms:.2f} ms)")
    else:
        out(f"{trace.kind} {getattr(trace.event, 'cron', '')} - {trace.outcome}")
    for entry in trace.logs:
        style = _LEVEL_STYLE.get(entry["level"], "")
        text = " ".join(str(part) for part in entry["message"])
        out(f"  ({entry['level']}) {text}", style=style, markup=False, highlight=False)
    for exc in trace.exceptions:
        out(exc["stack"].rstrip(), style="red", markup=False, highlight=False)
