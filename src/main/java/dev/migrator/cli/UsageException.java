package dev.migrator.cli;

/**
 * Unusable options, configuration or input: exit code 2, with a message that says which and why.
 */
public class UsageException extends RuntimeException {

    public UsageException(String message) {
        super(message);
    }
}
