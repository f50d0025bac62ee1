"""The store: the control database (SQLite or PostgreSQL), code bundles and encrypted secrets."""

from ._bundles import (
    MAX_BUNDLE_BYTES,
    MAX_FILES,
    Bundle,
    check_bundle,
    insert_bundle,
    load_bundle,
    manifest_of,
)
from ._engine import Store, open_store
from ._secrets import KEY_FILE_ENV, SecretBox, insert_secret_set, load_secret_set
from .tables import metadata

__all__ = [
    "KEY_FILE_ENV",
    "MAX_BUNDLE_BYTES",
    "MAX_FILES",
    "Bundle",
    "SecretBox",
    "Store",
    "check_bundle",
    "insert_bundle",
    "insert_secret_set",
    "load_bundle",
    "load_secret_set",
    "manifest_of",
    "metadata",
    "open_store",
]
