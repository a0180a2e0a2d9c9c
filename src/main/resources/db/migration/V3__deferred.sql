-- The records the migrate step deferred (a create or a reply whose answer was lost, which
-- Intercom could not confirm yet), by their place in the inputs: the settle step finishes
-- exactly these, each once. Written in the chunk's transaction.
CREATE TABLE IF NOT EXISTS MIGRATOR_DEFERRED (
    RUN_ID     BIGINT        NOT NULL,
    FILE_NAME  VARCHAR(2000) NOT NULL,
    LINE_NO    BIGINT        NOT NULL,
    PRIMARY KEY (RUN_ID, FILE_NAME, LINE_NO)
);
