package dev.migrator.mapping;

/**
 * One file of a part as it will be sent: by its URL, for Intercom to fetch, or carried by the
 * migrator ({@code migration.attachments}).
 *
 * @param url an http(s) URL, trimmed
 * @param name the file name the export gives, else the last segment of the URL's path
 * @param contentType the export's media type, or {@code null}: the download's then
 */
public record PlannedAttachment(String url, String name, String contentType) {}
