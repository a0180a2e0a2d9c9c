package dev.migrator.source;

import tools.jackson.databind.JsonNode;

/** Freshdesk tickets with their conversations (to be written). */
final class FreshdeskTicketMapper implements JsonRecordMapper {

    private final People people;

    FreshdeskTicketMapper(People people) {
        this.people = people;
    }

    static People.Person person(JsonNode node) {
        return null;
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
