-- The whole clinic model, version 1.
--
-- Conventions (see ARCHITECTURE.md, "Invariants"):
-- * Every synced table starts with the same seven columns: a UUIDv7 text id, created/updated instants
--   (RFC 3339, UTC, millisecond precision), the user who wrote the row, the hybrid-logical-clock stamp of
--   the last write, and `archived_at` (rows are never hard-deleted).
-- * Synced tables are written only through clinic-store's write path, which appends one outbox record
--   and one audit entry per write in the same transaction.
-- * Money is integer minor units (cents). Instants are UTC text; dates are 'YYYY-MM-DD'; local
--   wall-clock times are 'HH:MM' in the clinic's time zone.
-- * Booleans are 0/1 integers.

-- ---------------------------------------------------------------------------------------------------
-- Clinic and devices
-- ---------------------------------------------------------------------------------------------------

CREATE TABLE clinic_settings (
    id TEXT PRIMARY KEY NOT NULL,
    created_at TEXT NOT NULL,
    created_by TEXT,
    updated_at TEXT NOT NULL,
    updated_by TEXT,
    hlc TEXT NOT NULL,
    archived_at TEXT,
    name TEXT NOT NULL CHECK (length(trim(name)) > 0),
    address TEXT,
    phone TEXT,
    email TEXT,
    tax_id TEXT,
    currency TEXT NOT NULL CHECK (length(currency) = 3),
    time_zone TEXT NOT NULL,
    default_country TEXT NOT NULL DEFAULT 'US',
    slot_minutes INTEGER NOT NULL DEFAULT 15 CHECK (slot_minutes BETWEEN 5 AND 240),
    paper_size TEXT NOT NULL DEFAULT 'A4' CHECK (paper_size IN ('A4', 'Letter')),
    tax_rate_bp INTEGER NOT NULL DEFAULT 0 CHECK (tax_rate_bp BETWEEN 0 AND 10000)
);

-- Clinic opening hours; several rows per weekday allow a split day. weekday: ISO 1 = Monday .. 7 = Sunday.
CREATE TABLE opening_hours (
    id TEXT PRIMARY KEY NOT NULL,
    created_at TEXT NOT NULL,
    created_by TEXT,
    updated_at TEXT NOT NULL,
    updated_by TEXT,
    hlc TEXT NOT NULL,
    archived_at TEXT,
    weekday INTEGER NOT NULL CHECK (weekday BETWEEN 1 AND 7),
    opens_at TEXT NOT NULL,
    closes_at TEXT NOT NULL,
    CHECK (closes_at > opens_at)
);

-- Every device that has ever written to this clinic. `prefix` is the device's share of the human-facing
-- number series (MRN, invoice number); prefixes are unique, so devices never issue the same number.
CREATE TABLE devices (
    id TEXT PRIMARY KEY NOT NULL,
    created_at TEXT NOT NULL,
    created_by TEXT,
    updated_at TEXT NOT NULL,
    updated_by TEXT,
    hlc TEXT NOT NULL,
    archived_at TEXT,
    name TEXT NOT NULL,
    prefix TEXT NOT NULL UNIQUE CHECK (prefix GLOB '[A-Z]*' AND length(prefix) BETWEEN 1 AND 8)
);

-- ---------------------------------------------------------------------------------------------------
-- Users and providers
-- ---------------------------------------------------------------------------------------------------

CREATE TABLE users (
    id TEXT PRIMARY KEY NOT NULL,
    created_at TEXT NOT NULL,
    created_by TEXT,
    updated_at TEXT NOT NULL,
    updated_by TEXT,
    hlc TEXT NOT NULL,
    archived_at TEXT,
    username TEXT NOT NULL UNIQUE COLLATE NOCASE,
    display_name TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('admin', 'doctor', 'nurse', 'receptionist', 'billing')),
    password_hash TEXT NOT NULL,
    active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    must_change_password INTEGER NOT NULL DEFAULT 0 CHECK (must_change_password IN (0, 1)),
    failed_attempts INTEGER NOT NULL DEFAULT 0,
    locked_until TEXT
);

CREATE TABLE providers (
    id TEXT PRIMARY KEY NOT NULL,
    created_at TEXT NOT NULL,
    created_by TEXT,
    updated_at TEXT NOT NULL,
    updated_by TEXT,
    hlc TEXT NOT NULL,
    archived_at TEXT,
    user_id TEXT REFERENCES users (id),
    display_name TEXT NOT NULL,
    specialty TEXT NOT NULL,
    licence_number TEXT,
    colour TEXT NOT NULL CHECK (colour GLOB '#[0-9a-fA-F][0-9a-fA-F][0-9a-fA-F][0-9a-fA-F][0-9a-fA-F][0-9a-fA-F]')
);

-- Weekly working hours: one row per working block; breaks are the gaps between a day's blocks.
CREATE TABLE provider_schedules (
    id TEXT PRIMARY KEY NOT NULL,
    created_at TEXT NOT NULL,
    created_by TEXT,
    updated_at TEXT NOT NULL,
    updated_by TEXT,
    hlc TEXT NOT NULL,
    archived_at TEXT,
    provider_id TEXT NOT NULL REFERENCES providers (id),
    weekday INTEGER NOT NULL CHECK (weekday BETWEEN 1 AND 7),
    starts_at TEXT NOT NULL,
    ends_at TEXT NOT NULL,
    valid_from TEXT,
    valid_until TEXT,
    CHECK (ends_at > starts_at)
);
CREATE INDEX provider_schedules_by_provider ON provider_schedules (provider_id, weekday);

CREATE TABLE provider_time_off (
    id TEXT PRIMARY KEY NOT NULL,
    created_at TEXT NOT NULL,
    created_by TEXT,
    updated_at TEXT NOT NULL,
    updated_by TEXT,
    hlc TEXT NOT NULL,
    archived_at TEXT,
    provider_id TEXT NOT NULL REFERENCES providers (id),
    starts_at TEXT NOT NULL,
    ends_at TEXT NOT NULL,
    reason TEXT,
    CHECK (ends_at > starts_at)
);
CREATE INDEX provider_time_off_by_provider ON provider_time_off (provider_id, starts_at);

-- ---------------------------------------------------------------------------------------------------
-- Patients
-- ---------------------------------------------------------------------------------------------------

CREATE TABLE patients (
    id TEXT PRIMARY KEY NOT NULL,
    created_at TEXT NOT NULL,
    created_by TEXT,
    updated_at TEXT NOT NULL,
    updated_by TEXT,
    hlc TEXT NOT NULL,
    archived_at TEXT,
    mrn TEXT NOT NULL UNIQUE,
    first_name TEXT NOT NULL CHECK (length(trim(first_name)) > 0),
    last_name TEXT NOT NULL CHECK (length(trim(last_name)) > 0),
    date_of_birth TEXT NOT NULL,
    sex TEXT NOT NULL CHECK (sex IN ('male', 'female', 'other', 'unknown')),
    phone TEXT,
    email TEXT,
    address_line1 TEXT,
    address_line2 TEXT,
    city TEXT,
    region TEXT,
    postal_code TEXT,
    country TEXT,
    emergency_contact_name TEXT,
    emergency_contact_phone TEXT,
    emergency_contact_relation TEXT,
    insurance_payer TEXT,
    insurance_member_id TEXT,
    insurance_group TEXT,
    notes TEXT,
    merged_into_id TEXT REFERENCES patients (id)
);
CREATE INDEX patients_by_name ON patients (last_name COLLATE NOCASE, first_name COLLATE NOCASE);
CREATE INDEX patients_by_birth ON patients (date_of_birth);

CREATE TABLE allergies (
    id TEXT PRIMARY KEY NOT NULL,
    created_at TEXT NOT NULL,
    created_by TEXT,
    updated_at TEXT NOT NULL,
    updated_by TEXT,
    hlc TEXT NOT NULL,
    archived_at TEXT,
    patient_id TEXT NOT NULL REFERENCES patients (id),
    substance TEXT NOT NULL,
    reaction TEXT,
    severity TEXT NOT NULL DEFAULT 'unknown' CHECK (severity IN ('mild', 'moderate', 'severe', 'unknown')),
    noted_on TEXT
);
CREATE INDEX allergies_by_patient ON allergies (patient_id);

CREATE TABLE problems (
    id TEXT PRIMARY KEY NOT NULL,
    created_at TEXT NOT NULL,
    created_by TEXT,
    updated_at TEXT NOT NULL,
    updated_by TEXT,
    hlc TEXT NOT NULL,
    archived_at TEXT,
    patient_id TEXT NOT NULL REFERENCES patients (id),
    icd10_code TEXT,
    description TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'resolved')),
    onset_on TEXT,
    resolved_on TEXT
);
CREATE INDEX problems_by_patient ON problems (patient_id);

-- ---------------------------------------------------------------------------------------------------
-- Scheduling
-- ---------------------------------------------------------------------------------------------------

CREATE TABLE appointment_types (
    id TEXT PRIMARY KEY NOT NULL,
    created_at TEXT NOT NULL,
    created_by TEXT,
    updated_at TEXT NOT NULL,
    updated_by TEXT,
    hlc TEXT NOT NULL,
    archived_at TEXT,
    name TEXT NOT NULL,
    duration_minutes INTEGER NOT NULL CHECK (duration_minutes BETWEEN 5 AND 480)
);

CREATE TABLE appointments (
    id TEXT PRIMARY KEY NOT NULL,
    created_at TEXT NOT NULL,
    created_by TEXT,
    updated_at TEXT NOT NULL,
    updated_by TEXT,
    hlc TEXT NOT NULL,
    archived_at TEXT,
    patient_id TEXT NOT NULL REFERENCES patients (id),
    provider_id TEXT NOT NULL REFERENCES providers (id),
    appointment_type_id TEXT REFERENCES appointment_types (id),
    starts_at TEXT NOT NULL,
    ends_at TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'scheduled' CHECK (status IN
        ('scheduled', 'confirmed', 'checked_in', 'in_progress', 'completed', 'cancelled', 'no_show')),
    reason TEXT,
    notes TEXT,
    cancellation_reason TEXT,
    checked_in_at TEXT,
    rescheduled_from_id TEXT REFERENCES appointments (id),
    CHECK (ends_at > starts_at),
    CHECK (status <> 'cancelled' OR length(trim(cancellation_reason)) > 0)
);
CREATE INDEX appointments_by_provider ON appointments (provider_id, starts_at);
CREATE INDEX appointments_by_patient ON appointments (patient_id, starts_at);
CREATE INDEX appointments_by_start ON appointments (starts_at);

-- ---------------------------------------------------------------------------------------------------
-- Clinical records
-- ---------------------------------------------------------------------------------------------------

CREATE TABLE encounters (
    id TEXT PRIMARY KEY NOT NULL,
    created_at TEXT NOT NULL,
    created_by TEXT,
    updated_at TEXT NOT NULL,
    updated_by TEXT,
    hlc TEXT NOT NULL,
    archived_at TEXT,
    patient_id TEXT NOT NULL REFERENCES patients (id),
    provider_id TEXT NOT NULL REFERENCES providers (id),
    appointment_id TEXT REFERENCES appointments (id),
    started_at TEXT NOT NULL,
    ended_at TEXT,
    chief_complaint TEXT
);
CREATE INDEX encounters_by_patient ON encounters (patient_id, started_at);

-- Visit notes are versioned: a draft may be edited until signed; a signed note never changes again and
-- is corrected by an amendment, a new row pointing at it (parallel amendments are all kept).
CREATE TABLE encounter_notes (
    id TEXT PRIMARY KEY NOT NULL,
    created_at TEXT NOT NULL,
    created_by TEXT,
    updated_at TEXT NOT NULL,
    updated_by TEXT,
    hlc TEXT NOT NULL,
    archived_at TEXT,
    encounter_id TEXT NOT NULL REFERENCES encounters (id),
    kind TEXT NOT NULL DEFAULT 'note' CHECK (kind IN ('note', 'amendment')),
    amends_note_id TEXT REFERENCES encounter_notes (id),
    body TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'signed')),
    signed_at TEXT,
    signed_by TEXT REFERENCES users (id),
    CHECK ((kind = 'amendment') = (amends_note_id IS NOT NULL)),
    CHECK (status = 'draft' OR (signed_at IS NOT NULL AND signed_by IS NOT NULL))
);
CREATE INDEX encounter_notes_by_encounter ON encounter_notes (encounter_id);

CREATE TRIGGER signed_notes_are_immutable
BEFORE UPDATE ON encounter_notes
WHEN OLD.status = 'signed'
BEGIN
    SELECT RAISE(ABORT, 'a signed note cannot be changed; write an amendment');
END;

CREATE TABLE vitals (
    id TEXT PRIMARY KEY NOT NULL,
    created_at TEXT NOT NULL,
    created_by TEXT,
    updated_at TEXT NOT NULL,
    updated_by TEXT,
    hlc TEXT NOT NULL,
    archived_at TEXT,
    encounter_id TEXT NOT NULL REFERENCES encounters (id),
    patient_id TEXT NOT NULL REFERENCES patients (id),
    taken_at TEXT NOT NULL,
    systolic_mmhg INTEGER,
    diastolic_mmhg INTEGER,
    heart_rate_bpm INTEGER,
    respiratory_rate INTEGER,
    temperature_c REAL,
    spo2_percent INTEGER,
    weight_kg REAL,
    height_cm REAL,
    pain_score INTEGER CHECK (pain_score BETWEEN 0 AND 10),
    notes TEXT
);
CREATE INDEX vitals_by_patient ON vitals (patient_id, taken_at);

CREATE TABLE diagnoses (
    id TEXT PRIMARY KEY NOT NULL,
    created_at TEXT NOT NULL,
    created_by TEXT,
    updated_at TEXT NOT NULL,
    updated_by TEXT,
    hlc TEXT NOT NULL,
    archived_at TEXT,
    encounter_id TEXT NOT NULL REFERENCES encounters (id),
    patient_id TEXT NOT NULL REFERENCES patients (id),
    icd10_code TEXT NOT NULL,
    description TEXT NOT NULL,
    is_primary INTEGER NOT NULL DEFAULT 0 CHECK (is_primary IN (0, 1))
);
CREATE INDEX diagnoses_by_patient ON diagnoses (patient_id);

CREATE TABLE prescriptions (
    id TEXT PRIMARY KEY NOT NULL,
    created_at TEXT NOT NULL,
    created_by TEXT,
    updated_at TEXT NOT NULL,
    updated_by TEXT,
    hlc TEXT NOT NULL,
    archived_at TEXT,
    encounter_id TEXT NOT NULL REFERENCES encounters (id),
    patient_id TEXT NOT NULL REFERENCES patients (id),
    prescriber_id TEXT NOT NULL REFERENCES providers (id),
    drug TEXT NOT NULL,
    strength TEXT,
    form TEXT,
    route TEXT,
    dose TEXT,
    frequency TEXT,
    duration TEXT,
    quantity TEXT,
    refills INTEGER NOT NULL DEFAULT 0 CHECK (refills >= 0),
    instructions TEXT,
    starts_on TEXT,
    ends_on TEXT
);
CREATE INDEX prescriptions_by_patient ON prescriptions (patient_id);

CREATE TABLE lab_results (
    id TEXT PRIMARY KEY NOT NULL,
    created_at TEXT NOT NULL,
    created_by TEXT,
    updated_at TEXT NOT NULL,
    updated_by TEXT,
    hlc TEXT NOT NULL,
    archived_at TEXT,
    patient_id TEXT NOT NULL REFERENCES patients (id),
    encounter_id TEXT REFERENCES encounters (id),
    test_name TEXT NOT NULL,
    value TEXT NOT NULL,
    unit TEXT,
    reference_range TEXT,
    flag TEXT CHECK (flag IN ('normal', 'low', 'high', 'critical')),
    collected_at TEXT,
    resulted_at TEXT,
    notes TEXT
);
CREATE INDEX lab_results_by_patient ON lab_results (patient_id);

CREATE TABLE attachments (
    id TEXT PRIMARY KEY NOT NULL,
    created_at TEXT NOT NULL,
    created_by TEXT,
    updated_at TEXT NOT NULL,
    updated_by TEXT,
    hlc TEXT NOT NULL,
    archived_at TEXT,
    patient_id TEXT NOT NULL REFERENCES patients (id),
    encounter_id TEXT REFERENCES encounters (id),
    file_name TEXT NOT NULL,
    media_type TEXT NOT NULL,
    size_bytes INTEGER NOT NULL CHECK (size_bytes >= 0),
    sha256 TEXT NOT NULL,
    content BLOB NOT NULL,
    description TEXT
);
CREATE INDEX attachments_by_patient ON attachments (patient_id);

-- ---------------------------------------------------------------------------------------------------
-- Billing
-- ---------------------------------------------------------------------------------------------------

CREATE TABLE services (
    id TEXT PRIMARY KEY NOT NULL,
    created_at TEXT NOT NULL,
    created_by TEXT,
    updated_at TEXT NOT NULL,
    updated_by TEXT,
    hlc TEXT NOT NULL,
    archived_at TEXT,
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    price_minor INTEGER NOT NULL CHECK (price_minor >= 0),
    taxable INTEGER NOT NULL DEFAULT 0 CHECK (taxable IN (0, 1))
);

-- A draft invoice has no number; issuing it takes the next number from this device's invoice series.
CREATE TABLE invoices (
    id TEXT PRIMARY KEY NOT NULL,
    created_at TEXT NOT NULL,
    created_by TEXT,
    updated_at TEXT NOT NULL,
    updated_by TEXT,
    hlc TEXT NOT NULL,
    archived_at TEXT,
    number TEXT UNIQUE,
    patient_id TEXT NOT NULL REFERENCES patients (id),
    appointment_id TEXT REFERENCES appointments (id),
    status TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'issued', 'paid', 'void')),
    currency TEXT NOT NULL CHECK (length(currency) = 3),
    issued_at TEXT,
    void_reason TEXT,
    notes TEXT,
    CHECK (status = 'draft' OR (number IS NOT NULL AND issued_at IS NOT NULL)),
    CHECK (status <> 'void' OR length(trim(void_reason)) > 0)
);
CREATE INDEX invoices_by_patient ON invoices (patient_id);

CREATE TABLE invoice_lines (
    id TEXT PRIMARY KEY NOT NULL,
    created_at TEXT NOT NULL,
    created_by TEXT,
    updated_at TEXT NOT NULL,
    updated_by TEXT,
    hlc TEXT NOT NULL,
    archived_at TEXT,
    invoice_id TEXT NOT NULL REFERENCES invoices (id),
    service_id TEXT REFERENCES services (id),
    description TEXT NOT NULL,
    quantity INTEGER NOT NULL CHECK (quantity > 0),
    unit_price_minor INTEGER NOT NULL CHECK (unit_price_minor >= 0),
    tax_rate_bp INTEGER NOT NULL DEFAULT 0 CHECK (tax_rate_bp BETWEEN 0 AND 10000)
);
CREATE INDEX invoice_lines_by_invoice ON invoice_lines (invoice_id);

-- Payments are append-only: a mistaken payment is voided or refunded, never edited. A refund is a row of
-- kind 'refund' pointing at the payment it returns.
CREATE TABLE payments (
    id TEXT PRIMARY KEY NOT NULL,
    created_at TEXT NOT NULL,
    created_by TEXT,
    updated_at TEXT NOT NULL,
    updated_by TEXT,
    hlc TEXT NOT NULL,
    archived_at TEXT,
    invoice_id TEXT NOT NULL REFERENCES invoices (id),
    patient_id TEXT NOT NULL REFERENCES patients (id),
    kind TEXT NOT NULL DEFAULT 'payment' CHECK (kind IN ('payment', 'refund')),
    refund_of_id TEXT REFERENCES payments (id),
    method TEXT NOT NULL CHECK (method IN ('cash', 'card', 'insurance', 'transfer')),
    amount_minor INTEGER NOT NULL CHECK (amount_minor > 0),
    status TEXT NOT NULL DEFAULT 'completed' CHECK (status IN ('pending', 'completed', 'failed', 'voided')),
    reference TEXT,
    received_at TEXT NOT NULL,
    CHECK ((kind = 'refund') = (refund_of_id IS NOT NULL))
);
CREATE INDEX payments_by_invoice ON payments (invoice_id);

CREATE TRIGGER payment_amounts_are_append_only
BEFORE UPDATE OF invoice_id, patient_id, kind, refund_of_id, method, amount_minor, received_at ON payments
BEGIN
    SELECT RAISE(ABORT, 'a recorded payment cannot be changed; void or refund it');
END;

-- ---------------------------------------------------------------------------------------------------
-- Local bookkeeping (not synced as rows)
-- ---------------------------------------------------------------------------------------------------

-- Which device this store is, and the last hybrid-logical-clock stamp it issued (so the clock stays
-- monotonic across restarts even if the wall clock goes back).
CREATE TABLE this_device (
    singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
    device_id TEXT NOT NULL REFERENCES devices (id),
    clinic_id TEXT NOT NULL,
    last_hlc TEXT NOT NULL,
    next_device_seq INTEGER NOT NULL DEFAULT 1
);

-- Per-device number series: the device prefix plus a counter.
CREATE TABLE number_series (
    series TEXT PRIMARY KEY NOT NULL,
    next_value INTEGER NOT NULL CHECK (next_value > 0)
);

-- The outbox: one record per write to a synced table, in device_seq order with no gaps.
CREATE TABLE outbox (
    device_seq INTEGER PRIMARY KEY NOT NULL,
    change_id TEXT NOT NULL UNIQUE,
    device_id TEXT NOT NULL,
    hlc TEXT NOT NULL,
    table_name TEXT NOT NULL,
    row_id TEXT NOT NULL,
    operation TEXT NOT NULL CHECK (operation IN ('insert', 'update', 'archive', 'restore')),
    fields TEXT NOT NULL,
    schema_version INTEGER NOT NULL,
    user_id TEXT,
    recorded_at TEXT NOT NULL,
    pushed_at TEXT
);
CREATE INDEX outbox_pending ON outbox (device_seq) WHERE pushed_at IS NULL;

-- Where this device stands with the clinic server.
CREATE TABLE sync_state (
    singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
    server_url TEXT,
    pull_cursor INTEGER NOT NULL DEFAULT 0,
    pushed_through_seq INTEGER NOT NULL DEFAULT 0,
    last_sync_at TEXT,
    last_error TEXT
);
INSERT INTO sync_state (singleton) VALUES (1);

-- Values overwritten by a remote change (per-field last-writer-wins) and changes the server rejected:
-- both are kept here and shown to a person, never silently dropped.
CREATE TABLE conflicts (
    id TEXT PRIMARY KEY NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('overwritten', 'rejected')),
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
    resolved_by TEXT
);

-- The audit trail: append-only, each entry chained to the previous one by a SHA-256 hash.
CREATE TABLE audit_log (
    seq INTEGER PRIMARY KEY NOT NULL,
    id TEXT NOT NULL UNIQUE,
    at TEXT NOT NULL,
    user_id TEXT,
    device_id TEXT NOT NULL,
    action TEXT NOT NULL,
    entity TEXT NOT NULL,
    entity_id TEXT,
    patient_id TEXT,
    details TEXT,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);
CREATE INDEX audit_by_patient ON audit_log (patient_id, at);
CREATE INDEX audit_by_user ON audit_log (user_id, at);

CREATE TRIGGER audit_log_no_update
BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;

CREATE TRIGGER audit_log_no_delete
BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;
