-- Two registrations of one person, made on two computers while they were apart, are found when the
-- second reaches this computer and suggested as a merge in Needs attention (kind 'duplicate': the record
-- pulled, and `clashes_with` the one registered here). SQLite cannot widen a CHECK: the table is rebuilt.
CREATE TABLE conflicts_widened (
    id TEXT PRIMARY KEY NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('overwritten', 'rejected', 'duplicate')),
    table_name TEXT NOT NULL,
    row_id TEXT NOT NULL,
    field TEXT,
    local_value TEXT,
    remote_value TEXT,
    local_hlc TEXT,
    remote_hlc TEXT,
    reason TEXT,
    detected_at TEXT NOT NULL,
    resolved_at TEXT,
    resolved_by TEXT,
    code TEXT,
    clashes_with TEXT,
    local_user_id TEXT,
    remote_user_id TEXT
);
INSERT INTO conflicts_widened (id, kind, table_name, row_id, field, local_value, remote_value, local_hlc,
                               remote_hlc, reason, detected_at, resolved_at, resolved_by, code,
                               clashes_with, local_user_id, remote_user_id)
SELECT id, kind, table_name, row_id, field, local_value, remote_value, local_hlc, remote_hlc, reason,
       detected_at, resolved_at, resolved_by, code, clashes_with, local_user_id, remote_user_id
FROM conflicts;
DROP TABLE conflicts;
ALTER TABLE conflicts_widened RENAME TO conflicts;

-- How far into the changes pulled here (`pulled_changes.seq`) registrations were checked for one of the
-- same person registered here.
ALTER TABLE sync_state ADD COLUMN duplicates_checked_through INTEGER NOT NULL DEFAULT 0;
