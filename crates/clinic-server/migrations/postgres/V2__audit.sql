-- The clinic's audit trail, as in SQLite (migrations/sqlite/V4__audit.sql says what each column holds).
CREATE TABLE audit_entries (
    place BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    pushed_by TEXT COLLATE "C" NOT NULL REFERENCES devices (id),
    seq BIGINT NOT NULL,
    id TEXT COLLATE "C" NOT NULL,
    at TEXT COLLATE "C" NOT NULL,
    user_id TEXT COLLATE "C",
    device_id TEXT COLLATE "C" NOT NULL,
    action TEXT COLLATE "C" NOT NULL,
    entity TEXT COLLATE "C" NOT NULL,
    entity_id TEXT COLLATE "C",
    patient_id TEXT COLLATE "C",
    details TEXT,
    prev_hash TEXT COLLATE "C" NOT NULL,
    hash TEXT COLLATE "C" NOT NULL,
    repeat BIGINT NOT NULL,
    received_at TEXT COLLATE "C" NOT NULL,
    UNIQUE (pushed_by, seq)
);
CREATE INDEX audit_entries_by_id ON audit_entries (id);
CREATE INDEX audit_entries_by_at ON audit_entries (at);

CREATE TABLE audit_patients (
    patient_id TEXT COLLATE "C" NOT NULL,
    place BIGINT NOT NULL REFERENCES audit_entries (place),
    PRIMARY KEY (patient_id, place)
);

CREATE FUNCTION audit_entries_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the audit trail is append-only';
END;
$$;
CREATE TRIGGER audit_entries_append_only BEFORE UPDATE OR DELETE ON audit_entries
    FOR EACH ROW EXECUTE FUNCTION audit_entries_append_only();
