package dev.migrator.mapping;

import java.util.List;

/**
 * One message of a conversation as it will be sent. {@code key} identifies it in the ledger:
 * the source message id, or a digest of its content when the export gives none.
 */
public record PlannedPart(
        String key,
        Author author,
        String agentEmail,
        String agentName,
        boolean note,
        String body,
        long createdAt,
        List<String> attachmentUrls) {

    public enum Author { CONTACT, AGENT }

    public boolean byContact() {
        return author == Author.CONTACT;
    }
}
