-- The clinic server's store. Rows are kept generically (table, row id, fields with their per-field
-- clocks) beside the ordered change log, so a new column on the devices needs no migration here.

-- This server: its id, its epoch (new whenever the store is created or restored, so devices can tell
-- they talk to a server that may have lost changes), the clinic it serves (set by the first device that
-- pairs) and its TLS identity (kept here, encrypted with the rest).
CREATE TABLE identity (
    singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
    server_id TEXT NOT NULL,
    epoch TEXT NOT NULL,
    clinic_id TEXT,
    certificate BLOB NOT NULL,
    private_key BLOB NOT NULL,
    fingerprint TEXT NOT NULL,
    created_at TEXT NOT NULL
);

-- A device's credential is long-lived but rotates: each exchange for an access token gives a new one.
-- The one before stays good until the new one is first used, and presenting it gives that same new one
-- again (kept here, in the encrypted store, until it is used): an answer lost on the way, or two rounds
-- at once, never lock the device out. Presented after that, it is refused.
CREATE TABLE devices (
    id TEXT PRIMARY KEY NOT NULL,
    name TEXT NOT NULL,
    prefix TEXT NOT NULL UNIQUE,
    credential_hash TEXT NOT NULL UNIQUE,
    previous_credential_hash TEXT UNIQUE,
    issued_credential TEXT,
    schema_version INTEGER NOT NULL,
    applied_seq INTEGER NOT NULL DEFAULT 0,
    -- A device that went on from another one (re-enrolled): its first push may start past applied_seq.
    opening INTEGER NOT NULL DEFAULT 0,
    paired_at TEXT NOT NULL,
    last_seen_at TEXT,
    revoked_at TEXT
);

-- Short-lived access tokens (15 minutes), kept hashed: every route but pairing and the exchange needs one.
CREATE TABLE access_tokens (
    token_hash TEXT PRIMARY KEY NOT NULL,
    device_id TEXT NOT NULL REFERENCES devices (id),
    expires_at TEXT NOT NULL
);

-- One-time pairing codes, kept hashed.
CREATE TABLE pairing_codes (
    code_hash TEXT PRIMARY KEY NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    used_at TEXT,
    used_by TEXT
);

-- Failed pairing attempts, for the rate limit.
CREATE TABLE pairing_failures (at TEXT NOT NULL);

-- Every accepted change, in the one order every device applies them in.
CREATE TABLE changes (
    server_seq INTEGER PRIMARY KEY AUTOINCREMENT,
    change_id TEXT NOT NULL UNIQUE,
    device_id TEXT NOT NULL REFERENCES devices (id),
    device_seq INTEGER NOT NULL,
    seen_through INTEGER NOT NULL,
    hlc TEXT NOT NULL,
    table_name TEXT NOT NULL,
    row_id TEXT NOT NULL,
    operation TEXT NOT NULL,
    fields TEXT NOT NULL,
    schema_version INTEGER NOT NULL,
    user_id TEXT,
    recorded_at TEXT NOT NULL,
    received_at TEXT NOT NULL,
    UNIQUE (device_id, device_seq)
);

-- Changes refused, with the reason, for the device that made them to show.
CREATE TABLE rejected_changes (
    change_id TEXT PRIMARY KEY NOT NULL,
    device_id TEXT NOT NULL REFERENCES devices (id),
    device_seq INTEGER NOT NULL,
    change TEXT NOT NULL,
    reason TEXT NOT NULL,
    rejected_at TEXT NOT NULL
);

-- The clinic's current rows: {"column": value} and {"*": insert HLC, "column": HLC of its last write}.
CREATE TABLE rows (
    table_name TEXT NOT NULL,
    row_id TEXT NOT NULL,
    fields TEXT NOT NULL,
    clocks TEXT NOT NULL,
    PRIMARY KEY (table_name, row_id)
) WITHOUT ROWID;
