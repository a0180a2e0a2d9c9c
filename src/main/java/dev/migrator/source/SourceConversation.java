package dev.migrator.source;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A conversation as the export describes it: values are kept as written, the processor interprets
 * them.
 *
 * @param warnings what the reader left out or read as the nearest known kind (a draft never sent, a
 *     message kind it does not know), counted and logged with the planner's own warnings
 * @param details what the helpdesk showed around the thread: owner, team, fields, company
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
        List<String> warnings,
        Details details) {

    public SourceConversation {
        details = details == null ? Details.NONE : details;
    }

    /** A conversation with nothing around its thread. */
    public SourceConversation(
            String id,
            String subject,
            String createdAt,
            String status,
            List<String> tags,
            SourceContact contact,
            List<SourceMessage> messages,
            SourceSystem system,
            List<String> warnings) {
        this(
                id,
                subject,
                createdAt,
                status,
                tags,
                contact,
                messages,
                system,
                warnings,
                Details.NONE);
    }

    /** A conversation its reader read whole, with nothing to warn about. */
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

    /** This conversation with {@code details} around its thread. */
    public SourceConversation withDetails(Details details) {
        return new SourceConversation(
                id, subject, createdAt, status, tags, contact, messages, system, warnings, details);
    }

    /**
     * What the helpdesk showed around the thread, values as the export writes them.
     *
     * @param assigneeEmail the email of the agent who owned it, or {@code null}
     * @param team the group, team or mailbox it sat in, by name when the export gives one, else by
     *     id; {@code mapping.teams} says which Intercom team it is
     * @param fields its fields by the key {@code mapping.attributes} names them with (a custom
     *     field's id or name, as the preset documents, and {@code priority}, {@code type}…), values
     *     as text; a field without a value is left out
     * @param company the customer's company, or {@code null}
     */
    public record Details(
            String assigneeEmail, String team, Map<String, String> fields, SourceCompany company) {

        public static final Details NONE = new Details(null, null, Map.of(), null);

        public Details {
            fields =
                    fields == null
                            ? Map.of()
                            : Collections.unmodifiableMap(new LinkedHashMap<>(fields));
        }
    }

    /**
     * A customer's company: {@code id} becomes the Intercom company's {@code company_id} (unique in
     * the workspace, so prefixed by the preset when the helpdesk's own id is a bare number).
     */
    public record SourceCompany(String id, String name) {}

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
            List<SourceAttachment> attachments,
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
                List<SourceAttachment> attachments,
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
