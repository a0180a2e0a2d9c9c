package dev.migrator.intercom;

import java.nio.file.Path;

/**
 * A file sent with a part in its {@code attachment_files}: its bytes stay in {@code path} and are
 * streamed into the request, never held in memory, whatever its size.
 *
 * @param size its length in bytes
 */
public record AttachmentFile(String name, String contentType, Path path, long size) {}
