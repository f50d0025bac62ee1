"""The SQLite KV store's schema (versioned migrations) and statements."""

# Schema versions, applied in order; PRAGMA user_version records how many ran.
_MIGRATIONS = (
    """
    -- Entries refer to their namespace by `seq`, a small integer: a narrower primary key and a
    -- cheaper comparison than the 32-character id on every point read. AUTOINCREMENT: a
    -- deleted namespace's number is never reused, so a stale cached number finds nothing.
    CREATE TABLE kv_namespaces (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        id TEXT NOT NULL UNIQUE,
        account_id TEXT NOT NULL,
        title TEXT NOT NULL,
        created_on REAL NOT NULL,
        UNIQUE (account_id, title)
    );
    CREATE TABLE kv_entries (
        ns INTEGER NOT NULL REFERENCES kv_namespaces (seq) ON DELETE CASCADE,
        -- TEXT in a UTF-8 database with the BINARY collation compares with memcmp: UTF-8 byte
        -- order, as Cloudflare lists keys (and it binds faster than a BLOB would).
        key TEXT NOT NULL,
        value BLOB,                 -- inline value, or NULL when blob_id is set
        blob_id INTEGER,
        size INTEGER NOT NULL,
        expiration INTEGER,         -- epoch seconds
        metadata TEXT,              -- JSON
        PRIMARY KEY (ns, key)
    ) WITHOUT ROWID;
    CREATE INDEX kv_entries_expiration ON kv_entries (expiration)
        WHERE expiration IS NOT NULL;
    CREATE TABLE kv_blobs (
        blob_id INTEGER PRIMARY KEY,
        released_at REAL            -- NULL while an entry holds it; upload start while pending
    );
    CREATE INDEX kv_blobs_released ON kv_blobs (released_at) WHERE released_at IS NOT NULL;
    CREATE TABLE kv_blob_chunks (
        blob_id INTEGER NOT NULL,
        seq INTEGER NOT NULL,
        data BLOB NOT NULL,
        PRIMARY KEY (blob_id, seq)
    ) WITHOUT ROWID;
    -- An entry that stops holding a blob (overwritten, deleted, expired, its namespace deleted)
    -- releases it, so a put or delete stays one statement. The time comes from the store's
    -- clock, registered on the connection as hearth_kv_now().
    CREATE TRIGGER kv_entries_replace_blob AFTER UPDATE OF blob_id ON kv_entries
    WHEN OLD.blob_id IS NOT NULL AND OLD.blob_id IS NOT NEW.blob_id
    BEGIN
        UPDATE kv_blobs SET released_at = hearth_kv_now() WHERE blob_id = OLD.blob_id;
    END;
    CREATE TRIGGER kv_entries_delete_blob AFTER DELETE ON kv_entries
    WHEN OLD.blob_id IS NOT NULL
    BEGIN
        UPDATE kv_blobs SET released_at = hearth_kv_now() WHERE blob_id = OLD.blob_id;
    END;
    """,
)

_NS = "SELECT id, account_id, title, created_on FROM kv_namespaces"
_GET = "SELECT value, blob_id, expiration, metadata, size FROM kv_entries WHERE ns = ? AND key = ?"
_GET_VALUE = "SELECT value, expiration FROM kv_entries WHERE ns = ? AND key = ?"
_UPSERT = (
    "INSERT INTO kv_entries (ns, key, value, blob_id, size, expiration, metadata) "
    "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (ns, key) DO UPDATE SET value = excluded.value, "
    "blob_id = excluded.blob_id, size = excluded.size, expiration = excluded.expiration, "
    "metadata = excluded.metadata"
)
_CLAIM = "UPDATE kv_blobs SET released_at = NULL WHERE blob_id = ?"
_LIST = (
    "SELECT key, expiration, metadata FROM kv_entries WHERE ns = ? AND key >= ? AND key < ? "
    "AND (expiration IS NULL OR expiration > ?) ORDER BY key LIMIT ?"
)
_CHUNK = "SELECT data FROM kv_blob_chunks WHERE blob_id = ? AND seq = ?"
_ADD_CHUNK = "INSERT INTO kv_blob_chunks (blob_id, seq, data) VALUES (?, ?, ?)"
_DROP_BLOB = (
    "DELETE FROM kv_blob_chunks WHERE blob_id = ?",
    "DELETE FROM kv_blobs WHERE blob_id = ?",
)
