-- The patient list pages through active patients in these orders without sorting them all.
CREATE INDEX patients_active_by_name ON patients (last_name COLLATE NOCASE, first_name COLLATE NOCASE, mrn)
WHERE archived_at IS NULL AND merged_into_id IS NULL;
CREATE INDEX patients_active_by_registration ON patients (created_at)
WHERE archived_at IS NULL AND merged_into_id IS NULL;
