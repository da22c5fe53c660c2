-- What changes pulled from the clinic server need on the device.

-- Per-field clocks of synced rows, as JSON: {"*": the insert's HLC, "<column>": the HLC of the column's
-- last write}. A remote change sets a column only when its HLC is newer than the column's. A row with
-- no entry (written before this migration) counts every column at its row `hlc`.
CREATE TABLE row_clocks (
    table_name TEXT NOT NULL,
    row_id TEXT NOT NULL,
    clocks TEXT NOT NULL,
    PRIMARY KEY (table_name, row_id)
) WITHOUT ROWID;

-- Where the server put each of this device's pushed changes in the stream (from its answer to the push):
-- a pulled change made on a device that had not yet seen a local edit of the same column clashes with it.
ALTER TABLE outbox ADD COLUMN server_seq INTEGER;

-- Every change applied from the server, in its place in the clinic's stream: it makes applying a page
-- twice change nothing, and with the outbox it is what each row's current values add up to (the audit
-- check compares them). `server_seq` is the change's place in the stream of the server's epoch it came
-- in: a server restored from an older backup numbers again from where its backup ended.
CREATE TABLE pulled_changes (
    seq INTEGER PRIMARY KEY,
    server_seq INTEGER NOT NULL,
    change_id TEXT NOT NULL UNIQUE,
    device_id TEXT NOT NULL,
    device_seq INTEGER NOT NULL,
    hlc TEXT NOT NULL,
    table_name TEXT NOT NULL,
    row_id TEXT NOT NULL,
    operation TEXT NOT NULL CHECK (operation IN ('insert', 'update', 'archive', 'restore')),
    fields TEXT NOT NULL,
    schema_version INTEGER NOT NULL,
    user_id TEXT,
    recorded_at TEXT NOT NULL,
    applied_at TEXT NOT NULL
);
CREATE INDEX pulled_changes_row ON pulled_changes (table_name, row_id);

CREATE TRIGGER pulled_changes_no_update BEFORE UPDATE ON pulled_changes
BEGIN
    SELECT RAISE(ABORT, 'pulled changes are never edited');
END;
CREATE TRIGGER pulled_changes_no_delete BEFORE DELETE ON pulled_changes
BEGIN
    SELECT RAISE(ABORT, 'pulled changes are never deleted');
END;

-- The clinic server this device is paired with: the certificate fingerprint it pins, its credential
-- (in this encrypted file only) and the server's epoch when it last answered.
ALTER TABLE sync_state ADD COLUMN fingerprint TEXT;
ALTER TABLE sync_state ADD COLUMN credential TEXT;
ALTER TABLE sync_state ADD COLUMN epoch TEXT;
ALTER TABLE sync_state ADD COLUMN paired_at TEXT;
ALTER TABLE sync_state ADD COLUMN last_error_at TEXT;
-- How far the clinic server's clock is ahead of this computer's (ms), learned at each round: the device's
-- hybrid logical clock runs on the server's time, so a computer whose clock is hours off still stamps its
-- changes in the clinic's order.
ALTER TABLE sync_state ADD COLUMN clock_offset_ms INTEGER NOT NULL DEFAULT 0;

-- A device restored from a backup re-enrols with the server as a new device (new id and number series),
-- so no device number is ever used twice. `restored_at` marks a restored store until it has; each change
-- it had not pushed is then made again as the new device's, and the old record points at its successor.
-- Meanwhile it numbers under a provisional prefix of its own.
ALTER TABLE sync_state ADD COLUMN restored_at TEXT;
-- The last device number the backup held: changes up to it may have reached the server from the device
-- before its restore; those after it were made since.
ALTER TABLE sync_state ADD COLUMN restored_through INTEGER;
ALTER TABLE sync_state ADD COLUMN provisional_prefix TEXT;
ALTER TABLE outbox ADD COLUMN superseded_by TEXT;

-- Where each local change came from: typed by a person ('local') or read from a file ('import'). Changes
-- from the server are in `pulled_changes`, which are all 'sync'.
ALTER TABLE outbox ADD COLUMN source TEXT NOT NULL DEFAULT 'local' CHECK (source IN ('local', 'import'));

-- A computer joining a clinic until it has pulled all of it: no one signs in meanwhile, and running the
-- join again goes on from where it stopped.
ALTER TABLE sync_state ADD COLUMN joining INTEGER NOT NULL DEFAULT 0;
