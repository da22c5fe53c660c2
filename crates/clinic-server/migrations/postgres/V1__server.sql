-- The clinic server's store in PostgreSQL: the same tables as in SQLite (migrations/sqlite, whose
-- comments say what each holds), in PostgreSQL's types. Texts compare byte by byte (COLLATE "C"), as
-- in SQLite, so that rows are listed, and the clinic's digest computed, in one order on both.

CREATE TABLE identity (
    singleton BIGINT PRIMARY KEY CHECK (singleton = 1),
    server_id TEXT COLLATE "C" NOT NULL,
    epoch TEXT COLLATE "C" NOT NULL,
    clinic_id TEXT COLLATE "C",
    certificate BYTEA NOT NULL,
    private_key BYTEA NOT NULL,
    fingerprint TEXT COLLATE "C" NOT NULL,
    created_at TEXT COLLATE "C" NOT NULL
);

CREATE TABLE devices (
    id TEXT COLLATE "C" PRIMARY KEY,
    name TEXT NOT NULL,
    prefix TEXT COLLATE "C" NOT NULL UNIQUE,
    credential_hash TEXT COLLATE "C" NOT NULL UNIQUE,
    previous_credential_hash TEXT COLLATE "C" UNIQUE,
    issued_credential TEXT COLLATE "C",
    schema_version BIGINT NOT NULL,
    applied_seq BIGINT NOT NULL DEFAULT 0,
    opening BIGINT NOT NULL DEFAULT 0,
    paired_at TEXT COLLATE "C" NOT NULL,
    last_seen_at TEXT COLLATE "C",
    revoked_at TEXT COLLATE "C"
);

CREATE TABLE access_tokens (
    token_hash TEXT COLLATE "C" PRIMARY KEY,
    device_id TEXT COLLATE "C" NOT NULL REFERENCES devices (id),
    expires_at TEXT COLLATE "C" NOT NULL
);
CREATE INDEX access_tokens_by_expiry ON access_tokens (expires_at);

CREATE TABLE pairing_codes (
    code_hash TEXT COLLATE "C" PRIMARY KEY,
    created_at TEXT COLLATE "C" NOT NULL,
    expires_at TEXT COLLATE "C" NOT NULL,
    used_at TEXT COLLATE "C",
    used_by TEXT COLLATE "C"
);

CREATE TABLE pairing_failures (at TEXT COLLATE "C" NOT NULL);

-- The stream's numbers are given out while a push holds the stream's lock (LOCK TABLE changes IN
-- EXCLUSIVE MODE, until it commits): in commit order. A push rolled back leaves a gap, never a number
-- committed behind a pull's cursor.
CREATE TABLE changes (
    server_seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    change_id TEXT COLLATE "C" NOT NULL UNIQUE,
    device_id TEXT COLLATE "C" NOT NULL REFERENCES devices (id),
    device_seq BIGINT NOT NULL,
    seen_through BIGINT NOT NULL,
    hlc TEXT COLLATE "C" NOT NULL,
    table_name TEXT COLLATE "C" NOT NULL,
    row_id TEXT COLLATE "C" NOT NULL,
    operation TEXT COLLATE "C" NOT NULL,
    fields TEXT NOT NULL,
    schema_version BIGINT NOT NULL,
    user_id TEXT COLLATE "C",
    recorded_at TEXT COLLATE "C" NOT NULL,
    received_at TEXT COLLATE "C" NOT NULL,
    UNIQUE (device_id, device_seq)
);
CREATE INDEX changes_by_row ON changes (table_name, row_id, server_seq);

CREATE TABLE rejected_changes (
    change_id TEXT COLLATE "C" PRIMARY KEY,
    device_id TEXT COLLATE "C" NOT NULL REFERENCES devices (id),
    device_seq BIGINT NOT NULL,
    change TEXT NOT NULL,
    reason TEXT NOT NULL,
    rejected_at TEXT COLLATE "C" NOT NULL,
    code TEXT COLLATE "C" NOT NULL DEFAULT 'refused',
    clashes_with TEXT COLLATE "C"
);
CREATE INDEX rejected_changes_by_device ON rejected_changes (device_id, device_seq);

-- A row's fields are a JSON document (jsonb), read with `fields ->> 'column'` as in SQLite.
CREATE TABLE rows (
    table_name TEXT COLLATE "C" NOT NULL,
    row_id TEXT COLLATE "C" NOT NULL,
    fields JSONB NOT NULL,
    clocks TEXT NOT NULL,
    PRIMARY KEY (table_name, row_id)
);

CREATE TABLE refused_rows (
    row_id TEXT COLLATE "C" PRIMARY KEY,
    table_name TEXT COLLATE "C" NOT NULL,
    change_id TEXT COLLATE "C" NOT NULL
);

CREATE INDEX rows_appointments_by_provider ON rows ((fields ->> 'provider_id'), (fields ->> 'starts_at'))
    WHERE table_name = 'appointments';
CREATE INDEX rows_time_off_by_provider ON rows ((fields ->> 'provider_id'), (fields ->> 'starts_at'))
    WHERE table_name = 'provider_time_off';
