package dev.migrator.cli;

/** The exit codes of the command-line contract. */
public final class ExitCodes {

    /** Everything migrated. */
    public static final int OK = 0;
    /** Failed or stopped; the same command resumes. */
    public static final int FAILED = 1;
    /** Unusable configuration, options or input. */
    public static final int UNUSABLE = 2;
    /** Finished, but some records were rejected (listed in rejects.jsonl). */
    public static final int REJECTS = 3;

    private ExitCodes() {
    }
}
