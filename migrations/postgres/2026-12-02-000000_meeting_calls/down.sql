ALTER TABLE systems DROP COLUMN details;
ALTER TABLE bridges DROP COLUMN system_location;
DROP TABLE meeting_calls;
DROP TABLE installation;
