"""FormData, Blob and File: building multipart bodies and parsing form bodies."""

import builtins
import secrets
from collections.abc import Iterator
from urllib.parse import parse_qsl

from python_multipart.multipart import MultipartParser, parse_options_header

from ._stream import ReadableStream

__all__ = ["Blob", "File", "FormData", "parse_form"]


class Blob:
    """Immutable bytes with a MIME type."""

    __slots__ = ("_content", "_type")

    def __init__(self, content: bytes | bytearray | str = b"", *, type: str = "") -> None:
        self._content = content.encode() if isinstance(content, str) else bytes(content)
        self._type = type.lower()

    @property
    def type(self) -> str:
        return self._type

    content_type = type

    @property
    def size(self) -> int:
        return len(self._content)

    async def bytes(self) -> bytes:
        return self._content

    async def arrayBuffer(self) -> builtins.bytes:  # noqa: N802 - the File API's name
        return self._content

    async def text(self) -> str:
        return self._content.decode("utf-8", "replace")

    def stream(self) -> ReadableStream:
        return ReadableStream.from_bytes(self._content)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} size={self.size} type={self._type!r}>"


class File(Blob):
    """A named Blob: what an uploaded file in a FormData is."""

    __slots__ = ("_name",)

    def __init__(
        self,
        content: bytes | bytearray | str = b"",
        name: str = "blob",
        *,
        type: str = "",
        content_type: str | None = None,
    ) -> None:
        super().__init__(content, type=content_type if content_type is not None else type)
        self._name = name

    @property
    def name(self) -> str:
        return self._name

    filename = name

    def __eq__(self, other: object) -> bool:
        if isinstance(other, File):
            return (self._name, self._type, self._content) == (
                other._name,
                other._type,
                other._content,
            )
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"<File {self._name!r} size={self.size} type={self._type!r}>"


def _entry_value(value: "str | Blob | bytes", filename: str | None) -> "str | File":
    if isinstance(value, File) and filename is None:
        return value
    if isinstance(value, Blob):
        return File(value._content, "blob" if filename is None else filename, type=value.type)
    if isinstance(value, bytes | bytearray):
        return File(value, "blob" if filename is None else filename)
    if filename is not None:  # Python taste: a str with a filename is a text file upload
        return File(str(value), filename)
    return str(value)


class FormData:
    """An ordered list of form entries; values are `str` or `File`."""

    __slots__ = ("_entries",)

    def __init__(self, entries: "dict[str, str | File] | None" = None) -> None:
        self._entries: list[tuple[str, str | File]] = []
        for name, value in (entries or {}).items():
            self.append(name, value)

    def append(self, name: str, value: "str | Blob | bytes", filename: str | None = None) -> None:
        self._entries.append((str(name), _entry_value(value, filename)))

    def set(self, name: str, value: "str | Blob | bytes", filename: str | None = None) -> None:
        entry = (str(name), _entry_value(value, filename))
        index = next((i for i, (n, _) in enumerate(self._entries) if n == name), None)
        if index is None:
            self._entries.append(entry)
        else:
            rest = [e for e in self._entries[index + 1 :] if e[0] != name]
            self._entries[index:] = [entry, *rest]

    def get(self, name: str) -> "str | File | None":
        return next((v for n, v in self._entries if n == name), None)

    def getAll(self, name: str) -> "list[str | File]":  # noqa: N802 - the XHR spec's name
        return [v for n, v in self._entries if n == name]

    get_all = getAll

    def has(self, name: str) -> bool:
        return any(n == name for n, _ in self._entries)

    def delete(self, name: str) -> None:
        self._entries = [e for e in self._entries if e[0] != name]

    def entries(self) -> "Iterator[tuple[str, str | File]]":
        return iter(list(self._entries))

    def keys(self) -> Iterator[str]:
        return (n for n, _ in self.entries())

    def values(self) -> "Iterator[str | File]":
        return (v for _, v in self.entries())

    items = entries
    __iter__ = entries

    def __contains__(self, name: object) -> bool:
        return any(n == name for n, _ in self._entries)

    def __len__(self) -> int:
        return len(self._entries)

    def __repr__(self) -> str:
        return f"FormData({self._entries!r})"

    def _encode(self) -> tuple[bytes, str]:
        """The multipart/form-data body and its content type."""
        boundary = f"----HearthFormBoundary{secrets.token_hex(12)}"
        parts: list[bytes] = []
        for name, value in self._entries:
            disposition = f'--{boundary}\r\nContent-Disposition: form-data; name="{_escape(name)}"'
            if isinstance(value, File):
                content_type = value.type or "application/octet-stream"
                head = f'{disposition}; filename="{_escape(value.name)}"\r\nContent-Type: {content_type}'
                parts += [head.encode(), b"\r\n\r\n", value._content, b"\r\n"]
            else:
                parts += [disposition.encode(), b"\r\n\r\n", value.encode(), b"\r\n"]
        parts.append(f"--{boundary}--\r\n".encode())
        return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def _escape(text: str) -> str:
    # The HTML standard's escaping for multipart names and filenames.
    return text.replace("\n", "%0A").replace("\r", "%0D").replace('"', "%22")


UNSUPPORTED_FORM = (
    "Unrecognized Content-Type header value. FormData can only parse the following "
    "MIME types: multipart/form-data, application/x-www-form-urlencoded"
)


async def parse_form(content_type: str, stream: ReadableStream) -> FormData:
    """Parse a multipart/form-data or application/x-www-form-urlencoded body."""
    mime, options = parse_options_header(content_type)
    if mime == b"application/x-www-form-urlencoded":
        text = (await stream.read_all()).decode("utf-8", "replace")
        form = FormData()
        form._entries = list(parse_qsl(text, keep_blank_values=True))
        return form
    if mime == b"multipart/form-data" and b"boundary" in options:
        return await _parse_multipart(options[b"boundary"], stream)
    raise TypeError(UNSUPPORTED_FORM)


class _MultipartCollector:
    """Callbacks for python-multipart's streaming parser, collecting parts into a FormData."""

    def __init__(self) -> None:
        self.form = FormData()
        self._headers: dict[bytes, bytes] = {}
        self._field = b""
        self._value = b""
        self._data: list[bytes] = []

    def on_part_begin(self) -> None:
        self._headers = {}
        self._data = []

    def on_header_field(self, data: bytes, start: int, end: int) -> None:
        self._field += data[start:end]

    def on_header_value(self, data: bytes, start: int, end: int) -> None:
        self._value += data[start:end]

    def on_header_end(self) -> None:
        self._headers[self._field.lower()] = self._value
        self._field = self._value = b""

    def on_part_data(self, data: bytes, start: int, end: int) -> None:
        self._data.append(data[start:end])

    def on_part_end(self) -> None:
        _, options = parse_options_header(self._headers.get(b"content-disposition", b""))
        name = options.get(b"name", b"").decode("utf-8", "replace")
        content = b"".join(self._data)
        if b"filename" in options:
            filename = options[b"filename"].decode("utf-8", "replace")
            content_type = self._headers.get(b"content-type", b"").decode("latin-1")
            self.form.append(name, File(content, filename, type=content_type))
        else:
            self.form.append(name, content.decode("utf-8", "replace"))


async def _parse_multipart(boundary: bytes, stream: ReadableStream) -> FormData:
    collector = _MultipartCollector()
    callbacks = {
        name: getattr(collector, name)
        for name in (
            "on_part_begin",
            "on_header_field",
            "on_header_value",
            "on_header_end",
            "on_part_data",
            "on_part_end",
        )
    }
    parser = MultipartParser(boundary, callbacks)  # type: ignore[arg-type]  # a TypedDict of callbacks
    try:
        async for chunk in stream:
            parser.write(chunk)
        parser.finalize()
    except Exception as exc:  # python-multipart's errors are not TypeErrors
        raise TypeError(f"Failed to parse the body as multipart/form-data: {exc}") from exc
    return collector.form
