-- A run's pace: one row per committed chunk, with the calls and records since the previous one.
-- Written in the chunk's transaction, so it says what was committed; the HTML report charts it.
CREATE TABLE IF NOT EXISTS MIGRATOR_PROGRESS (
    RUN_ID     BIGINT NOT NULL,
    AT_MILLIS  BIGINT NOT NULL,
    CALLS      BIGINT NOT NULL,
    RECORDS    BIGINT NOT NULL
);

CREATE INDEX IF NOT EXISTS MIGRATOR_PROGRESS_RUN ON MIGRATOR_PROGRESS (RUN_ID, AT_MILLIS);
