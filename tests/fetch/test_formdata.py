import pytest

from hearth.fetch import File, FormData, Request, Response


def multipart(boundary: str, *parts: str) -> bytes:
    body = "".join(f"--{boundary}\r\n{part}\r\n" for part in parts) + f"--{boundary}--\r\n"
    return body.encode()


def test_entries_keep_order_and_repeats():
    form = FormData()
    form.append("a", "1")
    form.append("b", "2")
    form.append("a", "3")
    assert list(form) == [("a", "1"), ("b", "2"), ("a", "3")]
    assert list(form.keys()) == ["a", "b", "a"]
    assert list(form.values()) == ["1", "2", "3"]
    assert form.get("a") == "1"
    assert form.getAll("a") == form.get_all("a") == ["1", "3"]
    assert form.get("missing") is None
    assert form.has("b") and "b" in form


def test_set_replaces_the_first_and_removes_the_rest():
    form = FormData()
    for name, value in [("a", "1"), ("b", "2"), ("a", "3")]:
        form.append(name, value)
    form.set("a", "x")
    assert list(form) == [("a", "x"), ("b", "2")]


def test_delete_removes_every_entry_of_a_name():
    form = FormData({"a": "1", "b": "2"})
    form.delete("a")
    assert list(form) == [("b", "2")]


async def test_bytes_or_a_filename_make_a_file_entry():
    form = FormData()
    form.append("upload", b"\x00\x01", "data.bin")
    form.append("note", "text", filename="note.txt")
    upload = form.get("upload")
    assert isinstance(upload, File)
    assert (upload.name, upload.filename, upload.size) == ("data.bin", "data.bin", 2)
    assert await upload.bytes() == b"\x00\x01"
    assert await form.get("note").text() == "text"


async def test_file_has_name_type_size_and_content():
    file = File(b"hello", "hello.txt", type="Text/Plain")
    assert file.type == file.content_type == "text/plain"
    assert file.size == 5
    assert await file.text() == "hello"
    assert await file.arrayBuffer() == b"hello"


async def test_form_data_encodes_to_multipart_and_parses_back():
    form = FormData()
    form.append("field", "välue")
    form.append('quote"name', "x")
    form.append("file", File(b"\x00binary\xff", "pic.png", type="image/png"))
    form.append("empty", File(b"", "empty.txt"))
    parsed = await Response(form).formData()
    assert parsed.get("field") == "välue"
    assert parsed.get("quote%22name") == "x"
    file = parsed.get("file")
    assert (file.name, file.type, await file.bytes()) == ("pic.png", "image/png", b"\x00binary\xff")
    empty = parsed.get("empty")
    assert (empty.name, empty.type, empty.size) == ("empty.txt", "application/octet-stream", 0)


async def test_parses_a_multipart_body_written_by_a_browser():
    body = multipart(
        "XyZ",
        'Content-Disposition: form-data; name="title"\r\n\r\nHello',
        'Content-Disposition: form-data; name="doc"; filename="a.txt"\r\n'
        "Content-Type: text/plain\r\n\r\nline1\r\nline2",
    )
    request = Request(
        "https://example.com/",
        method="POST",
        body=body,
        headers={"content-type": "multipart/form-data; boundary=XyZ"},
    )
    form = await request.form_data()
    assert form.get("title") == "Hello"
    assert await form.get("doc").text() == "line1\r\nline2"


async def test_parses_a_streamed_multipart_body_split_anywhere():
    body = multipart("b", 'Content-Disposition: form-data; name="k"\r\n\r\nvalue')

    async def bytewise():
        for i in range(len(body)):
            yield body[i : i + 1]

    response = Response(bytewise(), headers={"content-type": "multipart/form-data; boundary=b"})
    assert (await response.formData()).get("k") == "value"


async def test_parses_an_urlencoded_body():
    response = Response(
        "a=1&b=two+words&a=%C3%A9&empty=",
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    form = await response.formData()
    assert form.getAll("a") == ["1", "é"]
    assert form.get("b") == "two words"
    assert form.get("empty") == ""


async def test_other_content_types_cannot_be_parsed_as_form_data():
    with pytest.raises(TypeError, match="Unrecognized Content-Type"):
        await Response("{}", headers={"content-type": "application/json"}).formData()


async def test_malformed_multipart_is_a_type_error():
    response = Response(b"garbage", headers={"content-type": "multipart/form-data; boundary=b"})
    with pytest.raises(TypeError):
        await response.formData()
