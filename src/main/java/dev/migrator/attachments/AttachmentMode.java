package dev.migrator.attachments;

/** What becomes of a message's attachments: {@code migration.attachments}. */
public enum AttachmentMode {
    /** Every attachment goes as its URL, for Intercom to fetch when the part is created. */
    LINK,
    /** Every attachment is downloaded by the migrator and sent with its part. */
    UPLOAD,
    /**
     * Downloaded and sent only what Intercom could not fetch on its own: a URL the source's
     * credentials apply to, or one that answers 401, 403, 404 or 410 without them.
     */
    AUTO
}
