"""`list()`: UTF-8 byte order, literal prefixes, and cursors that survive concurrent writes."""

from __future__ import annotations

from hearth.bindings.kv import KVNamespace


async def names(kv: KVNamespace, **options: object) -> list[str]:
    return [key["name"] for key in (await kv.list(**options))["keys"]]


async def test_keys_are_ordered_by_their_utf8_bytes(kv: KVNamespace) -> None:
    # Uppercase (0x41…) before lowercase (0x61…); "é" (0xC3 0xA9) after every ASCII key;
    # "😀" (0xF0 …) after "é"; "\uffff" (0xEF 0xBF 0xBF) before "😀" although UTF-16 would sort
    # it after (0xFFFF > 0xD83D): byte order, not JavaScript string order.
    keys = ["b", "a", "é", "😀", "B", "A", "aa", "a b", "\uffff", "Z", "a\u0000"]
    for key in keys:
        await kv.put(key, "v")
    assert await names(kv) == ["A", "B", "Z", "a", "a\u0000", "a b", "aa", "b", "é", "\uffff", "😀"]


async def test_list_result_has_cloudflares_shape(kv: KVNamespace) -> None:
    assert await kv.list() == {"keys": [], "list_complete": True, "cacheStatus": None}
    await kv.put("a", "1", expirationTtl=120, metadata={"m": 1})
    await kv.put("b", "2")
    result = await kv.list(limit=1)
    assert result["keys"] == [
        {"name": "a", "expiration": int(kv._store.now()) + 120, "metadata": {"m": 1}}
    ]
    assert result["list_complete"] is False
    assert isinstance(result["cursor"], str) and result["cursor"]
    last = await kv.list({"limit": 1, "cursor": result["cursor"]})
    assert last == {"keys": [{"name": "b"}], "list_complete": True, "cacheStatus": None}


async def test_prefix_is_literal_not_a_like_pattern(kv: KVNamespace) -> None:
    for key in ["100%", "100%_off", "1000", "100_x", "100x", "100", "10%"]:
        await kv.put(key, "v")
    assert await names(kv, prefix="100%") == ["100%", "100%_off"]
    assert await names(kv, prefix="100_") == ["100_x"]
    assert await names(kv, prefix="100") == ["100", "100%", "100%_off", "1000", "100_x", "100x"]
    assert await names(kv, prefix="") == await names(kv)


async def test_prefix_matches_by_bytes_at_any_code_point(kv: KVNamespace) -> None:
    for key in ["user:é:1", "user:é:2", "user:ê:1", "user:e:1", "user:😀", "user:😁"]:
        await kv.put(key, "v")
    assert await names(kv, prefix="user:é") == ["user:é:1", "user:é:2"]
    assert await names(kv, prefix="user:😀") == ["user:😀"]
    assert await names(kv, prefix="nobody") == []


async def test_paging_with_limit_and_cursor_visits_every_key_once(kv: KVNamespace) -> None:
    for i in range(25):
        await kv.put(f"item:{i:03}", str(i))
    await kv.put("other", "v")

    pages, cursor = [], None
    while True:
        page = await kv.list(prefix="item:", limit=10, cursor=cursor)
        pages.append([key["name"] for key in page["keys"]])
        if page["list_complete"]:
            assert "cursor" not in page
            break
        cursor = page["cursor"]
    assert [len(page) for page in pages] == [10, 10, 5]
    assert sum(pages, []) == [f"item:{i:03}" for i in range(25)]


async def test_a_cursor_is_stable_under_concurrent_inserts(kv: KVNamespace) -> None:
    """Keys inserted between pages (before, at and after the cursor) never make a key that
    was there from the start be skipped or returned twice."""
    original = [f"k{i:03}" for i in range(0, 100, 2)]
    for key in original:
        await kv.put(key, "v")

    seen: list[str] = []
    cursor, page_number = None, 0
    while True:
        page = await kv.list(limit=7, cursor=cursor)
        seen += [key["name"] for key in page["keys"]]
        if page["list_complete"]:
            break
        cursor = page["cursor"]
        page_number += 1
        # Between pages: keys before what was read, right after it, and far ahead.
        for key in (f"a{page_number}", f"{seen[-1]}~", f"k{page_number * 13 + 1:03}", "zz"):
            await kv.put(key, "new")

    assert len(seen) == len(set(seen)), "a key was returned twice"
    assert set(original) <= set(seen), "a key present from the start was skipped"
    assert seen == sorted(seen, key=str.encode)


async def test_a_cursor_keeps_working_when_its_key_is_deleted(kv: KVNamespace) -> None:
    for key in "abcdef":
        await kv.put(key, "v")
    page = await kv.list(limit=3)
    await kv.delete("c")  # the key the cursor points after
    assert await names(kv, cursor=page["cursor"]) == ["d", "e", "f"]


async def test_listing_a_namespace_shows_only_its_own_keys(kv: KVNamespace, store) -> None:
    other = await store.create_namespace("account-1", "other")
    from hearth.bindings.kv import KVNamespace as Binding

    await Binding(store, other.id).put("theirs", "v")
    await kv.put("mine", "v")
    assert await names(kv) == ["mine"]
