package dev.migrator.source;

import java.util.List;

/**
 * A conversation as the export describes it: values are kept as written, the processor interprets
 * them. {@code warnings} are what its reader had to guess (a value of the helpdesk's it does not
 * know, read as the nearest one it does), for the run's report.
 */
public record SourceConversation(
        String id,
        String subject,
        String createdAt,
        String status,
        List<String> tags,
        SourceContact contact,
        List<SourceMessage> messages,
        SourceSystem system,
        List<String> warnings) {

    /** A conversation its reader read without guessing. */
    public SourceConversation(
            String id,
            String subject,
            String createdAt,
            String status,
            List<String> tags,
            SourceContact contact,
            List<SourceMessage> messages,
            SourceSystem system) {
        this(id, subject, createdAt, status, tags, contact, messages, system, List.of());
    }

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

    /**
     * One message. Its values are as the export writes them, but for {@code createdAt} in a mapped
     * CSV, which its reader has already read with the mapping's date format and zone (into epoch
     * seconds): {@code writtenCreatedAt} keeps that time as written, because a message without an
     * id is keyed on it, and a corrected date format or zone must not change the key.
     *
     * @param createdAt the time for the planner to read
     * @param writtenCreatedAt the time exactly as the export writes it
     */
    public record SourceMessage(
            String id,
            String authorType,
            String authorEmail,
            String authorName,
            String body,
            String createdAt,
            List<String> attachments,
            boolean internal,
            String writtenCreatedAt) {

        /** A message whose time is passed on as written. */
        public SourceMessage(
                String id,
                String authorType,
                String authorEmail,
                String authorName,
                String body,
                String createdAt,
                List<String> attachments,
                boolean internal) {
            this(
                    id,
                    authorType,
                    authorEmail,
                    authorName,
                    body,
                    createdAt,
                    attachments,
                    internal,
                    createdAt);
        }
    }
}
