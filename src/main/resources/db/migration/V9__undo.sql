-- Issue 16, undo: what the migrator itself created in Intercom, and in which run (the job instance
-- id, "run N" of status), so that `undo` deletes that and nothing else. NULL: not created by the
-- migrator (found in Intercom, adopted, or recorded before this version, when nobody kept it).

-- Set with the create intent. Adopted conversations (--adopt-existing) never have one. Rows of
-- earlier versions: their create intent (ATTEMPTED_AT > 0; adoption records 0) proves the create,
-- and RUN_ID is the best run known for it.
ALTER TABLE MIGRATOR_CONVERSATION ADD COLUMN CREATED_RUN_ID BIGINT;
UPDATE MIGRATOR_CONVERSATION SET CREATED_RUN_ID = RUN_ID WHERE ATTEMPTED_AT > 0;

-- Set only when this ledger's POST /contacts created the contact (a 409 names one that existed,
-- even when it answers a retry of our own create whose first answer was lost: not sure, not ours).
ALTER TABLE MIGRATOR_CONTACT ADD COLUMN CREATED_RUN_ID BIGINT;

-- Set only when GET /companies?company_id= found none before POST /companies made it.
ALTER TABLE MIGRATOR_COMPANY ADD COLUMN CREATED_RUN_ID BIGINT;

-- How many undos have finished in a workspace: part of a migration's identity once above 0, so that
-- the command of a run that was undone migrates again instead of finding its run complete.
CREATE TABLE IF NOT EXISTS MIGRATOR_UNDO (
    WORKSPACE   VARCHAR(200) NOT NULL,
    GENERATION  BIGINT       NOT NULL,
    PRIMARY KEY (WORKSPACE)
);

-- Conversations an unfinished undo has deleted (and the ledger forgotten): Intercom's search lags
-- behind deletes, so a contact's search may still show them, even after a crash and a re-run of the
-- undo. Emptied when the undo finishes.
CREATE TABLE IF NOT EXISTS MIGRATOR_UNDONE (
    WORKSPACE    VARCHAR(200) NOT NULL,
    INTERCOM_ID  VARCHAR(100) NOT NULL,
    PRIMARY KEY (WORKSPACE, INTERCOM_ID)
);
