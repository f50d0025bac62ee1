"""Namespaces belong to an account: create, list, get, rename, delete; nothing crosses accounts."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import pytest

from hearth.bindings.kv import (
    KVError,
    KVNamespace,
    KVStore,
    NamespaceNotFound,
    NamespaceTitleTaken,
    SqliteKVStore,
)


async def test_a_namespace_gets_a_32_hex_id_like_cloudflares(store: KVStore) -> None:
    created = await store.create_namespace("acme", "sessions")
    assert re.fullmatch(r"[0-9a-f]{32}", created.id)
    assert (created.account_id, created.title) == ("acme", "sessions")
    assert await store.get_namespace("acme", created.id) == created


async def test_titles_are_unique_within_an_account_only(store: KVStore) -> None:
    await store.create_namespace("acme", "cache")
    with pytest.raises(NamespaceTitleTaken):
        await store.create_namespace("acme", "cache")
    await store.create_namespace("globex", "cache")  # another account may use the title


async def test_listing_is_per_account_and_paginated(store: KVStore) -> None:
    for title in ["delta", "alpha", "charlie", "bravo", "echo"]:
        await store.create_namespace("acme", title)
    await store.create_namespace("globex", "zulu")

    first = await store.list_namespaces("acme", per_page=2)
    assert [ns.title for ns in first.namespaces] == ["alpha", "bravo"]
    assert (first.page, first.per_page, first.total_count) == (1, 2, 5)
    third = await store.list_namespaces("acme", page=3, per_page=2)
    assert [ns.title for ns in third.namespaces] == ["echo"]
    beyond = await store.list_namespaces("acme", page=4, per_page=2)
    assert (beyond.namespaces, beyond.total_count) == ([], 5)
    newest_first = await store.list_namespaces("acme", order="title", direction="desc")
    assert [ns.title for ns in newest_first.namespaces][:2] == ["echo", "delta"]
    assert [ns.title for ns in (await store.list_namespaces("globex")).namespaces] == ["zulu"]
    with pytest.raises(ValueError):
        await store.list_namespaces("acme", order="title; DROP TABLE kv_entries")


async def test_rename(store: KVStore) -> None:
    ns = await store.create_namespace("acme", "old")
    await store.create_namespace("acme", "taken")
    renamed = await store.rename_namespace("acme", ns.id, "new")
    assert (renamed.id, renamed.title) == (ns.id, "new")
    assert (await store.get_namespace("acme", ns.id)).title == "new"
    with pytest.raises(NamespaceTitleTaken):
        await store.rename_namespace("acme", ns.id, "taken")
    with pytest.raises(NamespaceNotFound):
        await store.rename_namespace("acme", "0" * 32, "whatever")
    with pytest.raises(ValueError):
        await store.rename_namespace("acme", ns.id, "  ")


async def test_another_account_cannot_see_rename_or_delete_a_namespace(store: KVStore) -> None:
    ns = await store.create_namespace("acme", "private")
    assert await store.get_namespace("globex", ns.id) is None
    with pytest.raises(NamespaceNotFound):
        await store.rename_namespace("globex", ns.id, "mine now")
    with pytest.raises(NamespaceNotFound):
        await store.delete_namespace("globex", ns.id)
    assert await store.get_namespace("acme", ns.id) == ns


async def test_deleting_a_namespace_deletes_its_keys_and_only_its_keys(store: KVStore) -> None:
    doomed = await store.create_namespace("acme", "doomed")
    kept = await store.create_namespace("acme", "kept")
    doomed_kv, kept_kv = KVNamespace(store, doomed.id), KVNamespace(store, kept.id)
    for kv in (doomed_kv, kept_kv):
        await kv.put("shared-name", "v")
        await kv.put("big", b"x" * 1_500_000)

    await store.delete_namespace("acme", doomed.id)
    assert await store.get_namespace("acme", doomed.id) is None
    assert await doomed_kv.get("shared-name") is None
    assert (await doomed_kv.list())["keys"] == []
    assert await kept_kv.get("shared-name") == "v"
    assert len(await kept_kv.get("big", "arrayBuffer")) == 1_500_000

    # A binding left pointing at the deleted namespace cannot write into the void.
    with pytest.raises(KVError) as raised:
        await doomed_kv.put("k", "v")
    assert str(raised.value) == "KV PUT failed: 404 Not Found"
    with pytest.raises(KVError):
        await doomed_kv.put("k", b"x" * 1_500_000)


async def test_the_same_key_in_two_namespaces_is_two_keys(store: KVStore) -> None:
    one = KVNamespace(store, (await store.create_namespace("acme", "one")).id)
    two = KVNamespace(store, (await store.create_namespace("globex", "two")).id)
    await one.put("k", "from one")
    await two.put("k", "from two")
    await one.delete("k")
    assert (await one.get("k"), await two.get("k")) == (None, "from two")


def test_sqlite_store_owns_its_file_schema_and_pragmas(tmp_path: Path) -> None:
    path = tmp_path / "data" / "kv.sqlite3"
    store = SqliteKVStore(path)
    assert store._db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert store._db.execute("PRAGMA synchronous").fetchone()[0] == 1  # NORMAL
    store._db.close()
    raw = sqlite3.connect(path)
    assert raw.execute("PRAGMA user_version").fetchone()[0] == 1
    raw.execute("PRAGMA user_version = 99")
    raw.commit()
    raw.close()
    with pytest.raises(RuntimeError, match="schema version 99"):
        SqliteKVStore(path)


async def test_sqlite_store_data_survives_reopening(tmp_path: Path) -> None:
    path = tmp_path / "kv.sqlite3"
    store = SqliteKVStore(path)
    ns = await store.create_namespace("acme", "persistent")
    await KVNamespace(store, ns.id).put("k", "v")
    await store.close()
    reopened = SqliteKVStore(path)
    assert await KVNamespace(reopened, ns.id).get("k") == "v"
    await reopened.close()
