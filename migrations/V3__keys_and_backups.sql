-- Recovery keys and backups (issue: users, roles, audit trail, keys and backups). Both tables are local
-- to this device: they are never synced.

-- The key-encryption keys behind recovery sheets (see clinic-store's recovery.rs). The newest row is the
-- current one; older rows stay so that older backups still open. `printed` is 0 for the key this
-- migration makes for a store that existed before recovery keys: no sheet shows it.
CREATE TABLE recovery_keys (
    seq INTEGER PRIMARY KEY NOT NULL,
    kek_id TEXT NOT NULL UNIQUE,
    kek BLOB NOT NULL CHECK (length(kek) = 32),
    printed INTEGER NOT NULL CHECK (printed IN (0, 1)),
    created_at TEXT NOT NULL,
    created_by TEXT,
    -- When an administrator confirmed the sheet is printed and put away.
    confirmed_at TEXT
);
INSERT INTO recovery_keys (kek_id, kek, printed, created_at)
VALUES (lower(hex(randomblob(8))), randomblob(32), 0, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));

-- Where this device writes its backups and how many it keeps; the outcome of the last one.
CREATE TABLE backup_settings (
    singleton INTEGER PRIMARY KEY NOT NULL CHECK (singleton = 1),
    folder TEXT,
    keep INTEGER NOT NULL DEFAULT 14 CHECK (keep BETWEEN 1 AND 365),
    last_backup_at TEXT,
    last_backup_file TEXT,
    last_error TEXT,
    last_error_at TEXT
);
INSERT INTO backup_settings (singleton) VALUES (1);

-- The audit screen filters by action.
CREATE INDEX audit_by_action ON audit_log (action, at);
