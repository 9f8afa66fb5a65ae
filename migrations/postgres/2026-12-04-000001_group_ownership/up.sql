-- Which groups bridgebook.toml defines: those are the file's, shown read-only in the console;
-- the others are the database's, added and changed there.
ALTER TABLE groups ADD COLUMN from_file BOOLEAN NOT NULL DEFAULT FALSE;
