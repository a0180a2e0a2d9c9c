package dev.migrator.cli;

/**
 * The exit codes of the command-line contract (the README's "Exit codes"). The process exits with
 * {@link #code()}: {@code main}, and Spring's {@code ExitCodeGenerator}, take the number.
 */
public enum ExitCode {

    /**
     * Finished: every record migrated, or nothing was left to migrate or to resume; also {@code
     * status}, {@code report}, a {@code verify} that found no difference, a {@code watch} stopped
     * between runs, an {@code undo} that finished (or had nothing to delete, or was not confirmed),
     * and {@code --help} or {@code --version}.
     */
    OK(0, "Finished; every record migrated (or nothing was left to migrate)."),

    /**
     * Failed or stopped part-way (Intercom down, token revoked mid-run, Ctrl-C or SIGTERM, or taken
     * over by another process while this one was paused past its lease), or the migration is
     * already running in another process. Nothing committed is lost: the message gives the command
     * that resumes.
     */
    FAILED(1, "Failed or stopped; resumable: the message gives the exact command."),

    /**
     * Unusable configuration, options or input, said in one line: which and why. Nothing was sent.
     */
    UNUSABLE(2, "Unusable configuration, options or input; nothing was sent."),

    /**
     * Finished, but some records were rejected (listed in the run's {@code rejects.jsonl}); for
     * {@code verify}, differences found between the ledger and Intercom (listed in {@code
     * verify.jsonl}).
     */
    REJECTS(3, "Finished, but some records were rejected (listed in rejects.jsonl).");

    private final int code;
    private final String summary;

    ExitCode(int code, String summary) {
        this.code = code;
        this.summary = summary;
    }

    public int code() {
        return code;
    }

    /** One line for the usage's list of exit codes. */
    String summary() {
        return summary;
    }
}
