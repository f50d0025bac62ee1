"""What a worker's bindings bring with them: the binding types load without the servers above
them (uvicorn, FastAPI), which a worker process has no use for."""

from __future__ import annotations

import subprocess
import sys


def test_the_binding_types_load_without_the_servers() -> None:
    code = (
        "import sys, hearth.bindings, hearth.runtime\n"
        "print(sorted(m for m in ('uvicorn', 'fastapi', 'starlette') if m in sys.modules))"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert loaded.strip() == "[]"
