import asyncio
import tracemalloc

import pytest

from hearth.fetch import ReadableStream, Request, Response

BODY_USED = "Body has already been used"
MB = 1 << 20


async def chunks(*parts: bytes):
    for part in parts:
        yield part


async def zeros(total: int, size: int = 64 * 1024):
    for _ in range(total // size):
        yield bytes(size)


def streamed(*parts: bytes) -> Response:
    return Response(chunks(*parts))


async def test_text_json_and_bytes_read_the_body():
    assert await Response("héllo").text() == "héllo"
    assert await Response('{"a": [1]}').json() == {"a": [1]}
    assert await Response(b"\x00\x01").bytes() == b"\x00\x01"
    assert await Response(b"ab").arrayBuffer() == b"ab"
    assert await Response(b"ab").buffer() == b"ab"


async def test_text_replaces_invalid_utf8_and_drops_a_bom():
    assert await Response(b"\xef\xbb\xbfok\xff").text() == "ok\ufffd"


async def test_no_body_reads_as_empty():
    response = Response()
    assert response.body is None
    assert await response.text() == ""


async def test_reading_a_body_twice_is_a_type_error():
    response = Response("once")
    assert not response.body_used
    await response.text()
    assert response.body_used and response.bodyUsed
    with pytest.raises(TypeError, match=BODY_USED):
        await response.text()


async def test_reading_a_streamed_body_twice_is_a_type_error():
    response = streamed(b"a", b"b")
    assert await response.bytes() == b"ab"
    with pytest.raises(TypeError, match=BODY_USED):
        await response.bytes()


async def test_iterating_body_marks_it_used():
    response = streamed(b"a", b"b")
    assert [chunk async for chunk in response.body] == [b"a", b"b"]
    assert response.body_used
    with pytest.raises(TypeError, match=BODY_USED):
        await response.text()


async def test_body_of_in_memory_content_is_a_stream_of_it():
    body = Response("hello").body
    assert isinstance(body, ReadableStream)
    assert [chunk async for chunk in body] == [b"hello"]


async def test_clone_after_read_is_a_type_error():
    response = Response("x")
    await response.text()
    with pytest.raises(TypeError, match=BODY_USED):
        response.clone()


async def test_clone_before_read_gives_two_independent_bodies():
    response = Response("shared")
    copy = response.clone()
    assert await response.text() == "shared"
    assert await copy.text() == "shared"


async def test_clone_of_a_stream_gives_every_chunk_to_both_branches():
    response = streamed(b"one", b"two", b"three")
    copy = response.clone()
    assert [c async for c in copy.body] == [b"one", b"two", b"three"]
    assert await response.bytes() == b"onetwothree"


async def test_cloned_streams_can_be_read_concurrently():
    response = streamed(*(bytes([i]) * 10 for i in range(50)))
    copy = response.clone()
    first, second = await asyncio.gather(response.bytes(), copy.bytes())
    assert first == second == b"".join(bytes([i]) * 10 for i in range(50))


async def test_a_teed_stream_is_locked():
    stream = ReadableStream(chunks(b"x"))
    left, right = stream.tee()
    assert stream.locked
    with pytest.raises(TypeError, match="locked"):
        await anext(stream)
    assert await left.read_all() == b"x" == await right.read_all()


async def test_stream_chunks_may_be_bytearray_memoryview_or_str():
    response = Response(chunks(bytearray(b"a"), memoryview(b"b"), "c"))  # type: ignore[arg-type]
    assert await response.bytes() == b"abc"


async def test_a_stream_yielding_other_types_is_a_type_error():
    with pytest.raises(TypeError, match="bytes"):
        await Response(chunks(123)).bytes()  # type: ignore[arg-type]


def test_an_unsupported_body_type_is_a_type_error():
    with pytest.raises(TypeError, match="Unsupported body type"):
        Response({"a": 1})  # type: ignore[arg-type]


async def test_a_streamed_body_passes_through_without_being_held_in_memory():
    size = 50 * MB
    tracemalloc.start()
    try:
        request = Request("https://example.com/", method="POST", body=zeros(size))
        response = Response(request.body)
        received = 0
        async for chunk in response.body:
            received += len(chunk)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert received == size
    assert peak < 4 * MB


async def test_collecting_a_streamed_body_holds_it_only_once():
    size = 50 * MB
    tracemalloc.start()
    try:
        data = await Response(zeros(size)).bytes()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert len(data) == size
    assert peak < 1.3 * size


async def test_an_upstream_error_reaches_both_branches_of_a_clone():
    async def failing():
        yield b"ok"
        raise ConnectionError("upstream went away")

    response = Response(failing())
    copy = response.clone()
    with pytest.raises(ConnectionError):
        await response.bytes()
    with pytest.raises(ConnectionError):
        await copy.bytes()


async def test_an_empty_body_is_a_stream_without_chunks():
    assert [chunk async for chunk in Response(b"").body] == []
