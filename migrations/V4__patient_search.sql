-- Finding patients as the front desk types (issue: front desk). A local full-text index, kept by
-- triggers in step with `patients` whichever way a row arrives (this device's write path, or a change
-- pulled from the clinic server). It is never synced: each device builds its own.
--
-- `name` holds the names, `numbers` what is typed as digits and letters without separators: the MRN
-- (whole, and its number alone), the phone's digits (whole, and without the first one, two or three
-- digits, so a national number finds an international one whatever the country code), and the date of
-- birth as YYYYMMDD. The tokenizer folds case and accents, so "nun jos" finds José Núñez.
-- An entry's rowid is its patient's rowid. VACUUM may renumber the rowids of `patients` (it has no
-- INTEGER PRIMARY KEY), so Clinic never runs it; the online backup copies pages and keeps them.
CREATE VIRTUAL TABLE patient_search USING fts5(
    name,
    numbers,
    email,
    tokenize = 'unicode61 remove_diacritics 2'
);

-- What the index holds for each patient, written once.
CREATE VIEW patient_search_source AS
SELECT rowid,
       first_name || ' ' || last_name AS name,
       replace(mrn, '-', '') || ' ' || substr(mrn, instr(mrn, '-') + 1) || ' '
       || digits || ' ' || substr(digits, 2) || ' ' || substr(digits, 3) || ' ' || substr(digits, 4) || ' '
       || replace(date_of_birth, '-', '') AS numbers,
       coalesce(email, '') AS email
FROM (SELECT rowid, first_name, last_name, mrn, date_of_birth, email,
             replace(replace(replace(replace(replace(replace(coalesce(phone, ''),
                 '+', ''), ' ', ''), '-', ''), '(', ''), ')', ''), '.', '') AS digits
      FROM patients);

CREATE TRIGGER patients_search_insert AFTER INSERT ON patients BEGIN
    INSERT INTO patient_search (rowid, name, numbers, email)
    SELECT rowid, name, numbers, email FROM patient_search_source WHERE rowid = new.rowid;
END;

CREATE TRIGGER patients_search_update AFTER UPDATE OF first_name, last_name, mrn, phone, email, date_of_birth
ON patients BEGIN
    DELETE FROM patient_search WHERE rowid = old.rowid;
    INSERT INTO patient_search (rowid, name, numbers, email)
    SELECT rowid, name, numbers, email FROM patient_search_source WHERE rowid = new.rowid;
END;

-- Patients registered before this version.
INSERT INTO patient_search (rowid, name, numbers, email)
SELECT rowid, name, numbers, email FROM patient_search_source;

-- Email addresses are unique among active patients; looked up case-insensitively.
CREATE INDEX patients_by_email ON patients (email COLLATE NOCASE) WHERE email IS NOT NULL;
CREATE INDEX patients_by_phone ON patients (phone) WHERE phone IS NOT NULL;
