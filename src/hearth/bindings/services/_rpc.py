"""An RPC method of a stub (`env.USERS.get_user`, `env.COUNTER.get(id).bump`): what every
worker-to-worker call does around sending it."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from ...fetch import Request
from ...runtime import ExecutionContext, current_invocation
from .._clone import clone, clone_args, clone_kwargs, remote_error
from ._directory import count_invocation

#: Sends the call: (the invocation making it or None, cloned args, cloned kwargs) -> result.
SendCall = Callable[[ExecutionContext | None, tuple[Any, ...], dict[str, Any]], Awaitable[Any]]


def rpc_method(name: str, send: SendCall) -> Callable[..., Awaitable[Any]]:
    """Arguments and result cross by structured clone, the call counts against the request's
    invocation budget, and an exception reaches the caller as `remote_error` makes it (its
    type and message: a binding's own "nothing deployed" reads as it was raised)."""

    async def call(*args: Any, **kwargs: Any) -> Any:
        if args:
            args = clone_args(args)
        if kwargs:
            kwargs = clone_kwargs(kwargs)
        caller = current_invocation.get()
        if caller is not None:
            count_invocation(caller)
        try:
            result = await send(caller, args, kwargs)
        except Exception as error:
            raise remote_error(error) from None
        return clone(result)

    call.__name__ = name
    return call


def outgoing_request(
    input: Any, init: dict[str, Any] | None, kwargs: dict[str, Any]
) -> tuple[Request, ExecutionContext | None]:
    """A stub's `fetch(input, init, **kwargs)` as the Request it sends (Fetch semantics: a
    lone Request goes as it is, anything else becomes a new one) and the invocation making
    the call, already counted against the request's invocation budget."""
    if init is None and not kwargs and isinstance(input, Request):
        request = input
    else:
        request = Request(input, init, **kwargs)
    caller = current_invocation.get()
    if caller is not None:
        count_invocation(caller)
    return request, caller
