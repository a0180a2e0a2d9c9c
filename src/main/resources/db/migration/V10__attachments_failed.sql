-- Issue 16: the files the migrator was to carry into Intercom itself (migration.attachments) and
-- could not (gone, expired, refused, too large). Their part went with each of them listed as a link
-- in its body; the run that sent the part lists them in runs/<id>/attachments-failed.jsonl.
-- Written by the worker in a transaction of its own just before the part's request, replacing the
-- part's rows of an earlier attempt: what is kept is what the part sent to Intercom says.
-- PART_KEY is the message's own key (for the opening's files, the opening's, though they go in a
-- note); SEQ their order in its list.
CREATE TABLE IF NOT EXISTS MIGRATOR_ATTACHMENT_FAILED (
    WORKSPACE  VARCHAR(200) NOT NULL,
    SOURCE_ID  VARCHAR(500) NOT NULL,
    PART_KEY   VARCHAR(500) NOT NULL,
    SEQ        INT          NOT NULL,
    RUN_ID     BIGINT       NOT NULL,
    URL        TEXT         NOT NULL,
    NAME       TEXT,
    REASON     TEXT         NOT NULL,
    PRIMARY KEY (WORKSPACE, SOURCE_ID, PART_KEY, SEQ)
);

CREATE INDEX IF NOT EXISTS MIGRATOR_ATTACHMENT_FAILED_RUN ON MIGRATOR_ATTACHMENT_FAILED (RUN_ID);
