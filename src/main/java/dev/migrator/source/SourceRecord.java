package dev.migrator.source;

import tools.jackson.databind.JsonNode;

/**
 * One record read from an export: either a conversation or the reason it could not be read.
 * Unreadable records travel through the pipeline like good ones so that their reject is committed
 * with the chunk they belong to, exactly once.
 */
public record SourceRecord(RecordOrigin origin, SourceConversation conversation, String problem) {

    public static SourceRecord of(RecordOrigin origin, SourceConversation conversation) {
        return new SourceRecord(origin, conversation, null);
    }

    public static SourceRecord unreadable(RecordOrigin origin, String problem) {
        return new SourceRecord(origin, null, problem);
    }

    public boolean readable() {
        return problem == null;
    }

    /** Where a record came from, and its text as read, for the rejects file. */
    public record RecordOrigin(String file, long line, String sourceId, JsonNode record) {}
}
