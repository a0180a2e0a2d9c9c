package dev.migrator.intercom;

import tools.jackson.databind.JsonNode;

/** Sends API requests: over HTTP for real, or into the requests file for a dry run. */
public interface IntercomTransport {

    /**
     * The response body of a successful call.
     *
     * @throws ApiErrorException Intercom refused the request (a 4xx other than 401, 403 and 429)
     * @throws OutcomeUnknownException a non-repeatable request may or may not have taken effect
     * @throws IntercomUnavailableException retries were exhausted, or the token was refused
     */
    JsonNode exchange(ApiRequest request);

    /** Calls sent so far, for the summary. */
    long callCount();
}
