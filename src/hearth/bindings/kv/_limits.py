"""Cloudflare's KV limits and the exact errors a worker sees when it passes one.

Two layers raise them, as on Cloudflare: the binding in the runtime (workerd's `kv.c++`) checks
key names and argument types and throws `TypeError` or `Error("KV GET failed: 414 …")`; the KV
service behind it (miniflare's validator reproduces it) answers HTTP errors that workerd turns into
`Error("KV <METHOD> failed: <status> <statusText>")`. The REST API will reuse the service layer.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ._store import KVStore

MAX_KEY_SIZE = 512
MAX_VALUE_SIZE = 25 * 1024 * 1024
MAX_METADATA_SIZE = 1024
MIN_EXPIRATION_TTL = 60
#: The last second of the year 9999: later expirations overflow the stores' 64-bit integers.
MAX_EXPIRATION = 253_402_300_799
MIN_CACHE_TTL = 30  # miniflare's current value; Cloudflare's docs lowered it from 60
MAX_LIST_KEYS = 1000
MAX_BULK_GET_KEYS = 100
MAX_BULK_GET_SIZE = 25 * 1024 * 1024
MAX_BULK_WRITE_KEYS = 10_000  # REST API: pairs per bulk write, keys per bulk delete
MAX_BULK_WRITE_SIZE = 100 * 1024 * 1024  # REST API: the whole bulk write request

VALUE_TYPES = ("text", "json", "arrayBuffer", "stream")
UNKNOWN_TYPE = (
    'Unknown response type. Possible types are "text", "arrayBuffer", "json", and "stream".'
)
BAD_PUT_VALUE = (
    "KV put() accepts only strings, ArrayBuffers, ArrayBufferViews, and ReadableStreams as values."
)


class KVError(Exception):
    """workerd's `Error` for a failed KV operation: `KV PUT failed: 413 Value length of …`."""

    def __init__(self, method: str, status: int, reason: str) -> None:
        super().__init__(f"KV {method} failed: {status} {reason}")
        self.method = method
        self.status = status
        self.reason = reason


# -- the binding's own checks (workerd) ----------------------------------------------------


def check_key_name(method: str, key: object) -> None:
    """workerd's `validateKeyName`: TypeError for empty/"."/"..", Error 414 when too long."""
    if not isinstance(key, str):
        raise TypeError(f"KV key must be a string, not {type(key).__name__}.")
    if len(key) < 3:  # the common key skips these comparisons
        if key == "":
            raise TypeError("Key name cannot be empty.")
        if key == "." or key == "..":
            raise TypeError(f'"{key}" is not allowed as a key name.')
    # `isascii` is a flag lookup: only other keys need encoding to measure (and to check).
    if key.isascii():
        size = len(key)
    else:
        try:
            size = len(key.encode())
        except UnicodeEncodeError:
            raise TypeError(_not_utf8("Key name", key)) from None
    if size > MAX_KEY_SIZE:
        raise KVError(method, 414, _too_long(size))


def _too_long(size: int) -> str:
    return f"UTF-8 encoded length of {size} exceeds key length limit of {MAX_KEY_SIZE}."


def _not_utf8(what: str, text: str) -> str:
    # A lone surrogate (from "\ud800" in JSON, or a Python str) has no UTF-8 form, so such a
    # key could be neither stored as UTF-8 bytes nor listed back.
    lone = next(c for c in text if "\ud800" <= c <= "\udfff")
    return f"{what} {text!r} is not valid UTF-8: it contains a lone surrogate ({lone!r})."


def _utf8_size(method: str, what: str, text: str) -> int:
    try:
        return len(text.encode())
    except UnicodeEncodeError:
        raise KVError(method, 400, _not_utf8(what, text)) from None


# -- the KV service's checks (miniflare's validator, Cloudflare's API) ----------------------


def check_service_key(method: str, key: str) -> None:
    """The service's own key check, seen for keys that bypass workerd's (bulk get, REST API)."""
    if key == "":
        raise KVError(method, 400, "Key names must not be empty")
    if key == "." or key == "..":
        raise KVError(method, 400, f'Illegal key name "{key}". Please use a different name.')
    size = _utf8_size(method, "Key name", key)
    if size > MAX_KEY_SIZE:
        raise KVError(method, 414, _too_long(size))


def check_cache_ttl(method: str, cache_ttl: object) -> None:
    """`cacheTtl` is validated and then ignored: there is one "edge location", this machine."""
    if cache_ttl is None:
        return
    number = _as_number(cache_ttl, "cacheTtl")
    if number < MIN_CACHE_TTL:
        raise KVError(
            method,
            400,
            f"Invalid cache_ttl of {js_number(number)}. "
            f"Cache TTL must be at least {MIN_CACHE_TTL}.",
        )


def resolve_expiration(now: float, expiration: object, expiration_ttl: object) -> int | None:
    """Absolute expiration (epoch seconds) from `expiration`/`expirationTtl`; the TTL wins."""
    seconds = int(now)
    if expiration_ttl is not None:
        raw = js_number(_as_number(expiration_ttl, "expirationTtl"))
        ttl = _parse_int(raw)
        if ttl is None or ttl <= 0:
            raise KVError(
                "PUT",
                400,
                f"Invalid expiration_ttl of {raw}. Please specify integer greater than 0.",
            )
        if ttl < MIN_EXPIRATION_TTL:
            raise KVError(
                "PUT",
                400,
                f"Invalid expiration_ttl of {raw}. "
                f"Expiration TTL must be at least {MIN_EXPIRATION_TTL}.",
            )
        if seconds + ttl > MAX_EXPIRATION:
            raise KVError("PUT", 400, f"Invalid expiration_ttl of {raw}. {_TOO_LATE}")
        return seconds + ttl
    if expiration is not None:
        raw = js_number(_as_number(expiration, "expiration"))
        absolute = _parse_int(raw)
        if absolute is None or absolute <= seconds:
            raise KVError(
                "PUT",
                400,
                f"Invalid expiration of {raw}. Please specify integer greater than the current "
                "number of seconds since the UNIX epoch.",
            )
        if absolute < seconds + MIN_EXPIRATION_TTL:
            raise KVError(
                "PUT",
                400,
                f"Invalid expiration of {raw}. "
                f"Expiration times must be at least {MIN_EXPIRATION_TTL} seconds in the future.",
            )
        if absolute > MAX_EXPIRATION:
            raise KVError("PUT", 400, f"Invalid expiration of {raw}. {_TOO_LATE}")
        return absolute
    return None


_TOO_LATE = f"Expiration times must be at most {MAX_EXPIRATION} (the end of the year 9999)."


def serialize_metadata(metadata: object) -> str | None:
    """JSON as JavaScript's `JSON.stringify` writes it, limited to 1024 UTF-8 bytes."""
    if metadata is None:
        return None
    try:
        text = json.dumps(metadata, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
        size = len(text.encode())
    except UnicodeEncodeError as error:
        lone = error.object[error.start : error.end]
        raise KVError(
            "PUT", 400, f"Metadata is not valid UTF-8: it contains a lone surrogate ({lone!r})."
        ) from None
    except ValueError as error:  # NaN or Infinity (JSON has neither), a circular reference
        raise KVError("PUT", 400, f"Metadata is not valid JSON: {error}.") from None
    if size > MAX_METADATA_SIZE:
        raise KVError(
            "PUT", 413, f"Metadata length of {size} exceeds limit of {MAX_METADATA_SIZE}."
        )
    return text


def value_too_large(size: int) -> KVError:
    return KVError("PUT", 413, f"Value length of {size} exceeds limit of {MAX_VALUE_SIZE}.")


async def limited_value(source: AsyncIterator[Any]) -> AsyncIterator[bytes]:
    """A value stream's chunks (a worker's stream, a REST request body), refusing more than
    25 MiB; like Cloudflare, it reads to the end so the error can name the value's length."""
    size = 0
    async for chunk in source:
        if not isinstance(chunk, bytes | bytearray | memoryview):
            raise TypeError(f"A KV value stream must yield bytes, not {chunk.__class__.__name__}.")
        size += len(chunk)
        if size > MAX_VALUE_SIZE:
            async for rest in source:
                size += len(rest)
            raise value_too_large(size)
        yield bytes(chunk)


def check_list_options(limit: object, prefix: object) -> int:
    """The page size to use: workerd sends `limit` only when > 0, else the service's 1000."""
    count = MAX_LIST_KEYS
    if limit is not None:
        number = int(_as_number(limit, "limit"))
        if number > 0:
            if number > MAX_LIST_KEYS:
                raise KVError(
                    "GET",
                    400,
                    f"Invalid key_count_limit of {number}. "
                    f"Please specify an integer less than {MAX_LIST_KEYS}.",
                )
            count = number
    if prefix is not None:
        if not isinstance(prefix, str):
            raise TypeError(f"KV list prefix must be a string, not {type(prefix).__name__}.")
        size = _utf8_size("GET", "Prefix", prefix)
        if size > MAX_KEY_SIZE:
            raise KVError("GET", 414, _too_long(size))
    return count


def check_bulk_get(keys: list[Any], value_type: str | None) -> None:
    """The service's checks of a bulk get, in its order: type, count, then each key."""
    if value_type is not None and value_type not in ("text", "json"):
        raise KVError("GET_BULK", 400, f'"{value_type}" is not a valid type. Use "json" or "text"')
    if len(keys) > MAX_BULK_GET_KEYS:
        raise KVError("GET_BULK", 400, f"You can request a maximum of {MAX_BULK_GET_KEYS} keys")
    if not keys:
        raise KVError("GET_BULK", 400, "You must request a minimum of 1 key")
    for key in keys:
        if not isinstance(key, str):
            raise TypeError(f"KV key must be a string, not {type(key).__name__}.")
        check_service_key("GET_BULK", key)


def check_bulk_write_count(method: str, count: int, what: str) -> None:
    """The REST API's bulk write and delete take at most 10,000 pairs or keys."""
    if count > MAX_BULK_WRITE_KEYS:
        raise KVError(
            method,
            400,
            f"received {count} {what}, but max allowed per request is: {MAX_BULK_WRITE_KEYS}",
        )


def bulk_too_large() -> KVError:
    return KVError(
        "GET_BULK",
        413,
        f"Total size of request exceeds the limit of {MAX_BULK_GET_SIZE // 1024 // 1024}MB",
    )


# -- numbers as JavaScript prints them --------------------------------------------------------


def _as_number(value: object, name: str) -> float | int:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError(f"KV option {name} must be a number, not {type(value).__name__}.")
    return value


def js_number(value: float | int) -> str:
    """`String(n)` for the numbers options take: 60, 60.5 (not 60.0)."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e21:
        return str(int(value))
    return str(value)


def _parse_int(text: str) -> int | None:
    """JavaScript's `parseInt` on what `js_number` printed: "61.5" → 61."""
    head = text.split(".", 1)[0]
    try:
        return int(head)
    except ValueError:
        return None


async def list_page(
    store: KVStore, namespace_id: str, *, prefix: object, limit: object, cursor: object
) -> dict[str, Any]:
    """One page of keys as `env.KV.list()` and the API both return them:
    `{"keys": [{name, expiration?, metadata?}], "list_complete", "cursor"?}`."""
    count = check_list_options(limit, prefix)
    try:
        page = await store.list_keys(
            namespace_id,
            prefix=str(prefix or ""),
            limit=count,
            cursor=str(cursor) if cursor else None,
        )
    except ValueError:
        raise KVError("GET", 400, "Invalid cursor") from None
    body: dict[str, Any] = {
        "keys": [listed.to_dict() for listed in page.keys],
        "list_complete": page.cursor is None,
    }
    if page.cursor is not None:
        body["cursor"] = page.cursor
    return body
