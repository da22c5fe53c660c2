-- A signature the clinic server refused (the note was changed on another computer first) is put back on
-- the device that made it: the note is a draft again there, as everywhere. The trigger that keeps signed
-- notes as they were lets that one write through, and only while the sync write path puts a refused
-- change back (`sync_state.putting_back`, set and cleared inside that transaction).
ALTER TABLE sync_state ADD COLUMN putting_back INTEGER NOT NULL DEFAULT 0 CHECK (putting_back IN (0, 1));

DROP TRIGGER signed_notes_are_immutable;
CREATE TRIGGER signed_notes_are_immutable
BEFORE UPDATE ON encounter_notes
WHEN OLD.status = 'signed' AND (SELECT putting_back FROM sync_state) = 0
BEGIN
    SELECT RAISE(ABORT, 'a signed note cannot be changed; write an amendment');
END;
