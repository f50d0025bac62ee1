"""The PostgreSQL KV store's schema (created idempotently) and statements."""

_SCHEMA_LOCK = 0x6B765F736368  # pg_advisory_xact_lock key: "kv_sch"
_SCHEMA = """
CREATE TABLE IF NOT EXISTS kv_namespaces (
    id text PRIMARY KEY,
    account_id text NOT NULL,
    title text NOT NULL,
    created_on double precision NOT NULL,
    UNIQUE (account_id, title)
);
CREATE TABLE IF NOT EXISTS kv_entries (
    namespace_id text NOT NULL REFERENCES kv_namespaces (id) ON DELETE CASCADE,
    key bytea NOT NULL,
    value bytea,
    blob_id bigint,
    size bigint NOT NULL,
    expiration bigint,
    metadata text,
    PRIMARY KEY (namespace_id, key)
);
CREATE INDEX IF NOT EXISTS kv_entries_expiration ON kv_entries (expiration)
    WHERE expiration IS NOT NULL;
CREATE TABLE IF NOT EXISTS kv_blobs (
    blob_id bigserial PRIMARY KEY,
    released_at double precision
);
CREATE INDEX IF NOT EXISTS kv_blobs_released ON kv_blobs (released_at)
    WHERE released_at IS NOT NULL;
CREATE TABLE IF NOT EXISTS kv_blob_chunks (
    blob_id bigint NOT NULL,
    seq integer NOT NULL,
    data bytea NOT NULL,
    PRIMARY KEY (blob_id, seq)
);
"""

_NS_COLUMNS = "id, account_id, title, created_on"
_GET = (
    "SELECT value, blob_id, expiration, metadata, size FROM kv_entries "
    "WHERE namespace_id = $1 AND key = $2"
)
# Taken (in key order: no deadlock between two batches) before a put reads the entry it
# replaces: `SELECT … FOR UPDATE` locks nothing while the key does not exist, so two puts to a
# new key could each see no old blob and one's blob would never be released.
_LOCK_KEYS = """
SELECT pg_advisory_xact_lock(h) FROM (
    SELECT DISTINCT hashtextextended($1 || encode(k, 'hex'), 0) AS h FROM unnest($2::bytea[]) k
) AS keys ORDER BY h
"""
# The old blob (if any) is released as the row is replaced.
_PUT_INLINE = """
WITH old AS (
    SELECT blob_id FROM kv_entries WHERE namespace_id = $1 AND key = $2 FOR UPDATE
), upsert AS (
    INSERT INTO kv_entries (namespace_id, key, value, blob_id, size, expiration, metadata)
    VALUES ($1, $2, $3, NULL, $4, $5, $6)
    ON CONFLICT (namespace_id, key) DO UPDATE SET value = excluded.value, blob_id = NULL,
        size = excluded.size, expiration = excluded.expiration, metadata = excluded.metadata
)
UPDATE kv_blobs SET released_at = $7
WHERE blob_id IN (SELECT blob_id FROM old WHERE blob_id IS NOT NULL)
"""
_PUT_BLOB = """
INSERT INTO kv_entries (namespace_id, key, value, blob_id, size, expiration, metadata)
VALUES ($1, $2, NULL, $3, $4, $5, $6)
ON CONFLICT (namespace_id, key) DO UPDATE SET value = NULL, blob_id = excluded.blob_id,
    size = excluded.size, expiration = excluded.expiration, metadata = excluded.metadata
"""
_DELETE = """
WITH gone AS (
    DELETE FROM kv_entries WHERE namespace_id = $1 AND key = $2 RETURNING blob_id
)
UPDATE kv_blobs SET released_at = $3 WHERE blob_id IN (SELECT blob_id FROM gone)
"""
_EXPIRE = """
WITH gone AS (
    DELETE FROM kv_entries WHERE namespace_id = $1 AND key = $2 AND expiration = $3
    RETURNING blob_id
)
UPDATE kv_blobs SET released_at = $4 WHERE blob_id IN (SELECT blob_id FROM gone)
"""
_LIST = (
    "SELECT key, expiration, metadata FROM kv_entries WHERE namespace_id = $1 AND key >= $2 "
    "AND key < $3 AND (expiration IS NULL OR expiration > $4) ORDER BY key LIMIT $5"
)
_SWEEP_EXPIRED = """
WITH gone AS (
    DELETE FROM kv_entries WHERE (namespace_id, key) IN (
        SELECT namespace_id, key FROM kv_entries WHERE expiration <= $1 LIMIT $2
        FOR UPDATE SKIP LOCKED
    ) RETURNING blob_id
), released AS (
    UPDATE kv_blobs SET released_at = $3 WHERE blob_id IN (SELECT blob_id FROM gone)
)
SELECT count(*) FROM gone
"""
_SWEEP_BLOBS = """
WITH doomed AS (
    DELETE FROM kv_blobs WHERE blob_id IN (
        SELECT blob_id FROM kv_blobs WHERE released_at <= $1 LIMIT 16 FOR UPDATE SKIP LOCKED
    ) RETURNING blob_id
), chunks AS (
    DELETE FROM kv_blob_chunks WHERE blob_id IN (SELECT blob_id FROM doomed)
)
SELECT count(*) FROM doomed
"""
