ALTER TABLE bridges DROP COLUMN from_file;
ALTER TABLE systems DROP COLUMN retired;
ALTER TABLE systems DROP COLUMN from_file;
ALTER TABLE users DROP COLUMN disabled;
ALTER TABLE users DROP COLUMN from_file;
