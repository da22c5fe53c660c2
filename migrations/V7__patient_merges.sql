-- Merging two records of the same person. The merged record stays as a redirect (`merged_into_id`);
-- everything that pointed at it moves to the kept record. Each merge remembers exactly which rows moved
-- and which empty fields of the kept record it filled, so an administrator can undo it the same day.
CREATE TABLE patient_merges (
    id TEXT PRIMARY KEY NOT NULL,
    created_at TEXT NOT NULL,
    created_by TEXT,
    updated_at TEXT NOT NULL,
    updated_by TEXT,
    hlc TEXT NOT NULL,
    archived_at TEXT,
    -- The kept record (named `patient_id` so the audit trail files the merge under that patient).
    patient_id TEXT NOT NULL REFERENCES patients (id),
    merged_patient_id TEXT NOT NULL REFERENCES patients (id),
    -- JSON: [{"table": "appointments", "id": "..."}, ...]
    moved_rows TEXT NOT NULL,
    -- JSON: {"phone": "+34...", ...}: fields of the kept record that were empty and were filled in.
    filled_fields TEXT NOT NULL DEFAULT '{}',
    undone_at TEXT
);
CREATE INDEX patient_merges_by_patient ON patient_merges (patient_id);
CREATE INDEX patient_merges_by_merged ON patient_merges (merged_patient_id);
-- The records merged into a patient, for their audit trail and "who looked at my record".
CREATE INDEX patients_merged_into ON patients (merged_into_id) WHERE merged_into_id IS NOT NULL;

-- A recorded payment stays unchangeable, with one exception: it follows its patient when one record of
-- that person is merged into another (or the merge is undone). Its amounts never change.
DROP TRIGGER payment_amounts_are_append_only;
CREATE TRIGGER payment_amounts_are_append_only
BEFORE UPDATE OF invoice_id, patient_id, kind, refund_of_id, method, amount_minor, received_at ON payments
WHEN NEW.invoice_id IS NOT OLD.invoice_id
  OR NEW.kind IS NOT OLD.kind
  OR NEW.refund_of_id IS NOT OLD.refund_of_id
  OR NEW.method IS NOT OLD.method
  OR NEW.amount_minor IS NOT OLD.amount_minor
  OR NEW.received_at IS NOT OLD.received_at
  OR (NEW.patient_id IS NOT OLD.patient_id AND NOT EXISTS (
        SELECT 1 FROM patients
        WHERE (id = OLD.patient_id AND merged_into_id = NEW.patient_id)
           OR (id = NEW.patient_id AND merged_into_id = OLD.patient_id)))
BEGIN
    SELECT RAISE(ABORT, 'a recorded payment cannot be changed; void or refund it');
END;
