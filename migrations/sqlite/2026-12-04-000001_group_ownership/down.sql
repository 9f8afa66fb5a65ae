ALTER TABLE groups DROP COLUMN from_file;
