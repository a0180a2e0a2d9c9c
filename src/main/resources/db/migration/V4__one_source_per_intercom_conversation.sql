-- One Intercom conversation belongs to one source conversation (issue 12, case 7): the lost-answer
-- search may never adopt a conversation another source conversation already holds. A row still
-- CREATING has no INTERCOM_ID; NULLs are distinct in a unique index on both H2 and PostgreSQL, so
-- this is the partial index "WHERE INTERCOM_ID IS NOT NULL" in a form both accept.
-- A ledger in which one Intercom id already belongs to two source conversations fails here, on
-- purpose: see docs/exactly-once.md (One Intercom conversation per source conversation).
CREATE UNIQUE INDEX IF NOT EXISTS MIGRATOR_CONVERSATION_INTERCOM_ID
    ON MIGRATOR_CONVERSATION (WORKSPACE, INTERCOM_ID);
