package dev.migrator.intercom;

/**
 * A create was sent but its response was lost (timeout, reset, 5xx): it may or may not have
 * happened.
 */
public class OutcomeUnknownException extends RuntimeException {

    public OutcomeUnknownException(ApiRequest request, String why) {
        super(request.method() + " " + request.path() + ": " + why);
    }
}
