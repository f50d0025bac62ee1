"""The base classes user code subclasses (re-exported by `workers`)."""

from __future__ import annotations

from typing import Any


class WorkerEntrypoint:
    """`class Default(WorkerEntrypoint)`: a new instance serves each invocation.

    Public methods other than the handlers are RPC methods reachable through service bindings.
    """

    def __init__(self, ctx: Any, env: Any) -> None:
        self.ctx = ctx
        self.env = env


class DurableObject:
    """Base of Durable Object classes; one live instance per object id (see bindings)."""

    def __init__(self, ctx: Any, env: Any) -> None:
        self.ctx = ctx
        self.env = env


def handler(func: Any) -> Any:
    """`@handler` converts JS objects on Cloudflare; here requests are already Python objects."""
    return func
