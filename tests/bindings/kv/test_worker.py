"""A real worker, loaded by the runtime, using a KV binding from its fetch handler."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from hearth.bindings import BindingError, build_env
from hearth.bindings.kv import KVStore, NamespaceInfo, make_kv
from hearth.fetch import Request
from hearth.runtime import BindingSpec, InProcessRuntime

WORKER = """
    from workers import Response, WorkerEntrypoint

    class Default(WorkerEntrypoint):
        async def fetch(self, request):
            kv = self.env.KV
            url = request.url
            if request.method == "PUT":
                await kv.put("visits:" + url.rsplit("/", 1)[1], await request.text(),
                             expirationTtl=3600, metadata={"by": "worker"})
                return Response("stored", status=201)
            if url.endswith("/list"):
                listed = await kv.list(prefix="visits:")
                return Response.json(listed)
            if url.endswith("/raw"):
                # A stream value goes straight into the response body.
                return Response(await kv.get("visits:home", "stream"))
            value = await kv.get("visits:home")
            meta = await kv.getWithMetadata("visits:home")
            return Response.json({"value": value, "metadata": meta.metadata})
"""


async def test_a_worker_puts_gets_and_lists_through_env(
    write_worker, store: KVStore, namespace: NamespaceInfo
) -> None:
    runtime = InProcessRuntime(build_env, platform=SimpleNamespace(kv=store))
    version = write_worker(
        WORKER, bindings=(BindingSpec("KV", "kv", settings={"namespace_id": namespace.id}),)
    )
    await runtime.load(version)

    async def call(path: str, method: str = "GET", body: str | None = None):
        request = Request(f"https://worker.example/{path}", method=method, body=body)
        return await runtime.invoke(version.id, request)

    assert (await call("home", "PUT", "42 visits")).status == 201
    assert await (await call("read")).json() == {"value": "42 visits", "metadata": {"by": "worker"}}
    listed = await (await call("list")).json()
    assert listed["keys"] == [
        {"name": "visits:home", "expiration": int(store.now()) + 3600, "metadata": {"by": "worker"}}
    ]
    assert listed["list_complete"] is True
    assert await (await call("raw")).text() == "42 visits"


async def test_a_kv_binding_needs_a_namespace_id_and_a_store(write_worker) -> None:
    runtime = InProcessRuntime(build_env, platform=SimpleNamespace(kv=None))
    version = write_worker(
        WORKER, bindings=(BindingSpec("KV", "kv", settings={"namespace_id": "x"}),)
    )
    with pytest.raises(Exception, match="this platform has no KV store"):
        await runtime.load(version)
    with pytest.raises(BindingError, match="needs a namespace_id"):
        make_kv(BindingSpec("KV", "kv"), version, SimpleNamespace(kv=object()))
