-- Front desk: reschedules, walk-ins, recurring series, calling patients in, and the waitlist.
--
-- SQLite cannot change a CHECK constraint in place, so `appointments` is rebuilt (the documented
-- create-copy-drop-rename procedure; the store runs migrations with foreign keys off and checks them all
-- afterwards).

CREATE TABLE appointments_v6 (
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
        ('scheduled', 'confirmed', 'checked_in', 'in_progress', 'completed', 'cancelled', 'no_show',
         'rescheduled')),
    reason TEXT,
    notes TEXT,
    cancellation_reason TEXT,
    checked_in_at TEXT,
    rescheduled_from_id TEXT REFERENCES appointments (id),
    -- A walk-in is seen between booked patients: it joins the queue but holds no time in the calendar.
    walk_in INTEGER NOT NULL DEFAULT 0 CHECK (walk_in IN (0, 1)),
    -- The occurrences of one recurring booking share a series id.
    series_id TEXT,
    -- The last time the doctor called the patient in, and to which room.
    called_at TEXT,
    room TEXT,
    started_at TEXT,
    completed_at TEXT,
    CHECK (ends_at > starts_at),
    CHECK (status <> 'cancelled' OR length(trim(cancellation_reason)) > 0)
);

INSERT INTO appointments_v6 (id, created_at, created_by, updated_at, updated_by, hlc, archived_at, patient_id,
    provider_id, appointment_type_id, starts_at, ends_at, status, reason, notes, cancellation_reason,
    checked_in_at, rescheduled_from_id)
SELECT id, created_at, created_by, updated_at, updated_by, hlc, archived_at, patient_id,
    provider_id, appointment_type_id, starts_at, ends_at, status, reason, notes, cancellation_reason,
    checked_in_at, rescheduled_from_id
FROM appointments;

DROP TABLE appointments;
ALTER TABLE appointments_v6 RENAME TO appointments;

CREATE INDEX appointments_by_provider ON appointments (provider_id, starts_at);
CREATE INDEX appointments_by_patient ON appointments (patient_id, starts_at);
CREATE INDEX appointments_by_start ON appointments (starts_at);
CREATE INDEX appointments_by_series ON appointments (series_id) WHERE series_id IS NOT NULL;

-- Patients who want an earlier appointment: with one provider, or with any provider of a specialty, on
-- preferred weekdays and between preferred times (clinic-local). Booking one fills
-- `booked_appointment_id`; taking one off archives it.
CREATE TABLE waitlist_entries (
    id TEXT PRIMARY KEY NOT NULL,
    created_at TEXT NOT NULL,
    created_by TEXT,
    updated_at TEXT NOT NULL,
    updated_by TEXT,
    hlc TEXT NOT NULL,
    archived_at TEXT,
    patient_id TEXT NOT NULL REFERENCES patients (id),
    provider_id TEXT REFERENCES providers (id),
    specialty TEXT,
    appointment_type_id TEXT REFERENCES appointment_types (id),
    -- ISO weekdays, e.g. '1,3,5'; empty for any day.
    weekdays TEXT NOT NULL DEFAULT '',
    earliest_time TEXT,
    latest_time TEXT,
    note TEXT,
    booked_appointment_id TEXT REFERENCES appointments (id),
    CHECK (provider_id IS NOT NULL OR length(trim(specialty)) > 0)
);
CREATE INDEX waitlist_entries_open ON waitlist_entries (created_at)
WHERE archived_at IS NULL AND booked_appointment_id IS NULL;
