"""What crosses an RPC call: structured-clone rules as workerd's Python RPC applies them.

Caller and callee share a process today, but they may not tomorrow (one sandbox per account
and dependency set), so values are copied as if they were serialised: the callee never holds
a mutable object of the caller's, and a value that could not cross a process boundary fails
here, now, with the message workerd gives.

- Pass: str, int, float, bool, None, bytes, datetime (immutable: passed as they are), list,
  dict with str keys, set (copied deeply; shared references and cycles kept, as structured
  clone keeps them), memoryview (as bytes), Request/Response (cross as such), exceptions (as
  an exception of the same name and message).
- Rejected with `TypeError`: tuple, bytearray, functions (the SDK's "<class 'tuple'> cannot be
  sent over RPC."), and everything else, e.g. class instances ("DataCloneError: Could not
  serialize object of type "Point". This type does not support serialization.").
"""

from __future__ import annotations

from datetime import datetime
from types import BuiltinFunctionType, FunctionType, LambdaType, MethodType
from typing import Any

from ..fetch import Request, Response

#: Immutable values that cross as they are: the fast path of every call.
_IMMUTABLE: frozenset[type] = frozenset({str, int, float, bool, type(None), bytes, datetime})
#: Types the Python Workers SDK refuses itself, before the JS structured clone sees them.
_REFUSED: tuple[type, ...] = (
    tuple,
    bytearray,
    FunctionType,
    LambdaType,
    MethodType,
    BuiltinFunctionType,
)


class DataCloneError(TypeError):
    """A value that cannot be sent over RPC (a `TypeError`, named as the DOM's exception)."""


def clone_args(args: tuple[Any, ...]) -> tuple[Any, ...]:
    """The positional arguments of a call, cloned; the same tuple when all are immutable."""
    for value in args:
        if type(value) not in _IMMUTABLE:
            return tuple([_clone(value, {}) for value in args])
    return args


def clone_kwargs(kwargs: dict[str, Any]) -> dict[str, Any]:
    for value in kwargs.values():
        if type(value) not in _IMMUTABLE:
            return {name: _clone(value, {}) for name, value in kwargs.items()}
    return kwargs


def clone(value: Any) -> Any:
    """One value as the other side of an RPC call receives it."""
    if type(value) in _IMMUTABLE:
        return value
    return _clone(value, {})


def _clone(value: Any, memo: dict[int, Any]) -> Any:
    cls = type(value)
    if cls in _IMMUTABLE:
        return value
    # Subclasses of the plain containers (OrderedDict, defaultdict …) arrive as the plain type,
    # as they would after a trip through JavaScript.
    kind = cls if cls is list or cls is dict or cls is set else _container(value)
    if kind is not None:
        copied = memo.get(id(value))
        if copied is not None:
            return copied
        if kind is list:
            copied = memo[id(value)] = []
            copied.extend([_clone(item, memo) for item in value])
        elif kind is dict:
            copied = memo[id(value)] = {}
            for key, item in value.items():
                copied[_key(key)] = _clone(item, memo)
        else:
            copied = memo[id(value)] = set()
            copied.update([_clone(item, memo) for item in value])
        return copied
    if isinstance(value, Request | Response):
        return value
    if isinstance(value, _REFUSED):
        raise DataCloneError(f"{cls} cannot be sent over RPC.")
    # Likewise subclasses of the plain values (IntEnum, StrEnum …).
    if isinstance(value, bool):
        return bool(value)
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return float(value)
    if isinstance(value, str):
        return str.__str__(value)
    if isinstance(value, bytes):
        return bytes(value)
    if isinstance(value, datetime):
        return datetime.combine(value.date(), value.timetz())
    if isinstance(value, memoryview):
        return value.tobytes()
    if isinstance(value, BaseException):
        return remote_error(value)
    raise DataCloneError(
        f'DataCloneError: Could not serialize object of type "{cls.__name__}". '
        "This type does not support serialization."
    )


def _container(value: Any) -> type | None:
    if isinstance(value, _REFUSED):  # before list: a namedtuple is no list, but be sure
        return None
    for kind in (list, dict, set):
        if isinstance(value, kind):
            return kind
    return None


def _key(key: Any) -> str:
    if type(key) is str:
        return key
    if isinstance(key, str):
        return str.__str__(key)
    raise DataCloneError(
        f"DataCloneError: a dict sent over RPC must have str keys, not {type(key).__name__} "
        f"({key!r})"
    )


# -- exceptions ----------------------------------------------------------------------------

_remote_classes: dict[tuple[str, type], type[BaseException]] = {}


def remote_error(error: BaseException) -> BaseException:
    """The callee's exception as the caller sees it: its type name and message, nothing more.

    A built-in exception comes back as the same type (`ValueError("x")` is a `ValueError` in the
    caller); one of the callee's own classes as a class of the same name, derived from the
    nearest built-in base, so `except LookupError` still catches a custom `LookupError`. The
    traceback stays in the callee's trace event (workerd drops the stack, too).
    """
    cls = type(error)
    message = str(error)
    if cls.__module__ == "builtins":
        copied = _builtin_copy(cls, error, message)
        if copied is not None:
            return copied
    base = next(c for c in cls.__mro__ if c.__module__ == "builtins")
    if not issubclass(base, Exception) or base is BaseException:
        base = Exception
    key = (cls.__name__, base)
    remote = _remote_classes.get(key)
    if remote is None:
        remote = _remote_classes[key] = type(
            cls.__name__, (base,), {"__module__": "hearth.remote", "__qualname__": cls.__name__}
        )
    try:
        return remote(message)
    except Exception:  # a base whose constructor wants more (e.g. UnicodeError's subclasses)
        fallback = type(cls.__name__, (Exception,), {"__module__": "hearth.remote"})
        return fallback(message)


def _builtin_copy(cls: type[BaseException], error: BaseException, message: str) -> Any:
    args = error.args
    if all(type(arg) in _IMMUTABLE for arg in args):
        try:
            copied = cls(*args)
        except Exception:
            copied = None
        if copied is not None and str(copied) == message:
            return copied
    try:
        copied = cls(message)
    except Exception:
        return None
    return copied if str(copied) == message else None


__all__ = ["DataCloneError", "clone", "clone_args", "clone_kwargs", "remote_error"]
