package dev.migrator.delivery;

import dev.migrator.attachments.AttachmentCarrier;
import dev.migrator.mapping.HtmlToText;
import dev.migrator.mapping.PlannedPart;
import tools.jackson.databind.JsonNode;

/**
 * A conversation as {@code GET /conversations/{id}} showed it once: its opening message (the
 * conversation's {@code source}), its parts, its state and whom it is assigned to. A part the
 * ledger does not know is looked for here before it is sent, so a part already in Intercom is never
 * sent again.
 */
record IntercomConversation(JsonNode json) {

    /**
     * Whether the part is the conversation's opening message (the contact's, at the conversation's
     * {@code created_at}, same text): what a changed part key would otherwise send again as a
     * reply.
     */
    boolean opensWith(PlannedPart part, String authorId) {
        JsonNode source = json.path("source");
        return part.byContact()
                && json.path("created_at").asLong() == part.createdAt()
                && source.path("author").path("id").asString("").equals(authorId)
                && sameText(source.path("body").asString(""), part.body());
    }

    /**
     * Whether the part is among the conversation's parts, written by {@code authorId}: same kind
     * (comment or note), same author, same time, same text, but for the list of files it could not
     * carry, which one attempt may have and the next not (see {@link #sameTextButFilesNotCarried}).
     */
    boolean hasPart(PlannedPart part, String authorId) {
        String kind = part.note() ? "note" : "comment";
        for (JsonNode existing : parts()) {
            boolean byAdmin = existing.path("author").path("type").asString("").equals("admin");
            if (existing.path("created_at").asLong() == part.createdAt()
                    && byAdmin == !part.byContact()
                    && existing.path("part_type").asString("").equals(kind)
                    && existing.path("author").path("id").asString("").equals(authorId)
                    && sameTextButFilesNotCarried(
                            existing.path("body").asString(""), part.body())) {
                return true;
            }
        }
        return false;
    }

    /** The time of its latest message: the opening's, or the latest comment's or note's. */
    long latestMessageAt() {
        long latest = json.path("created_at").asLong();
        for (JsonNode existing : parts()) {
            String kind = existing.path("part_type").asString("");
            if (kind.equals("comment") || kind.equals("note")) {
                latest = Math.max(latest, existing.path("created_at").asLong());
            }
        }
        return latest;
    }

    /** The admin it is assigned to, or {@code null} (Intercom says 0 or nothing when none). */
    String adminAssigneeId() {
        return assigneeId(json.path("admin_assignee_id"));
    }

    /** The team it is assigned to, or {@code null}. */
    String teamAssigneeId() {
        return assigneeId(json.path("team_assignee_id"));
    }

    private static String assigneeId(JsonNode id) {
        String text = id.isNumber() || id.isString() ? id.asString() : "";
        return text.isEmpty() || text.equals("0") ? null : text;
    }

    boolean closed() {
        return "closed".equals(json.path("state").asString(""));
    }

    private JsonNode parts() {
        return json.path("conversation_parts").path("conversation_parts");
    }

    /** Intercom may store a plain-text body as HTML; compare the text, not the markup. */
    static boolean sameText(String stored, String sent) {
        return normalize(HtmlToText.toPlainText(stored)).equals(normalize(sent));
    }

    /**
     * The same text, or the same text followed by the list of files not carried ({@link
     * AttachmentCarrier#NOT_CARRIED_HEADING}): which files a download left out may differ between
     * two attempts at one part, so that list is not what tells the part.
     */
    static boolean sameTextButFilesNotCarried(String stored, String sent) {
        String text = normalize(HtmlToText.toPlainText(stored));
        String expected = normalize(sent);
        return text.equals(expected)
                || text.startsWith(
                        expected + " " + normalize(AttachmentCarrier.NOT_CARRIED_HEADING) + " ");
    }

    private static String normalize(String text) {
        return text.replaceAll("\\s+", " ").trim();
    }
}
