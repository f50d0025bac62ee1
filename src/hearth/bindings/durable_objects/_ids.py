"""Object ids: 64 hex digits that carry a check of the namespace they belong to.

An id is 32 bytes: 16 that name the object (an HMAC of the name for `idFromName`, random for
`newUniqueId`) and 16 that are an HMAC of those under the namespace's own key. `idFromString`
recomputes the second half, so an id of another namespace (or a typo) is refused, and nobody
can forge a name's id without the key, which stays in the data directory.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
from dataclasses import dataclass
from pathlib import Path

_HEX64 = re.compile(r"[0-9a-f]{64}")
SECRET_FILENAME = "namespace-secret"


@dataclass(frozen=True, slots=True)
class NamespaceKey:
    """Which objects a namespace holds: one class of one service's environment."""

    account: str
    service: str
    environment: str
    class_name: str  # the class that runs the objects
    # The class the namespace was created for, when migrations renamed it since: ids, storage
    # and alarms stay the original's, so a rename keeps every object.
    renamed_from: str | None = None

    @property
    def stored_class(self) -> str:
        return self.renamed_from or self.class_name

    def stored(self) -> NamespaceKey:
        """The namespace's identity: what ids, storage files and alarms are keyed by."""
        if self.renamed_from is None:
            return self
        return NamespaceKey(self.account, self.service, self.environment, self.renamed_from)

    def __str__(self) -> str:
        return f"{self.account}/{self.service}/{self.environment}/{self.stored_class}"


class DurableObjectId:
    """`DurableObjectId`: `toString()`, `equals()`, `name` (set by `idFromName` only)."""

    __slots__ = ("_hex", "name", "namespace")

    def __init__(self, hex_id: str, namespace: NamespaceKey, name: str | None = None) -> None:
        self._hex = hex_id
        self.namespace = namespace
        self.name = name

    def toString(self) -> str:  # noqa: N802 - Cloudflare's name
        return self._hex

    to_string = toString

    def equals(self, other: object) -> bool:
        return isinstance(other, DurableObjectId) and other._hex == self._hex

    def __eq__(self, other: object) -> bool:
        return self.equals(other)

    def __hash__(self) -> int:
        return hash(self._hex)

    def __str__(self) -> str:
        return self._hex

    def __repr__(self) -> str:
        return f"DurableObjectId({self._hex!r})"


class IdMinter:
    """Makes and checks the ids of every namespace with one secret kept in the data dir."""

    def __init__(self, root: Path) -> None:
        root.mkdir(parents=True, exist_ok=True)
        path = root / SECRET_FILENAME
        if not path.exists():
            scratch = path.with_suffix(f".{os.getpid()}")
            scratch.write_bytes(os.urandom(32))
            os.replace(scratch, path)
        self._secret = path.read_bytes()

    def _key(self, namespace: NamespaceKey) -> bytes:
        return hmac.digest(self._secret, str(namespace).encode(), hashlib.sha256)

    def _with_check(self, namespace: NamespaceKey, body: bytes) -> str:
        check = hmac.digest(self._key(namespace), b"check:" + body, hashlib.sha256)[:16]
        return (body + check).hex()

    def from_name(self, namespace: NamespaceKey, name: str) -> DurableObjectId:
        if not isinstance(name, str):
            raise TypeError(f"idFromName() needs a string name, not {type(name).__name__}")
        body = hmac.digest(self._key(namespace), b"name:" + name.encode(), hashlib.sha256)[:16]
        return DurableObjectId(self._with_check(namespace, body), namespace, name)

    def unique(self, namespace: NamespaceKey) -> DurableObjectId:
        return DurableObjectId(self._with_check(namespace, os.urandom(16)), namespace)

    def from_string(self, namespace: NamespaceKey, text: str) -> DurableObjectId:
        if not isinstance(text, str) or not _HEX64.fullmatch(text):
            raise TypeError(f"Invalid Durable Object ID: must be 64 hex digits, got {text!r}")
        if self._with_check(namespace, bytes.fromhex(text[:32])) != text:
            raise TypeError(
                f"Durable Object ID {text} is not valid for this namespace ({namespace})."
            )
        return DurableObjectId(text, namespace)
