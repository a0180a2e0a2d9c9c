-- Two owners of one run (issue 12, case 4). HEARTBEAT_AT is now the database's clock
-- (epoch millis), never a process's own. The owner is known by more than host and pid, so that
-- a pid reused after a restart (the Docker watcher is pid 1 again) is not taken for its
-- predecessor, and a process of another PID namespace with the same host name (host-network
-- containers) is never judged by this namespace's pids: the boot id, the process's start time
-- and its PID namespace, each NULL where the system does not tell. A released lease is kept,
-- RELEASED, so that a process that lost it can still say which process took it over.
ALTER TABLE MIGRATOR_LEASE ADD COLUMN OWNER_STARTED_AT BIGINT;
ALTER TABLE MIGRATOR_LEASE ADD COLUMN OWNER_BOOT_ID VARCHAR(100);
ALTER TABLE MIGRATOR_LEASE ADD COLUMN OWNER_PID_NAMESPACE VARCHAR(100);
ALTER TABLE MIGRATOR_LEASE ADD COLUMN RELEASED BOOLEAN DEFAULT FALSE NOT NULL;
