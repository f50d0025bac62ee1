"""`from js import Response` for legacy examples: the JS globals they use, as Python objects.

`Response.new(...)`, `Request.new(...)`, `Headers.new(...)`, `URL.new(...)`, `fetch`,
`console.log` and `JSON` behave as in those examples.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from hearth import fetch as _fetch

_log = logging.getLogger("worker")


class _New:
    def __init__(self, cls: type) -> None:
        self._cls = cls

    def new(self, *args: Any, **kwargs: Any) -> Any:
        return self._cls(*args, **kwargs)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self._cls(*args, **kwargs)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._cls, name)


Response = _New(_fetch.Response)
Request = _New(_fetch.Request)
Headers = _New(_fetch.Headers)
URL = _New(_fetch.URL)
fetch = _fetch.fetch


class console:  # noqa: N801 - the JS global's name
    @staticmethod
    def log(*args: Any) -> None:
        print(*args)

    info = log
    debug = log

    @staticmethod
    def warn(*args: Any) -> None:
        _log.warning(" ".join(map(str, args)))

    @staticmethod
    def error(*args: Any) -> None:
        _log.error(" ".join(map(str, args)))


class JSON:
    @staticmethod
    def stringify(value: Any) -> str:
        return json.dumps(value, separators=(",", ":"))

    @staticmethod
    def parse(text: str) -> Any:
        return json.loads(text)


class Object:
    @staticmethod
    def fromEntries(entries: Any) -> dict[str, Any]:  # noqa: N802
        return dict(entries)
