"""Stored values: the structured-clone types of RPC, written as pickles that can hold nothing else.

`clone` (hearth.bindings.services) checks and normalises a value the way an RPC call does, so a
value that cannot cross RPC cannot be stored either, with the same message. Reading uses an
unpickler that resolves no global but datetime's types, so a stored value can never run code.
"""

from __future__ import annotations

import io
import pickle
from typing import Any

from ..services import DataCloneError, clone

_ALLOWED_GLOBALS = {
    ("datetime", "datetime"),
    ("datetime", "timezone"),
    ("datetime", "timedelta"),
}


class _ValuesOnly(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> Any:
        if (module, name) in _ALLOWED_GLOBALS:
            return super().find_class(module, name)
        raise pickle.UnpicklingError(f"stored value refers to {module}.{name}, which is not data")


def encode(value: Any) -> bytes:
    """The bytes stored for a value; `DataCloneError` (a TypeError) for what cannot be stored."""
    copied = clone(value)
    if isinstance(copied, BaseException) or hasattr(copied, "headers"):
        # Requests, responses and exceptions cross RPC, but are not data to keep.
        raise DataCloneError(
            f'DataCloneError: Could not serialize object of type "{type(value).__name__}". '
            "This type does not support serialization."
        )
    return pickle.dumps(copied, protocol=5)


def decode(data: bytes) -> Any:
    return _ValuesOnly(io.BytesIO(data)).load()
