ALTER TABLE bridges DROP COLUMN tls;
ALTER TABLE bridges DROP COLUMN health;
ALTER TABLE bridges DROP COLUMN priced_capacity;
