package dev.migrator.source.json;

import org.apache.commons.lang3.StringUtils;
import org.jsoup.nodes.Entities;
import tools.jackson.databind.JsonNode;

/**
 * A helpdesk's message bodies as the presets pass them on, the same way for every helpdesk: which
 * field to read, and the HTML built around it.
 */
public final class MessageBodies {

    private MessageBodies() {}

    /**
     * Someone else's words in a conversation, named at the top ("From NAME (EMAIL):") so that they
     * are never taken for the contact's. Parentheses, not angle brackets: the planner would take
     * {@code <email>} for a tag and break it up.
     */
    public static String attributed(String lead, String who, String body) {
        return "<p>"
                + Entities.escape(lead + (who == null ? "" : " " + who) + ":")
                + "</p>"
                + (body == null ? "" : body);
    }

    /** "Name (email)", or whichever of them is known, else {@code fallback}. */
    public static String who(String name, String email, String fallback) {
        boolean hasName = StringUtils.isNotBlank(name);
        boolean hasEmail = StringUtils.isNotBlank(email);
        return hasName && hasEmail
                ? name.trim() + " (" + email.trim() + ")"
                : hasEmail ? email.trim() : hasName ? name.trim() : fallback;
    }

    /**
     * Plain text as HTML that reads back exactly: escaped, and inside {@code <pre>} so that the
     * planner takes it for HTML (decoding the escapes) and keeps its line breaks and spaces. {@code
     * null} when there is no text.
     */
    public static String preformatted(String text) {
        return StringUtils.isBlank(text) ? null : "<pre>" + Entities.escape(text) + "</pre>";
    }

    /**
     * A message's body from the first of its fields that has content: the HTML one as written (it
     * keeps links and line breaks), else a plain-text one, preformatted. Fields are read in that
     * order and no further than needed, so that a field of the wrong type after the one used is no
     * problem. {@code pathPrefix} leads the fields' paths in reject reasons.
     */
    public static String htmlOrPlain(
            JsonNode node, String pathPrefix, String htmlField, String... plainFields) {
        String html = JsonFields.text(node, htmlField, pathPrefix + htmlField);
        if (StringUtils.isNotBlank(html)) {
            return html;
        }
        for (String field : plainFields) {
            String plain = JsonFields.text(node, field, pathPrefix + field);
            if (StringUtils.isNotBlank(plain)) {
                return preformatted(plain);
            }
        }
        return null;
    }
}
