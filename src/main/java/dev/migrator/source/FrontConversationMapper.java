package dev.migrator.source;

import tools.jackson.databind.JsonNode;

/** (to be written) */
final class FrontConversationMapper implements JsonRecordMapper {

    static final FrontConversationMapper INSTANCE = new FrontConversationMapper();

    private FrontConversationMapper() {
    }

    @Override
    public SourceConversation toConversation(JsonNode node) {
        throw new InvalidRecordException("not read yet");
    }

    @Override
    public String idOf(JsonNode node) {
        return JsonFields.idOf(node);
    }
}
