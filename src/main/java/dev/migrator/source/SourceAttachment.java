package dev.migrator.source;

/**
 * One file of a message, as the export writes it.
 *
 * @param url where the helpdesk serves it (it may need the helpdesk's credentials, or expire)
 * @param name its file name, or {@code null} when the export gives none
 * @param contentType its media type, or {@code null} when the export gives none
 */
public record SourceAttachment(String url, String name, String contentType) {

    /** A file known by its URL alone. */
    public static SourceAttachment ofUrl(String url) {
        return new SourceAttachment(url, null, null);
    }
}
