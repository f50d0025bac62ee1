"""Writes a store cannot hold are refused with a clear error, not a crash: expirations past the
year 9999, metadata with no JSON or UTF-8 form, keys that are not valid UTF-8. And a bulk write
that names a key twice keeps the last value given for it, as writing the pairs in order would."""

from __future__ import annotations

import asyncio

import pytest

from hearth.bindings.kv import KVError, KVNamespace, KVStore, NamespaceInfo
from hearth.bindings.kv._store import CHUNK_SIZE
from tests.bindings.kv.api_conftest import (
    KVApi,
    data_dir,
    database_url,
    kv_api,
    platform,
    postgres_url,
)
from tests.bindings.kv.conftest import FakeClock

__all__ = ["data_dir", "database_url", "kv_api", "platform", "postgres_url"]

MAX_EXPIRATION = 253_402_300_799  # 9999-12-31T23:59:59Z
LARGE = "x" * (CHUNK_SIZE + 1)  # stored as a blob, not inline
TOO_LATE = f"Expiration times must be at most {MAX_EXPIRATION} (the end of the year 9999)."


def message(response) -> str:
    assert response.status_code == 400, response.text
    return response.json()["error"]["message"]


# -- the binding (env.KV) ---------------------------------------------------------------------


async def test_an_expiration_past_the_year_9999_is_refused(kv: KVNamespace) -> None:
    """A worker's `put` with an expiration (or a TTL) past the year 9999 fails with a 400 that
    names it; the last second of 9999 is still fine."""
    with pytest.raises(KVError) as raised:
        await kv.put("k", "v", expirationTtl=1e20)
    assert str(raised.value) == (
        f"KV PUT failed: 400 Invalid expiration_ttl of 100000000000000000000. {TOO_LATE}"
    )
    with pytest.raises(KVError) as raised:
        await kv.put("k", "v", {"expiration": 10**23})
    assert str(raised.value) == (
        f"KV PUT failed: 400 Invalid expiration of 100000000000000000000000. {TOO_LATE}"
    )
    assert (await kv.list())["keys"] == []
    await kv.put("k", "v", expiration=MAX_EXPIRATION)
    assert (await kv.list())["keys"] == [{"name": "k", "expiration": MAX_EXPIRATION}]


async def test_metadata_without_a_json_or_utf8_form_is_refused(kv: KVNamespace) -> None:
    """NaN, Infinity and lone surrogates cannot be written as UTF-8 JSON: a 400, not a crash."""
    for metadata in ({"n": float("nan")}, [float("inf")]):
        with pytest.raises(KVError) as raised:
            await kv.put("k", "v", metadata=metadata)
        assert raised.value.status == 400
        assert raised.value.reason.startswith("Metadata is not valid JSON: ")
    with pytest.raises(KVError) as raised:
        await kv.put("k", "v", metadata={"a": "\ud800"})
    assert str(raised.value) == (
        "KV PUT failed: 400 Metadata is not valid UTF-8: it contains a lone surrogate ('\\ud800')."
    )
    assert (await kv.list())["keys"] == []


async def test_a_key_or_prefix_with_a_lone_surrogate_is_refused(kv: KVNamespace) -> None:
    """A key must be valid UTF-8 (it is stored as UTF-8 bytes); the listing stays readable."""
    for call in (kv.put("bad\ud800", "v"), kv.get("bad\ud800"), kv.delete("\udfff" * 200)):
        with pytest.raises(TypeError, match="is not valid UTF-8: it contains a lone surrogate"):
            await call
    with pytest.raises(KVError) as raised:
        await kv.get(["ok", "bad\ud800"])
    assert raised.value.status == 400
    with pytest.raises(KVError) as raised:
        await kv.list(prefix="bad\ud800")
    assert str(raised.value) == (
        "KV GET failed: 400 Prefix 'bad\\ud800' is not valid UTF-8: "
        "it contains a lone surrogate ('\\ud800')."
    )
    await kv.put("good", "v")
    assert (await kv.list())["keys"] == [{"name": "good"}]


# -- the store's bulk write -------------------------------------------------------------------


async def test_a_bulk_write_keeps_the_last_value_of_a_key(
    store: KVStore, namespace: NamespaceInfo
) -> None:
    """Small values are written in one transaction and large ones after, but a key given twice
    still ends with the value given last, large or small."""
    await store.put_many(
        namespace.id,
        [
            ("a", LARGE.encode(), None, None),
            ("b", b"small", None, None),
            ("a", b"small", None, '{"last":true}'),
            ("b", LARGE.encode(), None, None),
        ],
    )
    a, b = await store.get(namespace.id, "a"), await store.get(namespace.id, "b")
    assert a is not None and (a.value, a.metadata) == (b"small", '{"last":true}')
    assert b is not None and b.value == LARGE.encode()


async def test_racing_writes_to_a_new_key_leave_no_stray_chunks(
    store: KVStore, namespace: NamespaceInfo, clock: FakeClock
) -> None:
    """Two writes to a key that does not exist yet, at the same moment: one wins, and the
    other's large value is collected by the sweeper, not kept forever."""
    big_a, big_b = b"a" * (CHUNK_SIZE + 1), b"b" * (CHUNK_SIZE + 1)
    for i in range(10):
        await asyncio.gather(
            store.put(namespace.id, f"big/{i}", big_a), store.put(namespace.id, f"big/{i}", big_b)
        )
        await asyncio.gather(
            store.put(namespace.id, f"mixed/{i}", big_a),
            store.put(namespace.id, f"mixed/{i}", b"s"),
        )
    clock.advance(16 * 60)
    await store.sweep()
    stored = [
        await store.get(namespace.id, f"{kind}/{i}") for kind in ("big", "mixed") for i in range(10)
    ]
    still_large = sum(1 for value in stored if value is not None and len(value.value) > CHUNK_SIZE)
    assert await store.blob_count() == still_large  # type: ignore[attr-defined]


# -- the REST API -----------------------------------------------------------------------------


async def test_the_api_refuses_what_no_store_can_hold(kv_api: KVApi) -> None:
    """Expirations past 9999, NaN metadata and keys with lone surrogates are 400s naming what
    was wrong, on single and bulk writes; nothing is stored and the listing still works."""
    api = kv_api
    ns = await api.create("refusals")
    huge_ttl = await api.admin.put(
        api.value(ns, "k"), params={"expiration_ttl": "1e20"}, content=b"v"
    )
    assert message(huge_ttl) == f"Invalid expiration_ttl of 100000000000000000000. {TOO_LATE}"
    huge = await api.admin.put(api.value(ns, "k"), params={"expiration": 10**23}, content=b"v")
    assert message(huge) == f"Invalid expiration of 100000000000000000000000. {TOO_LATE}"
    nan = await api.admin.put(api.value(ns, "k"), params={"metadata": "NaN"}, content=b"v")
    assert message(nan).startswith("Metadata is not valid JSON: ")
    lone = await api.admin.put(
        api.value(ns, "k"), params={"metadata": '{"a":"\\ud800"}'}, content=b"v"
    )
    assert message(lone) == "Metadata is not valid UTF-8: it contains a lone surrogate ('\\ud800')."

    bulk = api.url(ns, "bulk")
    json_body = {"content-type": "application/json"}
    late = await api.admin.put(bulk, json=[{"key": "k", "value": "v", "expiration": 10**23}])
    assert message(late) == (
        f"[0] key 'k': Invalid expiration of 100000000000000000000000. {TOO_LATE}"
    )
    nan_pair = b'[{"key": "k", "value": "v", "metadata": [Infinity]}]'
    assert message(await api.admin.put(bulk, content=nan_pair, headers=json_body)).startswith(
        "[0] key 'k': Metadata is not valid JSON: "
    )
    bad_key = b'[{"key": "ok", "value": "v"}, {"key": "bad\\ud800", "value": "v"}]'
    assert message(await api.admin.put(bulk, content=bad_key, headers=json_body)) == (
        "[1] key 'bad\\ud800': Key name 'bad\\ud800' is not valid UTF-8: "
        "it contains a lone surrogate ('\\ud800')."
    )
    delete = api.url(ns, "bulk", "delete")
    bad_delete = await api.admin.post(delete, content=b'["bad\\udc00"]', headers=json_body)
    assert "lone surrogate" in message(bad_delete)
    assert (await api.keys(ns))["keys"] == []


async def test_a_bulk_write_naming_a_key_twice_keeps_its_last_value(kv_api: KVApi) -> None:
    """`[{big}, {"small"}]` for one key stores "small", as if the pairs were written in order."""
    api = kv_api
    ns = await api.create("dups")
    pairs = [
        {"key": "dup", "value": LARGE},
        {"key": "other", "value": "o"},
        {"key": "dup", "value": "small"},
    ]
    written = await api.admin.put(api.url(ns, "bulk"), json=pairs)
    assert written.status_code == 200, written.text
    assert written.json() == {"successful_key_count": 3, "unsuccessful_keys": []}
    assert (await api.admin.get(api.value(ns, "dup"))).content == b"small"
    assert [k["name"] for k in (await api.keys(ns))["keys"]] == ["dup", "other"]
