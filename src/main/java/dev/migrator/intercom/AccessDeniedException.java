package dev.migrator.intercom;

/** Intercom refused the access token (401 or 403). */
public class AccessDeniedException extends IntercomUnavailableException {

    public AccessDeniedException(String message) {
        super(message);
    }
}
