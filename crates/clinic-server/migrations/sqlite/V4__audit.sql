-- The clinic's audit trail: each device's entries as it pushed them, its hash chain checked on receipt
-- (an entry that does not continue the chain is refused, with the rest of that push). `place` is the
-- entry's place in the clinic's list; `repeat` marks an entry another device pushed first (a device
-- restored from a backup goes on under a new id and sends its chain again), left out of the list.
CREATE TABLE audit_entries (
    place INTEGER PRIMARY KEY AUTOINCREMENT,
    pushed_by TEXT NOT NULL REFERENCES devices (id),
    seq INTEGER NOT NULL,
    id TEXT NOT NULL,
    at TEXT NOT NULL,
    user_id TEXT,
    device_id TEXT NOT NULL,
    action TEXT NOT NULL,
    entity TEXT NOT NULL,
    entity_id TEXT,
    patient_id TEXT,
    details TEXT,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL,
    repeat INTEGER NOT NULL,
    received_at TEXT NOT NULL,
    UNIQUE (pushed_by, seq)
);
CREATE INDEX audit_entries_by_id ON audit_entries (id);
CREATE INDEX audit_entries_by_at ON audit_entries (at);

-- The patients an entry is about: its own, and those a list showed (`details.shown`); '*' for an
-- export of every patient. "Who looked at my record" reads it.
CREATE TABLE audit_patients (
    patient_id TEXT NOT NULL,
    place INTEGER NOT NULL REFERENCES audit_entries (place),
    PRIMARY KEY (patient_id, place)
);

CREATE TRIGGER audit_entries_no_update BEFORE UPDATE ON audit_entries
BEGIN
    SELECT RAISE(ABORT, 'the audit trail is append-only');
END;
CREATE TRIGGER audit_entries_no_delete BEFORE DELETE ON audit_entries
BEGIN
    SELECT RAISE(ABORT, 'the audit trail is append-only');
END;
