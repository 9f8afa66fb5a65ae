-- Which users, systems and bridges bridgebook.toml defines: those are managed by the file,
-- and one removed from it is disabled (a user, a bridge) or retired (a system) at the next
-- start. A disabled user cannot log in; a retired system is no longer listed or bookable,
-- and its history stays.
ALTER TABLE users ADD COLUMN from_file BOOLEAN NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN disabled BOOLEAN NOT NULL DEFAULT 0;
ALTER TABLE systems ADD COLUMN from_file BOOLEAN NOT NULL DEFAULT 0;
ALTER TABLE systems ADD COLUMN retired BOOLEAN NOT NULL DEFAULT 0;
ALTER TABLE bridges ADD COLUMN from_file BOOLEAN NOT NULL DEFAULT 0;
