"""`pyodide.ffi`: on plain CPython there is no JS boundary, so conversions are identities."""

from typing import Any


def to_js(value: Any, *args: Any, **kwargs: Any) -> Any:
    return value


def create_proxy(value: Any, *args: Any, **kwargs: Any) -> Any:
    return value


class JsProxy:  # isinstance checks in ported code simply never match
    pass


__all__ = ["JsProxy", "create_proxy", "to_js"]
