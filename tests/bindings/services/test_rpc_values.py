"""RPC values follow structured-clone rules (as workerd's Python RPC tests describe them):
what passes arrives equal and unshared, what cannot cross a process boundary fails now."""

from __future__ import annotations

import enum
from collections import OrderedDict
from datetime import UTC, datetime
from typing import Any

import pytest

from hearth.bindings.services import DataCloneError, clone, remote_error
from hearth.fetch import Request, Response

from .conftest import Platform, deploy, service

PASSING: list[Any] = [
    "text",
    "",
    42,
    2**70,
    1.25,
    float("inf"),
    True,
    False,
    None,
    [1, "two", [3.0, None]],
    {"key": 42, "nested": {"list": [1, {"deep": True}]}},
    {1, 2, "three"},
    b"\x00binary",
    datetime(2025, 1, 2, 3, 4, 5, 600000),
    datetime(2025, 1, 2, 3, 4, 5, tzinfo=UTC),
    [],
    {},
]


@pytest.mark.parametrize("value", PASSING, ids=lambda v: type(v).__name__)
def test_a_passing_value_arrives_equal_and_of_the_same_type(value: Any):
    copied = clone(value)
    assert copied == value and type(copied) is type(value)


def test_containers_are_copied_deeply_keeping_shared_references_and_cycles():
    shared = [1]
    value: dict[str, Any] = {"a": shared, "b": shared, "set": {1}}
    value["self"] = value
    copied = clone(value)
    assert copied is not value and copied["a"] is not shared
    assert copied["a"] is copied["b"] and copied["self"] is copied
    assert copied["set"] is not value["set"]


class Colour(enum.IntEnum):
    RED = 1


class Name(enum.StrEnum):
    ADA = "ada"


@pytest.mark.parametrize(
    "value, expected",
    [
        (Colour.RED, 1),
        (Name.ADA, "ada"),
        (OrderedDict(a=1), {"a": 1}),
        (memoryview(b"abc"), b"abc"),
    ],
    ids=["IntEnum", "StrEnum", "OrderedDict", "memoryview"],
)
def test_subclasses_of_plain_types_arrive_as_the_plain_type(value: Any, expected: Any):
    copied = clone(value)
    assert copied == expected and type(copied) is type(expected)


class Point:
    def __init__(self) -> None:
        self.x = 1


def function() -> None:
    pass


@pytest.mark.parametrize(
    "value, message",
    [
        ((1, 2, 3), "<class 'tuple'> cannot be sent over RPC."),
        ([(1, 2)], "<class 'tuple'> cannot be sent over RPC."),
        ({"test": (1, 2)}, "<class 'tuple'> cannot be sent over RPC."),
        (bytearray(b"x"), "<class 'bytearray'> cannot be sent over RPC."),
        (lambda x: x, "<class 'function'> cannot be sent over RPC."),
        (function, "<class 'function'> cannot be sent over RPC."),
        (print, "<class 'builtin_function_or_method'> cannot be sent over RPC."),
        (Point(), 'DataCloneError: Could not serialize object of type "Point"'),
        (complex(1, 2), 'DataCloneError: Could not serialize object of type "complex"'),
        (range(3), 'DataCloneError: Could not serialize object of type "range"'),
        (frozenset({1}), 'DataCloneError: Could not serialize object of type "frozenset"'),
        ({1: "one"}, "a dict sent over RPC must have str keys, not int"),
    ],
    ids=[
        "tuple",
        "tuple-in-list",
        "tuple-in-dict",
        "bytearray",
        "lambda",
        "function",
        "builtin",
        "instance",
        "complex",
        "range",
        "frozenset",
        "int-key",
    ],
)
def test_a_value_that_cannot_cross_raises_type_error_naming_it(value: Any, message: str):
    with pytest.raises(TypeError) as raised:
        clone(value)
    assert isinstance(raised.value, DataCloneError)
    assert message in str(raised.value)


def test_requests_and_responses_cross_as_such():
    request, response = Request("https://x/"), Response("body")
    assert clone(request) is request and clone(response) is response


def test_an_exception_value_keeps_its_name_and_message():
    class Custom(KeyError):
        pass

    copied = clone([ValueError("v"), Custom("c")])
    assert type(copied[0]) is ValueError and str(copied[0]) == "v"
    assert type(copied[1]).__name__ == "Custom" and isinstance(copied[1], KeyError)
    assert remote_error(OSError(2, "gone")).errno == 2


USERS = """
from workers import Response, WorkerEntrypoint

KEPT = {}

class Default(WorkerEntrypoint):
    async def identity(self, value):
        return value

    async def keep(self, value):
        KEPT["value"] = value

    async def kept(self):
        return KEPT["value"]

    async def mutate(self, value):
        value.append("callee")
        return value

    async def options(self, first, *, flag=False, extra=None):
        return {"first": first, "flag": flag, "extra": extra}

    async def give(self, kind):
        return {"tuple": (1, 2), "object": object(), "list": [1]}[kind]

    async def echo_response(self, response):
        return Response("wrapped: " + await response.text(), status=202)
"""


async def test_values_cross_a_real_binding_copied_both_ways(platform: Platform):
    await deploy(platform, "users", USERS)
    gateway = await deploy(
        platform,
        "gateway",
        "from workers import WorkerEntrypoint\n\nclass Default(WorkerEntrypoint):\n    pass\n",
        bindings=[service("users", "USERS")],
    )
    users = platform.node.runtime.loaded(gateway.id).env.USERS
    for value in PASSING:
        returned = await users.identity(value)
        assert returned == value and type(returned) is type(value)

    mine = ["caller"]
    assert await users.mutate(mine) == ["caller", "callee"]
    assert mine == ["caller"]  # the callee changed its own copy
    await users.keep(mine)
    mine.append("later")
    assert await users.kept() == ["caller"]  # and the caller's later change is not shared
    assert await users.options([1], flag=True, extra={"k": "v"}) == {
        "first": [1],
        "flag": True,
        "extra": {"k": "v"},
    }

    with pytest.raises(TypeError, match="tuple'> cannot be sent over RPC"):
        await users.identity((1, 2))
    with pytest.raises(TypeError, match="tuple'> cannot be sent over RPC"):
        await users.give("tuple")  # return values follow the same rules
    with pytest.raises(TypeError, match='Could not serialize object of type "object"'):
        await users.give("object")
    response = await users.echo_response(Response("hi"))
    assert isinstance(response, Response) and response.status == 202
    assert await response.text() == "wrapped: hi"
