package dev.migrator.source.json;

import dev.migrator.source.InvalidRecordException;
import dev.migrator.source.SourceConversation;
import tools.jackson.databind.JsonNode;

/** Reads one JSON value of an export as a conversation, in the export's own shape. */
public interface JsonRecordMapper {

    /**
     * @throws InvalidRecordException naming the field and why, when the value cannot be read
     */
    SourceConversation toConversation(JsonNode node);

    /**
     * The record's id as the source writes it, for naming it in a reject; {@code null} when it has
     * none.
     */
    default String idOf(JsonNode node) {
        return JsonFields.idOf(node);
    }
}
