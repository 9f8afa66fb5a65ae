DROP TABLE bridge_owners;
