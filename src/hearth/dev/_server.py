"""The `hearth dev` server: the project on localhost, a console log, reload on save.

Several projects may share one session (`hearth dev -c gateway -c auth`): the first is served
on the port, the others are reached through service bindings (the server is their
`ServiceDirectory`), each reloaded when its own files change."""

from __future__ import annotations

import asyncio
import functools
import logging
import os
import signal
import socket
import sys
import webbrowser
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.markup import escape
from starlette.types import Scope
from watchfiles import DefaultFilter, awatch

from ..bindings import build_env, declared_bindings
from ..bindings.durable_objects import DurableObjectManager, current_version
from ..bindings.kv import SQLITE_FILENAME, SqliteKVStore
from ..edge import EdgeApp, make_server
from ..fetch import Response, aclose_client
from ..runtime import InProcessRuntime
from ..triggers import scheduled_paths, scheduled_response
from ._banner import HOTKEYS, binding_lines, hotkeys
from ._lines import LineWriter, print_trace
from ._project import DevProject, LoadFailure

LOCAL_ACCOUNT = "local"  # VersionSpec's default account: every dev session version's


class DevError(Exception):
    """A dev session that cannot start (its port is taken); one line for the user."""


class _ProjectFilter(DefaultFilter):
    ignore_dirs = (*DefaultFilter.ignore_dirs, ".hearth", ".hearth-data")
    # Editors' temp files (sed -i's sedXXXXXX, vim's 4913 probe, *.tmp) are no change to report.
    ignore_entity_patterns = (
        *DefaultFilter.ignore_entity_patterns,
        r"^sed[A-Za-z0-9]{6}$",
        r"^4913$",
        r"\.tmp$",
    )


#: A project to run: its directory or config file, and its environment when not `--env`'s.
ProjectPath = Path | tuple[Path, str | None]


class DevServer:
    def __init__(
        self,
        path: ProjectPath | Sequence[ProjectPath],
        *,
        env: str | None = None,
        host: str = "localhost",
        port: int = 8787,
        log_requests: bool = True,
        console: Console | None = None,
        persist_to: Path | None = None,
        test_scheduled: bool = False,
    ) -> None:
        self.console = console or Console(file=sys.__stdout__, highlight=False)
        self.lines = LineWriter(self.console)
        self.runtime = InProcessRuntime(build_env, platform=self)  # the directory of its bindings
        paths = [path] if isinstance(path, Path | tuple) else list(path)
        self.projects = [
            DevProject(p, env, self.runtime)
            if isinstance(p, Path)
            else DevProject(p[0], p[1] or env, self.runtime)
            for p in paths
        ]
        self.project = self.projects[0]  # the one served on the port
        # KV data outlives the session, in the served project's `.hearth/` unless told otherwise.
        self.persist_to = persist_to or self.project.root / ".hearth"
        # Crons never fire on their own in dev; these paths fire one by hand (wrangler's).
        self.scheduled_paths = scheduled_paths(test_scheduled)
        self._kv: SqliteKVStore | None = None
        self._durable_objects: DurableObjectManager | None = None
        self._services: dict[tuple[str, str | None], DevProject] = {}
        self.host = host
        self.port = port
        self.app = EdgeApp(self.runtime, self._resolve)
        self.app.on_shutdown.append(aclose_client)
        self.server = make_server(self.app, host, port, ws="none")  # as hearth serve's workers
        self._warned: set[str] = set()
        self.reloaded = asyncio.Event()  # set after every reload (tests wait on it)
        self.log_requests = log_requests
        if log_requests:
            printer = functools.partial(print_trace, self.lines)  # no method frame per request
            self.runtime.trace_bus.subscribe(printer, cpu_time=False)

    def _resolve(self, scope: Scope) -> str | Response | Awaitable[Response]:
        current = self.project.current
        if type(current) is str:
            if scope["path"] in self.scheduled_paths:
                return scheduled_response(self.runtime, current, scope["query_string"])
            return current
        assert isinstance(current, LoadFailure)
        if self.log_requests:  # no worker ran, so no trace: the line is written here
            status = self.lines.paint("500", "red")
            self.lines.write(
                f"{scope['method']} {scope['path']} {status} (the worker does not load)"
            )
        return current.response()

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    async def start(self) -> None:
        for project in self.projects:
            project.read_config()
        self._index()
        for project in self.projects:
            await self._load(project)
        self.reloaded.set()
        config = self.project.config
        name = config.name if config else self.project.path
        env = f" (environment {config.env})" if config and config.env else ""
        self._say(f"[bold]hearth dev[/] serving [cyan]{name}[/]{env} at {self.url}")
        for other in self.projects[1:]:
            label = other.config.name if other.config else other.path
            self._say(f"  with [cyan]{label}[/] ({other.environment}) for bindings")
        if config is not None:
            running = {p.config.name for p in self.projects if p.config is not None}
            for line in binding_lines(config, running):
                self._say(line, markup=False)

    # -- ServiceDirectory (hearth.bindings.services) ----------------------------------------

    def resolve_service(
        self, account: str, service: str, environment: str | None
    ) -> DevProject | None:
        """The session's project of that service: the environment asked for, or, when the
        binding names none, the one the session runs (usually what the user means with
        `--env`); the account plays no part in one local session."""
        return self._services.get((service, environment))

    def _index(self) -> None:
        """(service, environment) → project, rebuilt whenever a config is (re)read, so that a
        binding call costs one dict lookup. `None` is what a binding without an environment
        reaches: the project's environment if the session runs one of that service, else
        production."""
        services: dict[tuple[str, str | None], DevProject] = {}
        for project in reversed(self.projects):  # the first project given wins a tie
            if project.config is not None:
                services[project.config.name, project.environment] = project
        for (name, environment), project in list(services.items()):
            same = [key for key in services if key[0] == name]
            if len(same) == 1 or environment == "production":
                services[name, None] = project
        self._services = services

    def missing_service(self, account: str, service: str, environment: str | None) -> str:
        running = [
            p.environment
            for p in self.projects
            if p.config is not None and p.config.name == service
        ]
        if running:
            return (
                f"service {service!r} runs in this dev session as environment "
                f"{', '.join(map(repr, running))}, not {environment or 'production'!r}"
            )
        return (
            f"service {service!r} is not part of this dev session "
            f"(add its project: hearth dev -c {self.project.path.name} -c <{service}'s folder>)"
        )

    async def serve(self, install_signal_handlers: bool = True) -> None:
        listening = self._listen()  # before the banner: a taken port is the first thing said
        await self.start()
        if install_signal_handlers:
            loop = asyncio.get_running_loop()
            for sig in (signal.SIGINT, signal.SIGTERM):
                loop.add_signal_handler(sig, self.stop)
        watcher = asyncio.ensure_future(self._watch())
        keys: dict[str, Callable[[], object]] = {
            "b": lambda: webbrowser.open(self.url),
            "c": self.console.clear,
            "x": self.stop,
        }
        try:
            with hotkeys(keys) as interactive:
                if interactive:
                    self._say(f"[dim]{escape(HOTKEYS)}[/]")
                await self.server.serve(sockets=[listening])
        finally:
            watcher.cancel()
            self.lines.flush()

    def stop(self) -> None:
        self.server.should_exit = True

    def _listen(self) -> socket.socket:
        try:
            family = socket.getaddrinfo(self.host, self.port, type=socket.SOCK_STREAM)[0][0]
            listening = socket.create_server((self.host, self.port), family=family)
        except OSError as error:
            reason = os.strerror(error.errno) if error.errno else str(error)
            raise DevError(
                f"cannot listen on {self.host}:{self.port}: {reason} "
                "(another hearth dev or wrangler dev? pick another with --port)"
            ) from None
        self.port = listening.getsockname()[1]  # --port 0: the one the system chose
        return listening

    async def _load(self, project: DevProject | None = None) -> None:
        project = project or self.project
        result = await project.reload()
        self._index()
        if project.config is not None:
            for binding in declared_bindings(project.config):
                await binding.prepare_local(self, LOCAL_ACCOUNT)
        for warning in project.warnings:
            # Once per session: a warning repeated on every save would drown the request log.
            if warning not in self._warned:
                self._warned.add(warning)
                self._say(f"[yellow]warning[/] {warning}")
        if isinstance(result, LoadFailure):
            self._say(f"[red bold]{result.title}[/]")
            if result.detail:
                self._say(result.detail, markup=False, style="red")

    @property
    def kv(self) -> SqliteKVStore:
        """The session's KV data, opened when a binding first needs it (a project without KV
        leaves no `.hearth/` behind)."""
        if self._kv is None:
            self.persist_to.mkdir(parents=True, exist_ok=True)
            self._kv = SqliteKVStore(self.persist_to / SQLITE_FILENAME)
            self._kv.start_sweeper()  # expired keys and released large values go, as in serve
            self.app.on_shutdown.append(self._kv.close)
        return self._kv

    @property
    def durable_objects(self) -> DurableObjectManager:
        """The session's Durable Objects, their storage under `persist_to` like KV data (made
        when a binding first needs them, in the running event loop)."""
        if self._durable_objects is None:
            manager = DurableObjectManager(
                self.persist_to / "durable_objects",
                self.runtime,
                lambda namespace: current_version(self, namespace),
            )
            manager.start()
            self.app.on_shutdown.append(manager.stop)
            self._durable_objects = manager
        return self._durable_objects

    async def _watch(self) -> None:
        roots = sorted({p.root for p in self.projects})
        # Stored data may live inside a project (`--persist-to .wrangler/state`): its writes
        # are not code changes.
        watch_filter = _ProjectFilter(ignore_paths=[self.persist_to.resolve()])
        # watchfiles says "N changes detected" at INFO; our own line names the files instead.
        logging.getLogger("watchfiles.main").setLevel(logging.WARNING)
        async for changes in awatch(*roots, watch_filter=watch_filter):
            names = sorted({Path(path).name for _, path in changes})
            changed = [
                p for p in self.projects if any(Path(c).is_relative_to(p.root) for _, c in changes)
            ]
            # A project that failed (a binding to a project whose config was broken, say) may
            # load now that another one changed: try it again too.
            again = [p for p in self.projects if p not in changed and type(p.current) is not str]
            self._say(f"[dim]change in {escape(', '.join(names))}, reloading[/]")
            self.reloaded.clear()
            for project in changed:
                project.read_config()
            self._index()
            for project in changed + again:
                await self._load(project)
            self.reloaded.set()
            if all(type(p.current) is str for p in changed):
                self._say("[green]reloaded[/]")

    def _say(self, *args: Any, **kwargs: Any) -> None:
        """The console's own messages, after the request lines written before them."""
        self.lines.flush()
        self.console.print(*args, **kwargs)
