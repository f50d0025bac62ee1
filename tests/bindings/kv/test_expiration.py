"""Expiring keys: invisible the moment they expire, then deleted (lazily or by the sweeper).

The store's clock is injected, so these tests move time instead of sleeping.
"""

from __future__ import annotations

import asyncio

from hearth.bindings.kv import KVNamespace, KVStore

from .conftest import FakeClock


async def test_a_key_with_a_ttl_lives_exactly_that_long(kv: KVNamespace, clock: FakeClock) -> None:
    await kv.put("session", "abc", expirationTtl=60)
    expires = int(clock()) + 60
    assert (await kv.list())["keys"] == [{"name": "session", "expiration": expires}]

    clock.advance(59.9)
    assert await kv.get("session") == "abc"
    clock.advance(0.1)  # now == expiration: expired
    assert await kv.get("session") is None
    assert await kv.getWithMetadata("session") == {
        "value": None,
        "metadata": None,
        "cacheStatus": None,
    }
    assert await kv.get(["session"]) == {"session": None}
    assert await kv.get("session", "stream") is None
    assert (await kv.list())["keys"] == []


async def test_an_absolute_expiration_is_listed_as_given(kv: KVNamespace, clock: FakeClock) -> None:
    at = int(clock()) + 3600
    await kv.put("k", "v", expiration=at)
    await kv.put("forever", "v")
    assert (await kv.list())["keys"] == [{"name": "forever"}, {"name": "k", "expiration": at}]
    clock.advance(3600)
    assert (await kv.list())["keys"] == [{"name": "forever"}]


async def test_the_ttl_wins_when_both_are_given(kv: KVNamespace, clock: FakeClock) -> None:
    await kv.put("k", "v", expiration=int(clock()) + 7200, expiration_ttl=120)
    assert (await kv.list())["keys"][0]["expiration"] == int(clock()) + 120


async def test_expired_keys_do_not_fill_a_page(kv: KVNamespace, clock: FakeClock) -> None:
    for i in range(5):
        await kv.put(f"short{i}", "v", expirationTtl=60)
    for i in range(3):
        await kv.put(f"zlong{i}", "v")
    clock.advance(61)
    page = await kv.list(limit=3)
    assert [key["name"] for key in page["keys"]] == ["zlong0", "zlong1", "zlong2"]
    assert page["list_complete"] is True


async def test_the_sweeper_deletes_expired_keys(
    kv: KVNamespace, store: KVStore, clock: FakeClock
) -> None:
    for i in range(30):
        await kv.put(f"temp{i}", "v", expirationTtl=60)
    await kv.put("big-temp", b"x" * 1_500_000, expirationTtl=60)
    await kv.put("kept", "v")
    assert await store.sweep() == 0

    clock.advance(60)
    assert await store.sweep() == 31
    assert await store.sweep() == 0
    assert [key["name"] for key in (await kv.list())["keys"]] == ["kept"]
    clock.advance(15 * 60)  # released chunks are collected after a grace period
    await store.sweep()
    assert await store.blob_count() == 0


async def test_reading_an_expired_key_deletes_it(
    kv: KVNamespace, store: KVStore, clock: FakeClock
) -> None:
    await kv.put("k", "v", expirationTtl=60)
    clock.advance(60)
    assert await kv.get("k") is None
    assert await store.sweep() == 0  # already gone: the read deleted it


async def test_the_background_sweeper_runs_until_stopped(
    kv: KVNamespace, store: KVStore, clock: FakeClock
) -> None:
    await kv.put("k", "v", expirationTtl=60)
    clock.advance(60)
    store.start_sweeper(interval=0.01)
    try:
        assert await _has_rows(store)
        for _ in range(300):
            await asyncio.sleep(0.01)
            if not await _has_rows(store):
                break
        assert not await _has_rows(store), "the sweeper did not delete the expired key"
    finally:
        await store.stop_sweeper()


async def _has_rows(store: KVStore) -> bool:
    # Expired rows are invisible to list(); look underneath, at the table itself.
    if hasattr(store, "_db"):
        return store._db.execute("SELECT count(*) FROM kv_entries").fetchone()[0] > 0
    return await store._pool.fetchval("SELECT count(*) FROM kv_entries") > 0
