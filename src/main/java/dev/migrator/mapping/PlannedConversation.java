package dev.migrator.mapping;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A conversation ready to send: validated, times in epoch seconds, bodies in plain text. The first
 * part opens the conversation and is always written by the contact. Its {@code subject} is also its
 * title.
 */
public record PlannedConversation(
        String sourceId,
        PlannedContact contact,
        String subject,
        List<PlannedPart> parts,
        boolean close,
        List<String> tags,
        List<String> warnings,
        PlannedDetails details) {

    public PlannedConversation {
        // A plan deferred by an earlier build has none.
        details = details == null ? PlannedDetails.NONE : details;
    }

    /** A conversation with nothing around its thread. */
    public PlannedConversation(
            String sourceId,
            PlannedContact contact,
            String subject,
            List<PlannedPart> parts,
            boolean close,
            List<String> tags,
            List<String> warnings) {
        this(sourceId, contact, subject, parts, close, tags, warnings, PlannedDetails.NONE);
    }

    public PlannedPart opening() {
        return parts.get(0);
    }

    public List<PlannedPart> replies() {
        return parts.subList(1, parts.size());
    }

    /**
     * What agents see around the thread, once the conversation is in Intercom.
     *
     * @param assigneeEmail the owner's email, lower case: assigned to the admin with that email, or
     *     left unassigned
     * @param team the Intercom team's name (after {@code mapping.teams}), or {@code null}
     * @param attributes conversation attribute name to the value as the export writes it, converted
     *     to the attribute's type when sent
     * @param company the contact's company, or {@code null}
     */
    public record PlannedDetails(
            String assigneeEmail,
            String team,
            Map<String, String> attributes,
            PlannedCompany company) {

        public static final PlannedDetails NONE = new PlannedDetails(null, null, Map.of(), null);

        public PlannedDetails {
            attributes =
                    attributes == null
                            ? Map.of()
                            : Collections.unmodifiableMap(new LinkedHashMap<>(attributes));
        }
    }

    /** A company: found or created in Intercom by {@code companyId}, named {@code name}. */
    public record PlannedCompany(String companyId, String name) {}

    public record PlannedContact(String email, String externalId, String name, ContactRole role) {}

    public enum ContactRole {
        USER,
        LEAD;

        public String apiName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }
}
