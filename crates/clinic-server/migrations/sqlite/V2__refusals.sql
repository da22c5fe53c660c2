-- Why a change was refused, for programs (the reason beside it is for people), and the accepted row it
-- clashes with (a booking, time off).
ALTER TABLE rejected_changes ADD COLUMN code TEXT NOT NULL DEFAULT 'refused';
ALTER TABLE rejected_changes ADD COLUMN clashes_with TEXT;

-- Rows whose insert was refused: the other devices never get them, so changes referring to them are
-- refused too. A row leaves when its insert is sent again and taken.
CREATE TABLE refused_rows (
    row_id TEXT PRIMARY KEY NOT NULL,
    table_name TEXT NOT NULL,
    change_id TEXT NOT NULL
);

-- The booking rule reads a provider's appointments and time off around a time.
CREATE INDEX rows_appointments_by_provider ON rows (
    json_extract(fields, '$.provider_id'), json_extract(fields, '$.starts_at')
) WHERE table_name = 'appointments';
CREATE INDEX rows_time_off_by_provider ON rows (
    json_extract(fields, '$.provider_id'), json_extract(fields, '$.starts_at')
) WHERE table_name = 'provider_time_off';
