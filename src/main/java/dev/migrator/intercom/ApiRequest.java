package dev.migrator.intercom;

import tools.jackson.databind.JsonNode;

/**
 * One call to the Intercom API. {@code repeatable} says whether sending it twice is harmless
 * (reads, searches, create-or-return writes); a create that is not repeatable is never re-sent
 * after a lost response without first checking whether it happened.
 */
public record ApiRequest(String method, String path, JsonNode body, boolean repeatable) {

    public static ApiRequest get(String path) {
        return new ApiRequest("GET", path, null, true);
    }

    public static ApiRequest read(String path, JsonNode body) {
        return new ApiRequest("POST", path, body, true);
    }

    public static ApiRequest create(String path, JsonNode body) {
        return new ApiRequest("POST", path, body, false);
    }

    public static ApiRequest idempotent(String path, JsonNode body) {
        return new ApiRequest("POST", path, body, true);
    }

    /** A PUT sets values: sending it twice leaves what sending it once does. */
    public static ApiRequest put(String path, JsonNode body) {
        return new ApiRequest("PUT", path, body, true);
    }
}
