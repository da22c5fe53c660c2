-- Nothing is ever deleted in Clinic: rows are archived, signed notes amended, payments voided or refunded.
-- The write path never deletes, and these triggers make the database itself refuse a DELETE of a synced
-- row from any connection with the key, and an INSERT OR REPLACE that would replace one: REPLACE deletes
-- the row it collides with (by id or by a unique column) without firing delete triggers unless
-- recursive triggers are on, so the insert is refused up front. A migration that must delete drops the
-- triggers and creates them again; a test checks that every synced table has both.

CREATE TRIGGER clinic_settings_are_never_deleted BEFORE DELETE ON clinic_settings
BEGIN
    SELECT RAISE(ABORT, 'rows are never deleted in Clinic; archive them');
END;
CREATE TRIGGER clinic_settings_are_never_replaced BEFORE INSERT ON clinic_settings
WHEN EXISTS (SELECT 1 FROM clinic_settings WHERE id = NEW.id)
BEGIN
    SELECT RAISE(ABORT, 'rows are never replaced in Clinic; change them');
END;

CREATE TRIGGER opening_hours_are_never_deleted BEFORE DELETE ON opening_hours
BEGIN
    SELECT RAISE(ABORT, 'rows are never deleted in Clinic; archive them');
END;
CREATE TRIGGER opening_hours_are_never_replaced BEFORE INSERT ON opening_hours
WHEN EXISTS (SELECT 1 FROM opening_hours WHERE id = NEW.id)
BEGIN
    SELECT RAISE(ABORT, 'rows are never replaced in Clinic; change them');
END;

CREATE TRIGGER devices_are_never_deleted BEFORE DELETE ON devices
BEGIN
    SELECT RAISE(ABORT, 'rows are never deleted in Clinic; archive them');
END;
CREATE TRIGGER devices_are_never_replaced BEFORE INSERT ON devices
WHEN EXISTS (SELECT 1 FROM devices WHERE id = NEW.id)
   OR EXISTS (SELECT 1 FROM devices WHERE prefix = NEW.prefix)
BEGIN
    SELECT RAISE(ABORT, 'rows are never replaced in Clinic; change them');
END;

CREATE TRIGGER users_are_never_deleted BEFORE DELETE ON users
BEGIN
    SELECT RAISE(ABORT, 'rows are never deleted in Clinic; archive them');
END;
CREATE TRIGGER users_are_never_replaced BEFORE INSERT ON users
WHEN EXISTS (SELECT 1 FROM users WHERE id = NEW.id)
   OR EXISTS (SELECT 1 FROM users WHERE username = NEW.username)
BEGIN
    SELECT RAISE(ABORT, 'rows are never replaced in Clinic; change them');
END;

CREATE TRIGGER providers_are_never_deleted BEFORE DELETE ON providers
BEGIN
    SELECT RAISE(ABORT, 'rows are never deleted in Clinic; archive them');
END;
CREATE TRIGGER providers_are_never_replaced BEFORE INSERT ON providers
WHEN EXISTS (SELECT 1 FROM providers WHERE id = NEW.id)
BEGIN
    SELECT RAISE(ABORT, 'rows are never replaced in Clinic; change them');
END;

CREATE TRIGGER provider_schedules_are_never_deleted BEFORE DELETE ON provider_schedules
BEGIN
    SELECT RAISE(ABORT, 'rows are never deleted in Clinic; archive them');
END;
CREATE TRIGGER provider_schedules_are_never_replaced BEFORE INSERT ON provider_schedules
WHEN EXISTS (SELECT 1 FROM provider_schedules WHERE id = NEW.id)
BEGIN
    SELECT RAISE(ABORT, 'rows are never replaced in Clinic; change them');
END;

CREATE TRIGGER provider_time_off_are_never_deleted BEFORE DELETE ON provider_time_off
BEGIN
    SELECT RAISE(ABORT, 'rows are never deleted in Clinic; archive them');
END;
CREATE TRIGGER provider_time_off_are_never_replaced BEFORE INSERT ON provider_time_off
WHEN EXISTS (SELECT 1 FROM provider_time_off WHERE id = NEW.id)
BEGIN
    SELECT RAISE(ABORT, 'rows are never replaced in Clinic; change them');
END;

CREATE TRIGGER patients_are_never_deleted BEFORE DELETE ON patients
BEGIN
    SELECT RAISE(ABORT, 'rows are never deleted in Clinic; archive them');
END;
CREATE TRIGGER patients_are_never_replaced BEFORE INSERT ON patients
WHEN EXISTS (SELECT 1 FROM patients WHERE id = NEW.id)
   OR EXISTS (SELECT 1 FROM patients WHERE mrn = NEW.mrn)
BEGIN
    SELECT RAISE(ABORT, 'rows are never replaced in Clinic; change them');
END;

CREATE TRIGGER allergies_are_never_deleted BEFORE DELETE ON allergies
BEGIN
    SELECT RAISE(ABORT, 'rows are never deleted in Clinic; archive them');
END;
CREATE TRIGGER allergies_are_never_replaced BEFORE INSERT ON allergies
WHEN EXISTS (SELECT 1 FROM allergies WHERE id = NEW.id)
BEGIN
    SELECT RAISE(ABORT, 'rows are never replaced in Clinic; change them');
END;

CREATE TRIGGER problems_are_never_deleted BEFORE DELETE ON problems
BEGIN
    SELECT RAISE(ABORT, 'rows are never deleted in Clinic; archive them');
END;
CREATE TRIGGER problems_are_never_replaced BEFORE INSERT ON problems
WHEN EXISTS (SELECT 1 FROM problems WHERE id = NEW.id)
BEGIN
    SELECT RAISE(ABORT, 'rows are never replaced in Clinic; change them');
END;

CREATE TRIGGER appointment_types_are_never_deleted BEFORE DELETE ON appointment_types
BEGIN
    SELECT RAISE(ABORT, 'rows are never deleted in Clinic; archive them');
END;
CREATE TRIGGER appointment_types_are_never_replaced BEFORE INSERT ON appointment_types
WHEN EXISTS (SELECT 1 FROM appointment_types WHERE id = NEW.id)
BEGIN
    SELECT RAISE(ABORT, 'rows are never replaced in Clinic; change them');
END;

CREATE TRIGGER appointments_are_never_deleted BEFORE DELETE ON appointments
BEGIN
    SELECT RAISE(ABORT, 'rows are never deleted in Clinic; archive them');
END;
CREATE TRIGGER appointments_are_never_replaced BEFORE INSERT ON appointments
WHEN EXISTS (SELECT 1 FROM appointments WHERE id = NEW.id)
BEGIN
    SELECT RAISE(ABORT, 'rows are never replaced in Clinic; change them');
END;

CREATE TRIGGER encounters_are_never_deleted BEFORE DELETE ON encounters
BEGIN
    SELECT RAISE(ABORT, 'rows are never deleted in Clinic; archive them');
END;
CREATE TRIGGER encounters_are_never_replaced BEFORE INSERT ON encounters
WHEN EXISTS (SELECT 1 FROM encounters WHERE id = NEW.id)
BEGIN
    SELECT RAISE(ABORT, 'rows are never replaced in Clinic; change them');
END;

CREATE TRIGGER encounter_notes_are_never_deleted BEFORE DELETE ON encounter_notes
BEGIN
    SELECT RAISE(ABORT, 'rows are never deleted in Clinic; archive them');
END;
CREATE TRIGGER encounter_notes_are_never_replaced BEFORE INSERT ON encounter_notes
WHEN EXISTS (SELECT 1 FROM encounter_notes WHERE id = NEW.id)
BEGIN
    SELECT RAISE(ABORT, 'rows are never replaced in Clinic; change them');
END;

CREATE TRIGGER vitals_are_never_deleted BEFORE DELETE ON vitals
BEGIN
    SELECT RAISE(ABORT, 'rows are never deleted in Clinic; archive them');
END;
CREATE TRIGGER vitals_are_never_replaced BEFORE INSERT ON vitals
WHEN EXISTS (SELECT 1 FROM vitals WHERE id = NEW.id)
BEGIN
    SELECT RAISE(ABORT, 'rows are never replaced in Clinic; change them');
END;

CREATE TRIGGER diagnoses_are_never_deleted BEFORE DELETE ON diagnoses
BEGIN
    SELECT RAISE(ABORT, 'rows are never deleted in Clinic; archive them');
END;
CREATE TRIGGER diagnoses_are_never_replaced BEFORE INSERT ON diagnoses
WHEN EXISTS (SELECT 1 FROM diagnoses WHERE id = NEW.id)
BEGIN
    SELECT RAISE(ABORT, 'rows are never replaced in Clinic; change them');
END;

CREATE TRIGGER prescriptions_are_never_deleted BEFORE DELETE ON prescriptions
BEGIN
    SELECT RAISE(ABORT, 'rows are never deleted in Clinic; archive them');
END;
CREATE TRIGGER prescriptions_are_never_replaced BEFORE INSERT ON prescriptions
WHEN EXISTS (SELECT 1 FROM prescriptions WHERE id = NEW.id)
BEGIN
    SELECT RAISE(ABORT, 'rows are never replaced in Clinic; change them');
END;

CREATE TRIGGER lab_results_are_never_deleted BEFORE DELETE ON lab_results
BEGIN
    SELECT RAISE(ABORT, 'rows are never deleted in Clinic; archive them');
END;
CREATE TRIGGER lab_results_are_never_replaced BEFORE INSERT ON lab_results
WHEN EXISTS (SELECT 1 FROM lab_results WHERE id = NEW.id)
BEGIN
    SELECT RAISE(ABORT, 'rows are never replaced in Clinic; change them');
END;

CREATE TRIGGER attachments_are_never_deleted BEFORE DELETE ON attachments
BEGIN
    SELECT RAISE(ABORT, 'rows are never deleted in Clinic; archive them');
END;
CREATE TRIGGER attachments_are_never_replaced BEFORE INSERT ON attachments
WHEN EXISTS (SELECT 1 FROM attachments WHERE id = NEW.id)
BEGIN
    SELECT RAISE(ABORT, 'rows are never replaced in Clinic; change them');
END;

CREATE TRIGGER services_are_never_deleted BEFORE DELETE ON services
BEGIN
    SELECT RAISE(ABORT, 'rows are never deleted in Clinic; archive them');
END;
CREATE TRIGGER services_are_never_replaced BEFORE INSERT ON services
WHEN EXISTS (SELECT 1 FROM services WHERE id = NEW.id)
   OR EXISTS (SELECT 1 FROM services WHERE code = NEW.code)
BEGIN
    SELECT RAISE(ABORT, 'rows are never replaced in Clinic; change them');
END;

CREATE TRIGGER invoices_are_never_deleted BEFORE DELETE ON invoices
BEGIN
    SELECT RAISE(ABORT, 'rows are never deleted in Clinic; archive them');
END;
CREATE TRIGGER invoices_are_never_replaced BEFORE INSERT ON invoices
WHEN EXISTS (SELECT 1 FROM invoices WHERE id = NEW.id)
   OR EXISTS (SELECT 1 FROM invoices WHERE number = NEW.number)
BEGIN
    SELECT RAISE(ABORT, 'rows are never replaced in Clinic; change them');
END;

CREATE TRIGGER invoice_lines_are_never_deleted BEFORE DELETE ON invoice_lines
BEGIN
    SELECT RAISE(ABORT, 'rows are never deleted in Clinic; archive them');
END;
CREATE TRIGGER invoice_lines_are_never_replaced BEFORE INSERT ON invoice_lines
WHEN EXISTS (SELECT 1 FROM invoice_lines WHERE id = NEW.id)
BEGIN
    SELECT RAISE(ABORT, 'rows are never replaced in Clinic; change them');
END;

CREATE TRIGGER payments_are_never_deleted BEFORE DELETE ON payments
BEGIN
    SELECT RAISE(ABORT, 'rows are never deleted in Clinic; archive them');
END;
CREATE TRIGGER payments_are_never_replaced BEFORE INSERT ON payments
WHEN EXISTS (SELECT 1 FROM payments WHERE id = NEW.id)
BEGIN
    SELECT RAISE(ABORT, 'rows are never replaced in Clinic; change them');
END;

CREATE TRIGGER waitlist_entries_are_never_deleted BEFORE DELETE ON waitlist_entries
BEGIN
    SELECT RAISE(ABORT, 'rows are never deleted in Clinic; archive them');
END;
CREATE TRIGGER waitlist_entries_are_never_replaced BEFORE INSERT ON waitlist_entries
WHEN EXISTS (SELECT 1 FROM waitlist_entries WHERE id = NEW.id)
BEGIN
    SELECT RAISE(ABORT, 'rows are never replaced in Clinic; change them');
END;

CREATE TRIGGER patient_merges_are_never_deleted BEFORE DELETE ON patient_merges
BEGIN
    SELECT RAISE(ABORT, 'rows are never deleted in Clinic; archive them');
END;
CREATE TRIGGER patient_merges_are_never_replaced BEFORE INSERT ON patient_merges
WHEN EXISTS (SELECT 1 FROM patient_merges WHERE id = NEW.id)
BEGIN
    SELECT RAISE(ABORT, 'rows are never replaced in Clinic; change them');
END;
