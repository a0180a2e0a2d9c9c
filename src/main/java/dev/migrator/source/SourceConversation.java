package dev.migrator.source;

import java.util.List;

/**
 * A conversation as the export describes it: values are kept as written, the processor interprets
 * them.
 */
public record SourceConversation(
        String id,
        String subject,
        String createdAt,
        String status,
        List<String> tags,
        SourceContact contact,
        List<SourceMessage> messages,
        SourceSystem system) {

    /** A conversation in the canonical format. */
    public SourceConversation(
            String id,
            String subject,
            String createdAt,
            String status,
            List<String> tags,
            SourceContact contact,
            List<SourceMessage> messages) {
        this(id, subject, createdAt, status, tags, contact, messages, SourceSystem.CANONICAL);
    }

    public record SourceContact(String email, String externalId, String name, String role) {}

    public record SourceMessage(
            String id,
            String authorType,
            String authorEmail,
            String authorName,
            String body,
            String createdAt,
            List<String> attachments,
            boolean internal) {}
}
