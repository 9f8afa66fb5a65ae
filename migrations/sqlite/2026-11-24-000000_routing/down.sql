DROP TABLE bridge_load_reach;
DROP TABLE bridge_loads;
DROP INDEX conferences_status;
ALTER TABLE conferences DROP COLUMN route;
DROP TABLE bridges;
