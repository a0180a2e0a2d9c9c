package dev.migrator.source;

/** An input file that cannot be read at all (missing, unreadable, unknown format, wrong header). */
public class UnusableInputException extends RuntimeException {

    public UnusableInputException(String message) {
        super(message);
    }
}
