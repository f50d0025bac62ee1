"""Code bundles are content-addressed: each file stored once, the manifest names the bundle."""

from __future__ import annotations

import hashlib

import pytest

from hearth.store import Store
from tests.store.backends import row_counts

FILES = {"entry.py": b"from app import x\n", "app/__init__.py": b"x = 1\n", "data.json": b"{}"}


async def test_a_bundle_round_trips(store: Store) -> None:
    digest = await store.put_bundle(FILES, "entry.py")
    bundle = await store.get_bundle(digest)
    assert (bundle.files, bundle.main_module) == (FILES, "entry.py")


async def test_the_digest_depends_on_content_and_main_module_not_on_order(store: Store) -> None:
    digest = await store.put_bundle(FILES, "entry.py")
    assert digest == await store.put_bundle(dict(reversed(FILES.items())), "entry.py")
    assert digest != await store.put_bundle(FILES, "app/__init__.py")
    assert digest != await store.put_bundle({**FILES, "data.json": b"[]"}, "entry.py")
    assert len(digest) == 64 and int(digest, 16) >= 0


async def test_each_file_is_stored_once_across_bundles(store: Store) -> None:
    await store.put_bundle(FILES, "entry.py")
    before = await row_counts(store)
    await store.put_bundle(FILES, "entry.py")
    await store.put_bundle({**FILES, "extra.py": b"x = 1\n"}, "entry.py")  # same bytes as app/
    after = await row_counts(store)
    assert after["blobs"] == before["blobs"] == 3
    assert after["bundles"] == before["bundles"] + 1


async def test_a_missing_bundle_is_a_key_error(store: Store) -> None:
    with pytest.raises(KeyError):
        await store.get_bundle(hashlib.sha256(b"nothing").hexdigest())


@pytest.mark.parametrize(
    ("files", "main"),
    [
        ({}, "entry.py"),
        ({"entry.py": b""}, "main.py"),
        ({"/etc/passwd": b""}, "/etc/passwd"),
        ({"../up.py": b""}, "../up.py"),
        ({"a//b.py": b""}, "a//b.py"),
        ({"a\\b.py": b""}, "a\\b.py"),
        ({"entry.py": "text, not bytes"}, "entry.py"),
    ],
)
async def test_malformed_bundles_are_refused_before_anything_is_stored(
    store: Store, files: dict, main: str
) -> None:
    before = await row_counts(store)
    with pytest.raises(ValueError):
        await store.put_bundle(files, main)
    assert await row_counts(store) == before
