ALTER TABLE bridges DROP COLUMN reachable;
DROP TABLE bridge_jobs;
