package dev.migrator.source;

import org.jsoup.nodes.Entities;

/** The HTML the presets build around a helpdesk's message bodies, the same way for every helpdesk. */
final class MessageBodies {

    private MessageBodies() {
    }

    /**
     * Someone else's words in a conversation, named at the top ("From NAME (EMAIL):") so that they
     * are never taken for the contact's. Parentheses, not angle brackets: the planner would take
     * {@code <email>} for a tag and break it up.
     */
    static String attributed(String lead, String who, String body) {
        return "<p>" + Entities.escape(lead + (who == null ? "" : " " + who) + ":") + "</p>" + (body == null ? "" : body);
    }

    /** "Name (email)", or whichever of them is known, else {@code fallback}. */
    static String who(String name, String email, String fallback) {
        boolean hasName = name != null && !name.isBlank();
        boolean hasEmail = email != null && !email.isBlank();
        return hasName && hasEmail ? name.trim() + " (" + email.trim() + ")"
                : hasEmail ? email.trim() : hasName ? name.trim() : fallback;
    }

    /**
     * Plain text as HTML that reads back exactly: escaped, and inside {@code <pre>} so that the
     * planner takes it for HTML (decoding the escapes) and keeps its line breaks and spaces.
     */
    static String preformatted(String text) {
        return "<pre>" + Entities.escape(text) + "</pre>";
    }
}
