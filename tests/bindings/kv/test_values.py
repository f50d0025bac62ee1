"""Reading and writing values as a worker does: types, options, metadata, bulk reads, streams."""

from __future__ import annotations

import hashlib
import tracemalloc

from hearth.bindings.kv import GetWithMetadataResult, KVNamespace
from hearth.fetch import ReadableStream, Response


async def test_get_returns_text_by_default_and_none_for_a_missing_key(kv: KVNamespace) -> None:
    await kv.put("greeting", "héllo 😀")
    assert await kv.get("greeting") == "héllo 😀"
    assert await kv.get("missing") is None


async def test_the_value_type_is_a_keyword_a_positional_string_or_an_options_dict(
    kv: KVNamespace,
) -> None:
    await kv.put("config", '{"limit": 10, "tags": ["a"]}')
    expected = {"limit": 10, "tags": ["a"]}
    assert await kv.get("config", type="json") == expected
    assert await kv.get("config", "json") == expected
    assert await kv.get("config", {"type": "json", "cacheTtl": 60}) == expected
    assert await kv.get("config", "arrayBuffer") == b'{"limit": 10, "tags": ["a"]}'
    assert await kv.get("config", type="text", cache_ttl=60) == '{"limit": 10, "tags": ["a"]}'


async def test_values_may_be_str_bytes_bytearray_or_memoryview(kv: KVNamespace) -> None:
    await kv.put("s", "text")
    await kv.put("b", b"\x00\xffbinary")
    await kv.put("ba", bytearray(b"array"))
    await kv.put("mv", memoryview(b"view"))
    await kv.put("empty", "")
    assert await kv.get("b", "arrayBuffer") == b"\x00\xffbinary"
    assert await kv.get("ba", "arrayBuffer") == b"array"
    assert await kv.get("mv") == "view"
    assert await kv.get("empty") == ""
    assert await kv.get("b") == "\x00\ufffdbinary"  # invalid UTF-8 reads as U+FFFD, as in JS


async def test_put_overwrites_value_expiration_and_metadata(kv: KVNamespace) -> None:
    await kv.put("k", "one", metadata={"v": 1}, expirationTtl=3600)
    await kv.put("k", "two")
    assert await kv.getWithMetadata("k") == {"value": "two", "metadata": None, "cacheStatus": None}
    assert (await kv.list())["keys"] == [{"name": "k"}]


async def test_delete_removes_a_key_and_a_missing_key_is_fine(kv: KVNamespace) -> None:
    await kv.put("k", "v")
    await kv.delete("k")
    await kv.delete("k")
    await kv.delete("never-existed")
    assert await kv.get("k") is None


async def test_metadata_round_trips_as_json(kv: KVNamespace) -> None:
    metadata = {"user": "ada", "n": 3, "nested": {"ok": True, "list": [1.5, None]}}
    await kv.put("k", "v", {"metadata": metadata})
    result = await kv.getWithMetadata("k")
    assert result.value == "v"
    assert result.metadata == metadata
    assert (await kv.list())["keys"] == [{"name": "k", "metadata": metadata}]
    await kv.put("scalar", "v", metadata="just a string")
    assert (await kv.get_with_metadata("scalar")).metadata == "just a string"


async def test_get_with_metadata_reads_like_an_object_and_like_a_dict(kv: KVNamespace) -> None:
    await kv.put("k", '{"x": 1}', metadata={"m": 1})
    result = await kv.getWithMetadata("k", type="json")
    assert isinstance(result, GetWithMetadataResult)
    assert (result.value, result.metadata, result.cacheStatus) == ({"x": 1}, {"m": 1}, None)
    assert (result["value"], result["metadata"], result["cacheStatus"]) == (
        {"x": 1},
        {"m": 1},
        None,
    )
    assert result.cache_status is None

    missing = await kv.get_with_metadata("missing")
    assert (missing.value, missing.metadata) == (None, None)


async def test_bulk_get_returns_a_dict_in_request_order_with_none_for_missing(
    kv: KVNamespace,
) -> None:
    await kv.put("a", '"A"')
    await kv.put("c", '{"c": 3}')
    assert await kv.get(["c", "missing", "a"]) == {"c": '{"c": 3}', "missing": None, "a": '"A"'}
    assert list(await kv.get(["c", "missing", "a"])) == ["c", "missing", "a"]
    assert await kv.get(["a", "c"], "json") == {"a": "A", "c": {"c": 3}}


async def test_bulk_get_with_metadata(kv: KVNamespace) -> None:
    await kv.put("a", "1", metadata={"first": True})
    await kv.put("b", "2")
    assert await kv.getWithMetadata(["a", "b", "zzz"], {"type": "json"}) == {
        "a": {"value": 1, "metadata": {"first": True}},
        "b": {"value": 2, "metadata": None},
        "zzz": None,
    }


async def test_stream_get_is_a_readable_stream_a_response_can_send(kv: KVNamespace) -> None:
    await kv.put("page", "<h1>hi</h1>")
    stream = await kv.get("page", "stream")
    assert isinstance(stream, ReadableStream)
    response = Response(stream, headers={"content-type": "text/html"})
    assert await response.text() == "<h1>hi</h1>"
    assert await kv.get("missing", "stream") is None


async def test_put_accepts_a_readable_stream_such_as_a_request_body(kv: KVNamespace) -> None:
    async def upload():
        yield b"hello, "
        yield b"world"

    await kv.put("from-stream", ReadableStream(upload()))
    assert await kv.get("from-stream") == "hello, world"


async def test_a_20_mb_value_streams_in_and_out_without_being_held_twice(kv: KVNamespace) -> None:
    size, piece = 20_000_000, 64 * 1024
    expected = hashlib.sha256()

    async def upload():
        sent = 0
        while sent < size:
            chunk = bytes([sent // piece % 251]) * min(piece, size - sent)
            expected.update(chunk)
            sent += len(chunk)
            yield chunk

    tracemalloc.start()
    try:
        await kv.put("big", upload(), metadata={"name": "big.bin"})
        _, put_peak = tracemalloc.get_traced_memory()
        tracemalloc.reset_peak()

        got = hashlib.sha256()
        received = 0
        async for chunk in await kv.get("big", "stream"):
            got.update(chunk)
            received += len(chunk)
        _, get_peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert received == size
    assert got.hexdigest() == expected.hexdigest()
    # Far below the value's size, let alone twice it: only a chunk or two are ever held.
    assert put_peak < size / 8, put_peak
    assert get_peak < size / 8, get_peak
    assert (await kv.getWithMetadata("big", "arrayBuffer")).metadata == {"name": "big.bin"}
    assert len(await kv.get("big", "arrayBuffer")) == size


async def test_overwriting_a_large_value_releases_its_chunks(kv: KVNamespace, clock) -> None:
    await kv.put("big", b"x" * 2_000_000)
    assert await kv._store.blob_count() == 1
    stream = await kv.get("big", "stream")
    await kv.put("big", "small now")
    assert await kv.get("big") == "small now"
    # A reader that started before the overwrite still gets the old value whole.
    assert sum([len(chunk) async for chunk in stream]) == 2_000_000
    clock.advance(16 * 60)
    await kv._store.sweep()
    assert await kv._store.blob_count() == 0
