"""Cloudflare's KV limits, each with the exact error a worker sees.

Two layers raise them, as on Cloudflare: workerd's binding checks key names (TypeError for an
empty, "." or ".." key; `Error: KV GET failed: 414 …` for a long one), and the KV service answers
HTTP errors that become `KV <METHOD> failed: <status> <message>` (here: `KVError`).
"""

from __future__ import annotations

import pytest

from hearth.bindings.kv import KVError, KVNamespace

from .conftest import FakeClock

MiB = 1024 * 1024


# -- key names ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "message"),
    [
        ("", "Key name cannot be empty."),
        (".", '"." is not allowed as a key name.'),
        ("..", '".." is not allowed as a key name.'),
    ],
)
async def test_empty_and_dot_keys_are_type_errors_on_every_method(
    kv: KVNamespace, key: str, message: str
) -> None:
    for call in (kv.get(key), kv.getWithMetadata(key), kv.put(key, "v"), kv.delete(key)):
        with pytest.raises(TypeError) as raised:
            await call
        assert str(raised.value) == message


async def test_a_key_of_512_utf8_bytes_is_fine_and_513_is_refused(kv: KVNamespace) -> None:
    longest = "é" * 256  # 2 bytes each: 512 bytes, 256 characters
    await kv.put(longest, "ok")
    assert await kv.get(longest) == "ok"

    too_long = "x" + longest
    for method, call in [
        ("PUT", kv.put(too_long, "v")),
        ("GET", kv.get(too_long)),
        ("GET", kv.getWithMetadata(too_long)),
        ("DELETE", kv.delete(too_long)),
    ]:
        with pytest.raises(KVError) as raised:
            await call
        assert str(raised.value) == (
            f"KV {method} failed: 414 UTF-8 encoded length of 513 exceeds key length limit of 512."
        )
        assert raised.value.status == 414


async def test_keys_that_are_not_strings_are_type_errors(kv: KVNamespace) -> None:
    with pytest.raises(TypeError):
        await kv.get(42)  # type: ignore[arg-type]


# -- values and metadata --------------------------------------------------------------------


async def test_a_value_of_25_mib_is_fine_and_one_byte_more_is_refused(kv: KVNamespace) -> None:
    await kv.put("max", b"\0" * (25 * MiB))
    assert len(await kv.get("max", "arrayBuffer")) == 25 * MiB

    with pytest.raises(KVError) as raised:
        await kv.put("over", b"\0" * (25 * MiB + 1))
    assert (
        str(raised.value)
        == "KV PUT failed: 413 Value length of 26214401 exceeds limit of 26214400."
    )
    assert await kv.get("over") is None


async def test_a_streamed_value_over_25_mib_is_refused_with_its_whole_length(
    kv: KVNamespace,
) -> None:
    async def chunks():
        for _ in range(30):
            yield b"\0" * MiB

    with pytest.raises(KVError) as raised:
        await kv.put("stream", chunks())
    assert (
        str(raised.value)
        == "KV PUT failed: 413 Value length of 31457280 exceeds limit of 26214400."
    )
    assert await kv.get("stream") is None
    assert await kv._store.blob_count() == 0  # the chunks written before the refusal are gone


async def test_put_accepts_only_strings_bytes_and_streams(kv: KVNamespace) -> None:
    for value in (42, None, {"a": 1}, ["x"]):
        with pytest.raises(TypeError) as raised:
            await kv.put("k", value)  # type: ignore[arg-type]
        assert str(raised.value) == (
            "KV put() accepts only strings, ArrayBuffers, ArrayBufferViews, and ReadableStreams "
            "as values."
        )


async def test_metadata_of_1024_serialised_bytes_is_fine_and_1025_is_refused(
    kv: KVNamespace,
) -> None:
    # JSON.stringify({"a": "x…"}) is 8 bytes plus the string: {"a":"…"}
    await kv.put("k", "v", metadata={"a": "x" * 1016})
    with pytest.raises(KVError) as raised:
        await kv.put("k", "v", metadata={"a": "x" * 1017})
    assert str(raised.value) == "KV PUT failed: 413 Metadata length of 1025 exceeds limit of 1024."


async def test_metadata_length_counts_utf8_bytes_of_compact_json(kv: KVNamespace) -> None:
    with pytest.raises(KVError, match="Metadata length of 1026 exceeds"):
        await kv.put("k", "v", metadata={"a": "é" * 509})  # 8 + 1018 bytes


# -- expiration -----------------------------------------------------------------------------


async def test_expiration_ttl_must_be_at_least_60_seconds(kv: KVNamespace) -> None:
    await kv.put("k", "v", expirationTtl=60)
    with pytest.raises(KVError) as raised:
        await kv.put("k", "v", expirationTtl=59)
    assert str(raised.value) == (
        "KV PUT failed: 400 Invalid expiration_ttl of 59. Expiration TTL must be at least 60."
    )
    with pytest.raises(KVError) as raised:
        await kv.put("k", "v", expiration_ttl=0)
    assert str(raised.value) == (
        "KV PUT failed: 400 Invalid expiration_ttl of 0. Please specify integer greater than 0."
    )


async def test_expiration_must_be_at_least_60_seconds_in_the_future(
    kv: KVNamespace, clock: FakeClock
) -> None:
    now = int(clock())
    await kv.put("k", "v", expiration=now + 60)
    with pytest.raises(KVError) as raised:
        await kv.put("k", "v", expiration=now + 59)
    assert str(raised.value) == (
        f"KV PUT failed: 400 Invalid expiration of {now + 59}. "
        "Expiration times must be at least 60 seconds in the future."
    )
    with pytest.raises(KVError) as raised:
        await kv.put("k", "v", {"expiration": now})
    assert str(raised.value) == (
        f"KV PUT failed: 400 Invalid expiration of {now}. Please specify integer greater than "
        "the current number of seconds since the UNIX epoch."
    )


# -- reading and listing --------------------------------------------------------------------


async def test_cache_ttl_below_30_seconds_is_refused(kv: KVNamespace) -> None:
    assert await kv.get("k", cacheTtl=30) is None
    with pytest.raises(KVError) as raised:
        await kv.get("k", {"cacheTtl": 29})
    assert str(raised.value) == (
        "KV GET failed: 400 Invalid cache_ttl of 29. Cache TTL must be at least 30."
    )


async def test_unknown_value_type_is_a_type_error(kv: KVNamespace) -> None:
    with pytest.raises(TypeError) as raised:
        await kv.get("k", "blob")
    assert str(raised.value) == (
        'Unknown response type. Possible types are "text", "arrayBuffer", "json", and "stream".'
    )


async def test_list_limit_above_1000_is_refused_and_zero_means_the_default(
    kv: KVNamespace,
) -> None:
    # workerd reports a failed list as a GET, and sends no limit at all when it is ≤ 0.
    with pytest.raises(KVError) as raised:
        await kv.list(limit=1001)
    assert str(raised.value) == (
        "KV GET failed: 400 Invalid key_count_limit of 1001. "
        "Please specify an integer less than 1000."
    )
    assert (await kv.list(limit=1000))["list_complete"] is True
    assert (await kv.list({"limit": 0}))["list_complete"] is True


async def test_list_prefix_longer_than_512_bytes_is_refused(kv: KVNamespace) -> None:
    with pytest.raises(KVError) as raised:
        await kv.list(prefix="p" * 513)
    assert str(raised.value) == (
        "KV GET failed: 414 UTF-8 encoded length of 513 exceeds key length limit of 512."
    )


# -- bulk get -------------------------------------------------------------------------------


async def test_bulk_get_takes_at_most_100_keys(kv: KVNamespace) -> None:
    keys = [f"k{i}" for i in range(101)]
    assert await kv.get(keys[:100]) == dict.fromkeys(keys[:100])
    with pytest.raises(KVError) as raised:
        await kv.get(keys)
    assert str(raised.value) == "KV GET_BULK failed: 400 You can request a maximum of 100 keys"
    with pytest.raises(KVError) as raised:
        await kv.getWithMetadata([])
    assert str(raised.value) == "KV GET_BULK failed: 400 You must request a minimum of 1 key"


async def test_bulk_get_reads_only_text_and_json(kv: KVNamespace) -> None:
    for value_type in ("arrayBuffer", "stream"):
        with pytest.raises(KVError) as raised:
            await kv.get(["a", "b"], type=value_type)
        assert str(raised.value) == (
            f'KV GET_BULK failed: 400 "{value_type}" is not a valid type. Use "json" or "text"'
        )


async def test_bulk_get_checks_every_key_as_the_kv_service_does(kv: KVNamespace) -> None:
    # These keys never pass through workerd's own check, so the service's wording shows.
    with pytest.raises(KVError) as raised:
        await kv.get(["a", ""])
    assert str(raised.value) == "KV GET_BULK failed: 400 Key names must not be empty"
    with pytest.raises(KVError) as raised:
        await kv.get(["a", ".."])
    assert str(raised.value) == (
        'KV GET_BULK failed: 400 Illegal key name "..". Please use a different name.'
    )
    with pytest.raises(KVError) as raised:
        await kv.get(["a", "x" * 513])
    assert str(raised.value) == (
        "KV GET_BULK failed: 414 UTF-8 encoded length of 513 exceeds key length limit of 512."
    )


async def test_bulk_json_get_of_a_value_that_is_not_json(kv: KVNamespace) -> None:
    await kv.put("good", '{"a": 1}')
    await kv.put("bad", "not json")
    with pytest.raises(KVError) as raised:
        await kv.get(["good", "bad"], "json")
    assert str(raised.value) == (
        "KV GET_BULK failed: 400 At least one of the requested keys corresponds to a non-json value"
    )
