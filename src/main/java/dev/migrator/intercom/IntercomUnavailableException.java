package dev.migrator.intercom;

/**
 * Intercom cannot be used now (down, unreachable, token refused): the run stops and can be resumed.
 */
public class IntercomUnavailableException extends RuntimeException {

    public IntercomUnavailableException(String message) {
        super(message);
    }

    public IntercomUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
