package dev.migrator.source.json;

import static dev.migrator.source.json.JsonFields.array;
import static dev.migrator.source.json.JsonFields.bool;
import static dev.migrator.source.json.JsonFields.object;
import static dev.migrator.source.json.JsonFields.strings;
import static dev.migrator.source.json.JsonFields.text;

import dev.migrator.source.SourceConversation;
import dev.migrator.source.SourceConversation.SourceContact;
import dev.migrator.source.SourceConversation.SourceMessage;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;

/** Reads one canonical JSON record (docs/formats/canonical-json.md), checking the JSON types. */
public final class JsonConversationMapper implements JsonRecordMapper {

    public static final JsonConversationMapper INSTANCE = new JsonConversationMapper();

    private JsonConversationMapper() {}

    @Override
    public SourceConversation toConversation(JsonNode node) {
        JsonFields.requireRecord(node, "conversation");
        List<SourceMessage> messages = new ArrayList<>();
        List<JsonNode> messageNodes = array(node, "messages", "messages");
        for (int i = 0; i < messageNodes.size(); i++) {
            messages.add(toMessage(messageNodes.get(i), "messages[" + i + "]"));
        }
        return new SourceConversation(
                text(node, "id", "id"),
                text(node, "subject", "subject"),
                text(node, "created_at", "created_at"),
                text(node, "status", "status"),
                strings(node, "tags", "tags"),
                toContact(object(node, "contact", "contact")),
                messages);
    }

    private static SourceContact toContact(JsonNode node) {
        if (node == null) {
            return null;
        }
        return new SourceContact(
                text(node, "email", "contact.email"),
                text(node, "external_id", "contact.external_id"),
                text(node, "name", "contact.name"),
                text(node, "role", "contact.role"));
    }

    private static SourceMessage toMessage(JsonNode node, String path) {
        JsonFields.requireObject(node, path);
        JsonNode author = object(node, "author", path + ".author");
        return new SourceMessage(
                text(node, "id", path + ".id"),
                author == null ? null : text(author, "type", path + ".author.type"),
                author == null ? null : text(author, "email", path + ".author.email"),
                author == null ? null : text(author, "name", path + ".author.name"),
                text(node, "body", path + ".body"),
                text(node, "created_at", path + ".created_at"),
                strings(node, "attachments", path + ".attachments"),
                bool(node, "internal", path + ".internal", false));
    }
}
