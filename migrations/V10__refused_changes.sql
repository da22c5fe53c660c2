-- What the clinic server answers when it refuses a change: why, for programs (`code`), and the accepted
-- row it clashes with (a booking, time off). Shown to a person in "Needs attention".
ALTER TABLE conflicts ADD COLUMN code TEXT;
ALTER TABLE conflicts ADD COLUMN clashes_with TEXT;

-- A refused change whose row this device put back to the server's values: it no longer counts among
-- the changes a row's values add up to (its values are kept in `conflicts`).
ALTER TABLE outbox ADD COLUMN put_back_at TEXT;
