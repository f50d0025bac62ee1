"""Each version imports its modules in a namespace of its own."""

from __future__ import annotations

import sys

import pytest

from hearth.fetch import Request
from hearth.runtime import LoadError


async def get_text(runtime, version_id: str, url: str = "https://example.com/") -> str:
    response = await runtime.invoke(version_id, Request(url))
    return await response.text()


ENTRY_USING_UTILS = """
    from workers import Response, WorkerEntrypoint
    import utils

    class Default(WorkerEntrypoint):
        async def fetch(self, request):
            return Response(utils.NAME)
"""


async def test_two_versions_with_a_utils_module_never_see_each_other(runtime, write_worker):
    first = write_worker({"entry.py": ENTRY_USING_UTILS, "utils.py": "NAME = 'first'"})
    second = write_worker({"entry.py": ENTRY_USING_UTILS, "utils.py": "NAME = 'second'"})
    await runtime.load(first)
    await runtime.load(second)
    assert await get_text(runtime, first.id) == "first"
    assert await get_text(runtime, second.id) == "second"
    assert "utils" not in sys.modules


async def test_packages_submodules_and_relative_imports_resolve_inside_the_bundle(
    runtime, write_worker
):
    version = write_worker(
        {
            "entry.py": """
                from workers import Response, WorkerEntrypoint
                import app.views
                from app import models

                class Default(WorkerEntrypoint):
                    async def fetch(self, request):
                        return Response(app.views.render() + models.KIND)
            """,
            "app/__init__.py": "",
            "app/models.py": "KIND = '!'",
            "app/views.py": "from .models import KIND\n\ndef render():\n    return 'view' + KIND\n",
        }
    )
    await runtime.load(version)
    assert await get_text(runtime, version.id) == "view!!"


async def test_data_files_are_readable_next_to_the_module(runtime, write_worker):
    version = write_worker(
        {
            "entry.py": """
                from pathlib import Path
                from workers import Response, WorkerEntrypoint

                PAGE = (Path(__file__).parent / "templates" / "index.html").read_text()

                class Default(WorkerEntrypoint):
                    async def fetch(self, request):
                        return Response(PAGE, headers={"content-type": "text/html"})
            """,
            "templates/index.html": "<h1>bundled</h1>",
        }
    )
    await runtime.load(version)
    assert await get_text(runtime, version.id) == "<h1>bundled</h1>"


async def test_an_import_time_error_names_the_file_and_line(runtime, write_worker):
    version = write_worker(
        {"entry.py": "import helper\n", "helper.py": "x = 1\n\nundefined_name + 1\n"}
    )
    with pytest.raises(LoadError) as caught:
        await runtime.load(version)
    assert str(caught.value) == "helper.py:3: NameError: name 'undefined_name' is not defined"
    assert not runtime.is_loaded(version.id)


async def test_a_load_error_shows_the_bundles_frames_only(runtime, write_worker):
    """The user's files with the paths they know; Hearth's loader and the server's bundle
    folder are folded into one line."""
    version = write_worker(
        {"entry.py": "import helper\n", "helper.py": "x = 1\n\nundefined_name + 1\n"}
    )
    with pytest.raises(LoadError) as caught:
        await runtime.load(version)
    lines = caught.value.traceback.splitlines()
    assert lines[0] == "Traceback (most recent call last):"
    assert lines[1].startswith("  (") and lines[1].endswith("frames of Hearth and Python hidden)")
    assert lines[2:4] == ['  File "entry.py", line 1, in <module>', "    import helper"]
    assert lines[4:6] == ['  File "helper.py", line 3, in <module>', "    undefined_name + 1"]
    assert lines[-1] == "NameError: name 'undefined_name' is not defined"
    assert str(version.root) not in caught.value.traceback
    assert "hearth" not in caught.value.traceback


async def test_a_syntax_error_names_the_file_and_line(runtime, write_worker):
    version = write_worker("from workers import Response\n\ndef broken(:\n    pass\n")
    with pytest.raises(LoadError, match=r"^entry.py:3: SyntaxError: ") as caught:
        await runtime.load(version)
    assert '  File "entry.py", line 3' in caught.value.traceback
    assert "hearth" not in caught.value.traceback


async def test_unloading_a_version_forgets_its_modules(runtime, write_worker):
    version = write_worker({"entry.py": ENTRY_USING_UTILS, "utils.py": "NAME = 'x'"})
    await runtime.load(version)
    loaded = runtime.loaded(version.id)
    package = loaded.namespace.package
    assert any(name.startswith(package) for name in sys.modules)
    await runtime.unload(version.id)
    assert not any(name.startswith(package) for name in sys.modules)
    assert not runtime.is_loaded(version.id)


async def test_the_sdk_is_importable_under_cloudflare_names(runtime, write_worker):
    version = write_worker(
        """
        import workers
        from workers import Response, WorkerEntrypoint, DurableObject, Request, fetch, handler
        from workers import wait_until
        from pyodide.ffi import to_js
        import asgi
        from workers.wsgi import fetch as wsgi_fetch

        class Default(WorkerEntrypoint):
            async def fetch(self, request):
                return Response(str(to_js({"a": 1})))
        """
    )
    await runtime.load(version)
    assert await get_text(runtime, version.id) == "{'a': 1}"
