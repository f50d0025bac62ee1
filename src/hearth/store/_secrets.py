"""Secrets at rest: AES-GCM with a 32-byte key kept in a file outside the database.

A secret set (name → value) is one encrypted JSON object. The row id is the AES-GCM associated
data, so a ciphertext copied into another row does not decrypt. A set's digest is an HMAC
(keyed, not a plain hash: a plain hash of a short secret could be brute-forced offline from a
stolen database).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import os
import secrets
import uuid
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from sqlalchemy.ext.asyncio import AsyncConnection

from .tables import secret_sets

__all__ = ["KEY_FILE_ENV", "SecretBox", "insert_secret_set", "load_key", "load_secret_set"]

KEY_FILE_ENV = "HEARTH_SECRET_KEY_FILE"
_KEY_BYTES = 32
_NONCE_BYTES = 12
log = logging.getLogger("hearth.store")


def load_key(data_dir: Path) -> bytes:
    """Read the key file (`HEARTH_SECRET_KEY_FILE` or `<data_dir>/secret.key`), creating it
    with mode 0600 on first start."""
    path = Path(os.environ.get(KEY_FILE_ENV) or data_dir / "secret.key")
    try:
        # O_EXCL: two processes starting at once must not each write a different key.
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return _read_key(path)
    with os.fdopen(fd, "w") as file:
        file.write(base64.urlsafe_b64encode(secrets.token_bytes(_KEY_BYTES)).decode() + "\n")
    return _read_key(path)


def _read_key(path: Path) -> bytes:
    if path.stat().st_mode & 0o077:
        log.warning("secret key file %s is readable by group or others; chmod 600 it", path)
    raw = path.read_bytes()
    if len(raw) == _KEY_BYTES:
        return raw
    try:
        key = base64.urlsafe_b64decode(raw.strip())
    except ValueError:
        key = b""
    if len(key) != _KEY_BYTES:
        raise ValueError(f"{path}: expected a {_KEY_BYTES}-byte key (raw or base64)")
    return key


class SecretBox:
    """Encrypts secret sets and computes their digests with one master key."""

    __slots__ = ("_aead", "_mac_key")

    def __init__(self, key: bytes) -> None:
        if len(key) != _KEY_BYTES:
            raise ValueError(f"the secret key must be {_KEY_BYTES} bytes")
        self._aead = AESGCM(key)
        # A separate key for the HMAC, so the digest never uses the encryption key directly.
        self._mac_key = HKDF(
            algorithm=hashes.SHA256(), length=32, salt=None, info=b"hearth secret digest"
        ).derive(key)

    def seal(self, values: dict[str, str], *, context: str) -> bytes:
        nonce = secrets.token_bytes(_NONCE_BYTES)
        plain = json.dumps(values, sort_keys=True).encode()
        return nonce + self._aead.encrypt(nonce, plain, context.encode())

    def open(self, blob: bytes, *, context: str) -> dict[str, str]:
        nonce, sealed = blob[:_NONCE_BYTES], blob[_NONCE_BYTES:]
        return json.loads(self._aead.decrypt(nonce, sealed, context.encode()))

    def digest(self, values: dict[str, str]) -> str:
        plain = json.dumps(values, sort_keys=True, separators=(",", ":")).encode()
        return hmac.new(self._mac_key, plain, hashlib.sha256).hexdigest()


async def insert_secret_set(
    conn: AsyncConnection, box: SecretBox, service_id: str, values: dict[str, str]
) -> str:
    set_id = str(uuid.uuid4())
    await conn.execute(
        secret_sets.insert().values(
            id=set_id,
            service_id=service_id,
            ciphertext=box.seal(values, context=set_id),
            created_at=datetime.now(UTC),
        )
    )
    return set_id


async def load_secret_set(conn: AsyncConnection, box: SecretBox, set_id: str) -> dict[str, str]:
    blob = (
        await conn.execute(sa.select(secret_sets.c.ciphertext).where(secret_sets.c.id == set_id))
    ).scalar_one()
    return box.open(bytes(blob), context=set_id)
