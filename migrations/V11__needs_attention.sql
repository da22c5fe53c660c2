-- Needs attention: who wrote each of the two values a conflict keeps, and bookings made anyway.

-- The user who wrote this device's value and the user whose change met it (another device's edit);
-- empty where the change named no user.
ALTER TABLE conflicts ADD COLUMN local_user_id TEXT;
ALTER TABLE conflicts ADD COLUMN remote_user_id TEXT;

-- A booking made on purpose into time its provider already has booked (a refused booking resolved
-- with "book anyway"): the booking rule lets it stand beside the other.
ALTER TABLE appointments ADD COLUMN overbooked INTEGER NOT NULL DEFAULT 0 CHECK (overbooked IN (0, 1));
