package dev.migrator.intercom;

import java.util.List;
import tools.jackson.databind.JsonNode;

/**
 * One call to the Intercom API. {@code repeatable} says whether sending it twice is harmless
 * (reads, searches, create-or-return writes); a create that is not repeatable is never re-sent
 * after a lost response without first checking whether it happened.
 */
public record ApiRequest(
        String method, String path, JsonNode body, boolean repeatable, List<AttachmentFile> files) {

    /**
     * @param files sent as the body's {@code attachment_files}, each file's bytes streamed from
     *     disk as base64 after the rest of {@code body}
     */
    public ApiRequest {
        files = files == null ? List.of() : List.copyOf(files);
    }

    public ApiRequest(String method, String path, JsonNode body, boolean repeatable) {
        this(method, path, body, repeatable, List.of());
    }

    public static ApiRequest get(String path) {
        return new ApiRequest("GET", path, null, true);
    }

    public static ApiRequest read(String path, JsonNode body) {
        return new ApiRequest("POST", path, body, true);
    }

    public static ApiRequest create(String path, JsonNode body) {
        return new ApiRequest("POST", path, body, false);
    }

    /** A create whose body carries {@code files} as its {@code attachment_files}. */
    public static ApiRequest create(String path, JsonNode body, List<AttachmentFile> files) {
        return new ApiRequest("POST", path, body, false, files);
    }

    /** A DELETE: deleting what is gone already is answered 404, which changes nothing. */
    public static ApiRequest delete(String path) {
        return new ApiRequest("DELETE", path, null, true);
    }

    public static ApiRequest idempotent(String path, JsonNode body) {
        return new ApiRequest("POST", path, body, true);
    }

    /** A PUT sets values: sending it twice leaves what sending it once does. */
    public static ApiRequest put(String path, JsonNode body) {
        return new ApiRequest("PUT", path, body, true);
    }
}
