"""Which handler runs follows workerd: class `Default` from 2025-08-14, `on_fetch` before."""

from __future__ import annotations

import dataclasses
import os
import re
import sys

import pytest

from hearth.fetch import Request
from hearth.runtime import LoadError, RpcEvent

NEW = "2025-09-01"
LEGACY = "2024-03-20"


async def fetch_text(runtime, version) -> str:
    await runtime.load(version)
    response = await runtime.invoke(version.id, Request("https://example.com/"))
    return await response.text()


@pytest.mark.parametrize(
    "signature, body",
    [
        ("fetch(self)", "'no arguments'"),
        ("fetch(self, request)", "request.url"),
        ("fetch(self, request, env)", "env.NAME"),
        ("fetch(self, request, env, ctx)", "type(ctx).__name__"),
    ],
)
async def test_class_fetch_accepts_relaxed_signatures(runtime, write_worker, signature, body):
    from hearth.runtime import BindingSpec

    version = write_worker(
        f"""
        from workers import Response, WorkerEntrypoint

        class Default(WorkerEntrypoint):
            async def {signature}:
                return Response({body})
        """,
        bindings=(BindingSpec("NAME", "text", "from env"),),
    )
    expected = {
        "fetch(self)": "no arguments",
        "fetch(self, request)": "https://example.com/",
        "fetch(self, request, env)": "from env",
        "fetch(self, request, env, ctx)": "ExecutionContext",
    }[signature]
    assert await fetch_text(runtime, version) == expected


@pytest.mark.parametrize(
    "decorator, signature",
    [("@staticmethod", "fetch(request)"), ("@classmethod", "fetch(cls, request)")],
)
async def test_a_static_or_class_method_fetch_gets_the_request(
    runtime, write_worker, decorator, signature
):
    """Such a `fetch` takes no instance: the request is its first argument, not its second."""
    version = write_worker(
        f"""
        from workers import Response, WorkerEntrypoint

        class Default(WorkerEntrypoint):
            {decorator}
            async def {signature}:
                return Response(request.url)
        """
    )
    assert await fetch_text(runtime, version) == "https://example.com/"


async def test_a_class_that_answers_attribute_lookups_itself_is_asked_for_fetch(
    runtime, write_worker
):
    """A plain `async def fetch` is called straight from the class (the hot path), unless
    the instance could answer `fetch` differently: then it is looked up on the instance."""
    version = write_worker(
        """
        from workers import Response, WorkerEntrypoint

        class Default(WorkerEntrypoint):
            def __getattribute__(self, name):
                if name == "fetch":
                    return lambda request: Response("intercepted")
                return super().__getattribute__(name)

            async def fetch(self, request):
                return Response("plain")
        """
    )
    assert await fetch_text(runtime, version) == "intercepted"


async def test_a_new_instance_serves_each_invocation(runtime, write_worker):
    version = write_worker(
        """
        from workers import Response, WorkerEntrypoint

        class Default(WorkerEntrypoint):
            calls = 0

            async def fetch(self, request):
                self.calls += 1
                return Response(str(self.calls))
        """
    )
    assert await fetch_text(runtime, version) == "1"
    assert await fetch_text(runtime, version) == "1"


@pytest.mark.parametrize(
    "source",
    [
        "async def on_fetch(request, env, ctx):\n    return Response('legacy')",
        "async def on_fetch(request, env):\n    return Response('legacy')",
        "async def on_fetch(request):\n    return Response('legacy')",
        "def on_fetch(request, env):\n    return Response('legacy')",
        "@handler\nasync def on_fetch(request, env):\n    return Response('legacy')",
    ],
    ids=["async-3", "async-2", "async-1", "sync", "decorated"],
)
async def test_legacy_module_level_on_fetch(runtime, write_worker, source):
    version = write_worker(
        "from workers import Response, handler\n\n" + source, compatibility_date=LEGACY
    )
    assert await fetch_text(runtime, version) == "legacy"


async def test_legacy_module_with_js_response_new(runtime, write_worker):
    version = write_worker(
        "from js import Response\n\nasync def on_fetch(request):\n    return Response.new('js style')\n",
        compatibility_date=LEGACY,
    )
    assert await fetch_text(runtime, version) == "js style"


async def test_from_2025_08_14_only_the_default_class_counts(runtime, write_worker):
    version = write_worker(
        """
        from workers import Response, WorkerEntrypoint

        async def on_fetch(request):
            return Response("module-level handler")

        class Default(WorkerEntrypoint):
            async def fetch(self, request):
                return Response("class handler")
        """,
        compatibility_date="2025-08-14",
    )
    assert await fetch_text(runtime, version) == "class handler"


async def test_new_style_module_without_default_is_rejected(runtime, write_worker):
    version = write_worker(
        "from workers import Response\n\nasync def on_fetch(request):\n    return Response('x')\n"
    )
    with pytest.raises(LoadError, match=r"does not define 'class Default\(WorkerEntrypoint\)'"):
        await runtime.load(version)


async def test_legacy_module_defining_both_styles_is_an_error(runtime, write_worker):
    version = write_worker(
        """
        from workers import Response, WorkerEntrypoint

        async def on_fetch(request):
            return Response("module-level")

        class Default(WorkerEntrypoint):
            async def fetch(self, request):
                return Response("class")
        """,
        compatibility_date=LEGACY,
    )
    with pytest.raises(LoadError, match="Cannot define multiple default entrypoints"):
        await runtime.load(version)


async def test_legacy_module_without_on_fetch_names_the_missing_handler(runtime, write_worker):
    version = write_worker("def helper():\n    return 1\n", compatibility_date=LEGACY)
    with pytest.raises(LoadError, match="does not define the handler 'on_fetch'"):
        await runtime.load(version)


async def test_legacy_module_with_only_another_handler_fails_fetch_naming_on_fetch(
    runtime, write_worker
):
    version = write_worker(
        "async def on_scheduled(event, env, ctx):\n    pass\n", compatibility_date=LEGACY
    )
    await runtime.load(version)
    with pytest.raises(TypeError, match="Handler on_fetch is not defined in entry.py"):
        await runtime.invoke(version.id, Request("https://example.com/"))


async def test_public_methods_of_default_and_named_entrypoints_are_rpc_methods(
    runtime, write_worker
):
    version = write_worker(
        """
        from workers import WorkerEntrypoint

        class Default(WorkerEntrypoint):
            async def add(self, a, b):
                return a + b

        class Admin(WorkerEntrypoint):
            def whoami(self, *, name):
                return f"admin {name}"
        """
    )
    await runtime.load(version)
    assert await runtime.invoke(version.id, RpcEvent("add", (2, 3))) == 5
    event = RpcEvent("whoami", kwargs={"name": "ada"}, entrypoint="Admin")
    assert await runtime.invoke(version.id, event) == "admin ada"
    with pytest.raises(TypeError, match="does not implement the method"):
        await runtime.invoke(version.id, RpcEvent("missing"))
    with pytest.raises(TypeError, match="is not an RPC method"):
        await runtime.invoke(version.id, RpcEvent("_private"))


async def test_rpc_to_a_worker_with_module_level_handlers_says_it_has_no_default_class(
    runtime, write_worker
):
    version = write_worker(
        "from workers import Response\n\nasync def on_fetch(request):\n    return Response('hi')\n",
        compatibility_date=LEGACY,
        script_name="auth",
    )
    await runtime.load(version)
    message = "auth has no class Default(WorkerEntrypoint) to receive RPC calls (it uses module"
    with pytest.raises(TypeError, match=re.escape(message)):
        await runtime.invoke(version.id, RpcEvent("hello"))


async def test_an_edit_saved_within_the_same_second_is_the_code_that_loads(
    runtime, write_worker, monkeypatch
):
    """A bundle's modules are compiled from source on every load, never from a `__pycache__`
    that mtime and size alone would take for current."""
    monkeypatch.setattr(sys, "dont_write_bytecode", False)
    source = "from workers import Response, WorkerEntrypoint\n\nclass Default(WorkerEntrypoint):\n    async def fetch(self):\n        return Response('{}')\n"
    first = write_worker(source.format("AAAA"))
    entry = first.root / first.main_module
    stat = entry.stat()
    assert await fetch_text(runtime, first) == "AAAA"
    entry.write_text(source.format("BBBB"))  # same size, same second
    os.utime(entry, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    again = dataclasses.replace(first, id=f"{first.id}-again")
    assert await fetch_text(runtime, again) == "BBBB"
    assert not (first.root / "__pycache__").exists()
