package dev.migrator.source;

import tools.jackson.databind.JsonNode;

/** (to be written) */
final class HelpScoutConversationMapper implements JsonRecordMapper {

    static final HelpScoutConversationMapper INSTANCE = new HelpScoutConversationMapper();

    private HelpScoutConversationMapper() {
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
