"""Following an environment's tail from a client (`hearth tail`): the WebSocket, its framing,
and reconnecting when the server restarts (websockets' reconnecting `connect`, told which
failures are final)."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable, Generator
from typing import Any
from urllib.parse import quote, urlencode, urlsplit, urlunsplit

import orjson
from websockets.asyncio.client import connect
from websockets.exceptions import (
    ConnectionClosed,
    ConnectionClosedOK,
    InvalidHandshake,
    InvalidStatus,
)

from ._filters import TailFilters

__all__ = ["TailError", "follow", "tail_url"]

FIRST_DELAY = 0.5  # seconds before the first reconnection attempt, doubling…
MAX_DELAY = 5.0  # …up to this
MAX_MESSAGE = 16 * 2**20  # an event with large logs is still one message
# Refusals worth retrying once the tail has been open: the server may be starting or busy.
_RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})


class TailError(Exception):
    """The tail cannot be followed; `str()` is one line for a person (status and the server's
    message, or why the server could not be reached)."""


def tail_url(
    api_url: str,
    service: str,
    environment: str,
    version: str | None = None,
    filters: TailFilters | None = None,
) -> str:
    """The WebSocket URL of a tail, from the admin listener's base URL (`http://host:port`)."""
    parts = urlsplit(api_url.rstrip("/"))
    scheme = {"http": "ws", "https": "wss"}.get(parts.scheme, parts.scheme)
    path = (
        f"{parts.path}/api/v1/services/{quote(service, safe='')}"
        f"/environments/{quote(environment, safe='')}/tail"
    )
    query = (filters or TailFilters()).to_query()
    if version is not None:
        query.append(("version", version))
    return urlunsplit((scheme, parts.netloc, path, urlencode(query), ""))


async def follow(
    api_url: str,
    token: str,
    service: str,
    environment: str = "production",
    *,
    version: str | None = None,
    filters: TailFilters | None = None,
    on_notice: Callable[[str], None] | None = None,
) -> AsyncIterator[dict[str, Any]]:
    """Yields each trace event (a JSON dict, Cloudflare's tail event shape) as it happens, over
    the API's WebSocket. When the connection drops (server restart) it calls
    `on_notice("…reconnecting…")` and reconnects with backoff (0.5 s doubling to 5 s), forever,
    until the caller stops iterating. Dropped-event reports arrive through `on_notice` too.

    Raises `TailError` when the first connection fails (server unreachable, 401, 404, 400 for a
    bad filter, 429 too many tails) and when, after a reconnection, the server refuses the tail
    for good (token revoked, environment deleted)."""
    notice = on_notice or (lambda _text: None)
    if urlsplit(api_url).scheme not in ("http", "https") or not urlsplit(api_url).hostname:
        raise TailError(f"invalid API URL {api_url!r}: expected http://host:port or https://…")
    url = tail_url(api_url, service, environment, version, filters)
    state = {"opened": False, "outage": False}  # once open, failures mean "retry"

    def retry_or_fail(error: Exception) -> Exception | None:
        """websockets' reconnect asks: None retries (after the next delay), else raise."""
        if isinstance(error, InvalidStatus):
            status = error.response.status_code
            reason = f"{status} {_server_message(bytes(error.response.body or b''))}"
            if not state["opened"] or status not in _RETRY_STATUSES:
                return TailError(reason)
        elif isinstance(error, OSError | TimeoutError | InvalidHandshake):
            if not state["opened"]:
                return TailError(f"cannot reach the Hearth API at {api_url}: {error}")
            reason = f"lost the connection to {api_url}"
        else:
            return error
        if not state["outage"]:  # one notice per outage, not per attempt
            state["outage"] = True
            notice(f"{reason}; reconnecting…")
        return None

    sockets = connect(
        url,
        additional_headers={"Authorization": f"Bearer {token}"},
        max_size=MAX_MESSAGE,
        process_exception=retry_or_fail,
        reconnect_delays=_delays,
    )
    async for socket in sockets:
        state.update(opened=True, outage=False)
        try:
            while True:
                # Bytes, parsed by orjson: a busy environment's tail is thousands of events a
                # second, and decoding to str then json.loads cost the client 2.3× as much (3.2 against
                # 1.4 µs an event).
                try:
                    message = orjson.loads(await socket.recv(decode=False))
                except ConnectionClosedOK:
                    break
                kind = message.get("type")
                if kind == "event":
                    yield message["event"]
                elif kind == "events":  # the server's batch of what was waiting, in order
                    for event in message["events"]:
                        yield event
                elif kind == "dropped":
                    count = message.get("count", 0)
                    notice(f"{count} event(s) dropped: this tail could not keep up")
            reason = f"{api_url} closed the connection"
        except ConnectionClosed as error:
            if error.rcvd is not None and error.rcvd.code == 1008:  # a policy refusal is final
                raise TailError(error.rcvd.reason or "the server refused the tail") from None
            reason = f"lost the connection to {api_url}"
        state["outage"] = True
        notice(f"{reason}; reconnecting…")


def _delays() -> Generator[float, None, None]:
    """0.5 s, doubling to 5 s: a restarted server is followed again within a second or so
    (websockets' default starts at up to 5 s and grows to 90 s)."""
    delay = FIRST_DELAY
    while True:
        yield delay
        delay = min(delay * 2, MAX_DELAY)


def _server_message(body: bytes | None) -> str:
    """The `message` of the API's `{"error": …}` body, or the body itself."""
    if not body:
        return "(no message)"
    try:
        return str(json.loads(body)["error"]["message"])
    except (ValueError, KeyError, TypeError):
        return body.decode(errors="replace").strip()[:200]
