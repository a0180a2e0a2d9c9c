package dev.migrator.mapping;

import java.util.List;

/**
 * A conversation ready to send: validated, times in epoch seconds, bodies in plain text. The first
 * part opens the conversation and is always written by the contact.
 */
public record PlannedConversation(
        String sourceId,
        PlannedContact contact,
        String subject,
        List<PlannedPart> parts,
        boolean close,
        List<String> tags,
        List<String> warnings) {

    public PlannedPart opening() {
        return parts.get(0);
    }

    public List<PlannedPart> replies() {
        return parts.subList(1, parts.size());
    }

    public record PlannedContact(String email, String externalId, String name, ContactRole role) {}

    public enum ContactRole {
        USER,
        LEAD;

        public String apiName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }
}
