"""The Fetch API for workers: Headers, Request, Response, FormData, URL, streams and `fetch`.

Semantics follow the Fetch standard as Cloudflare Workers implement it, with the Python
flavour of Cloudflare's `workers` SDK (snake_case aliases, keyword arguments).
"""

from ._asgi import (
    header_dict,
    request_from_asgi,
    request_target,
    response_messages,
    send_response,
)
from ._formdata import Blob, File, FormData
from ._headers import HTTP_TOKEN, Headers
from ._outbound import aclose_client, fetch
from ._request import Request
from ._response import Response
from ._stream import ReadableStream
from ._url import URL, URLSearchParams

__all__ = [
    "header_dict",
    "HTTP_TOKEN",
    "URL",
    "Blob",
    "File",
    "FormData",
    "Headers",
    "ReadableStream",
    "Request",
    "Response",
    "URLSearchParams",
    "aclose_client",
    "fetch",
    "request_from_asgi",
    "request_target",
    "response_messages",
    "send_response",
]
