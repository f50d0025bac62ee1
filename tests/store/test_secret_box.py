"""The secret box: AES-GCM bound to the row, keyed digests."""

from __future__ import annotations

import secrets

import pytest
from cryptography.exceptions import InvalidTag

from hearth.store import SecretBox

KEY = secrets.token_bytes(32)


def test_a_sealed_set_opens_only_with_its_key_and_context() -> None:
    box = SecretBox(KEY)
    sealed = box.seal({"TOKEN": "value"}, context="set-1")
    assert b"value" not in sealed
    assert box.open(sealed, context="set-1") == {"TOKEN": "value"}
    with pytest.raises(InvalidTag):
        box.open(sealed, context="set-2")  # copied into another row
    with pytest.raises(InvalidTag):
        SecretBox(secrets.token_bytes(32)).open(sealed, context="set-1")


def test_sealing_twice_gives_different_ciphertexts() -> None:
    box = SecretBox(KEY)
    assert box.seal({"A": "1"}, context="s") != box.seal({"A": "1"}, context="s")


def test_the_digest_is_stable_per_key_and_changes_with_the_key() -> None:
    values = {"A": "1", "B": "2"}
    assert SecretBox(KEY).digest(values) == SecretBox(KEY).digest(dict(reversed(values.items())))
    assert SecretBox(KEY).digest(values) != SecretBox(secrets.token_bytes(32)).digest(values)


def test_the_key_must_be_32_bytes() -> None:
    with pytest.raises(ValueError):
        SecretBox(b"short")
