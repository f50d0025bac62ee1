"""Cloudflare's Python Workers API (`from workers import WorkerEntrypoint, Response`)."""

from typing import Any

from hearth.fetch import URL, FormData, Headers, Request, Response, fetch
from hearth.runtime import DurableObject, WorkerEntrypoint, current_invocation, handler, wait_until

waitUntil = wait_until  # noqa: N816 - Cloudflare's name


class _CurrentEnv:
    """`from workers import env`: the env of whichever invocation is running."""

    def _env(self) -> Any:
        invocation = current_invocation.get()
        if invocation is None:
            raise RuntimeError("workers.env is only available while a worker is handling an event")
        return invocation.env

    def __getattr__(self, name: str) -> Any:
        return getattr(self._env(), name)

    def __getitem__(self, name: str) -> Any:
        return self._env()[name]

    def __contains__(self, name: object) -> bool:
        return name in self._env()


env = _CurrentEnv()

__all__ = [
    "URL",
    "DurableObject",
    "FormData",
    "Headers",
    "Request",
    "Response",
    "WorkerEntrypoint",
    "env",
    "fetch",
    "handler",
    "waitUntil",
    "wait_until",
]
