-- The booking rule's statements read a row's field as `fields ->> 'column'`, which PostgreSQL reads
-- too (the server's SQL is written once for both): the indexes follow.
DROP INDEX rows_appointments_by_provider;
DROP INDEX rows_time_off_by_provider;
CREATE INDEX rows_appointments_by_provider ON rows (fields ->> 'provider_id', fields ->> 'starts_at')
    WHERE table_name = 'appointments';
CREATE INDEX rows_time_off_by_provider ON rows (fields ->> 'provider_id', fields ->> 'starts_at')
    WHERE table_name = 'provider_time_off';

-- A signature is checked against the note's later changes; a change sent again is looked up by its
-- device's number.
CREATE INDEX changes_by_row ON changes (table_name, row_id, server_seq);
CREATE INDEX rejected_changes_by_device ON rejected_changes (device_id, device_seq);
