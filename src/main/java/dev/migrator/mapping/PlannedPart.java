package dev.migrator.mapping;

import java.util.List;

/**
 * One message of a conversation as it will be sent. {@code key} identifies it in the ledger: the
 * source message id, or, when the export gives none, a digest of its values as written and its
 * place among the record's messages with the same digest.
 */
public record PlannedPart(
        String key,
        Author author,
        String agentEmail,
        String agentName,
        boolean note,
        String body,
        long createdAt,
        List<PlannedAttachment> attachments) {

    public enum Author {
        CONTACT,
        AGENT
    }

    /**
     * Key prefix of the marker that opens a conversation an agent started ("Conversation started by
     * …"). It starts with a space, as digest keys do: source ids are trimmed, so no message id can
     * be taken for a marker.
     */
    static final String START_MARKER = " opening:";

    /** Whether this is the marker the planner puts before a conversation an agent started. */
    public boolean startMarker() {
        return key.startsWith(START_MARKER);
    }

    public boolean byContact() {
        return author == Author.CONTACT;
    }
}
