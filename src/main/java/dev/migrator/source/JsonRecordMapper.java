package dev.migrator.source;

import tools.jackson.databind.JsonNode;

/** Reads one JSON value of an export as a conversation, in the export's own shape. */
interface JsonRecordMapper {

    /** @throws InvalidRecordException naming the field and why, when the value cannot be read */
    SourceConversation toConversation(JsonNode node);

    /** The record's id as the source writes it, for naming it in a reject; {@code null} when it has none. */
    String idOf(JsonNode node);
}
