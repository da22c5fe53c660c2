-- Security settings of a clinic (issue: users, roles, audit trail, keys and backups).
ALTER TABLE clinic_settings ADD COLUMN lockout_threshold INTEGER NOT NULL DEFAULT 5 CHECK (lockout_threshold BETWEEN 3 AND 20);
ALTER TABLE clinic_settings ADD COLUMN lockout_minutes INTEGER NOT NULL DEFAULT 15 CHECK (lockout_minutes BETWEEN 1 AND 1440);
ALTER TABLE clinic_settings ADD COLUMN idle_lock_minutes INTEGER NOT NULL DEFAULT 5 CHECK (idle_lock_minutes BETWEEN 1 AND 120);
