package dev.migrator.source;

import dev.migrator.source.SourceConversation.SourceContact;
import dev.migrator.source.SourceConversation.SourceMessage;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;

/** Turns one canonical JSON record into a {@link SourceConversation}, checking the JSON types. */
final class JsonConversationMapper {

    private JsonConversationMapper() {
    }

    static SourceConversation toConversation(JsonNode node) {
        if (!node.isObject()) {
            throw new InvalidRecordException("expected a JSON object for the conversation, found " + kind(node));
        }
        List<SourceMessage> messages = new ArrayList<>();
        JsonNode messageNodes = node.get("messages");
        if (messageNodes != null && !messageNodes.isNull()) {
            requireArray(messageNodes, "messages");
            for (int i = 0; i < messageNodes.size(); i++) {
                messages.add(toMessage(messageNodes.get(i), "messages[" + i + "]"));
            }
        }
        return new SourceConversation(
                scalar(node, "id", "id"),
                scalar(node, "subject", "subject"),
                scalar(node, "created_at", "created_at"),
                scalar(node, "status", "status"),
                strings(node.get("tags"), "tags"),
                toContact(node.get("contact")),
                messages);
    }

    /** The record's id as text when it has a usable one, for naming it in a reject. */
    static String idOf(JsonNode node) {
        JsonNode id = node == null ? null : node.get("id");
        return id != null && (id.isString() || id.isNumber()) ? id.asString() : null;
    }

    private static SourceContact toContact(JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        requireObject(node, "contact");
        return new SourceContact(
                scalar(node, "email", "contact.email"),
                scalar(node, "external_id", "contact.external_id"),
                scalar(node, "name", "contact.name"),
                scalar(node, "role", "contact.role"));
    }

    private static SourceMessage toMessage(JsonNode node, String path) {
        requireObject(node, path);
        JsonNode author = node.get("author");
        String authorType = null;
        String authorEmail = null;
        String authorName = null;
        if (author != null && !author.isNull()) {
            requireObject(author, path + ".author");
            authorType = scalar(author, "type", path + ".author.type");
            authorEmail = scalar(author, "email", path + ".author.email");
            authorName = scalar(author, "name", path + ".author.name");
        }
        JsonNode internal = node.get("internal");
        if (internal != null && !internal.isNull() && !internal.isBoolean()) {
            throw new InvalidRecordException("field '" + path + ".internal' must be true or false, not " + kind(internal));
        }
        return new SourceMessage(
                scalar(node, "id", path + ".id"),
                authorType,
                authorEmail,
                authorName,
                scalar(node, "body", path + ".body"),
                scalar(node, "created_at", path + ".created_at"),
                strings(node.get("attachments"), path + ".attachments"),
                internal != null && internal.asBoolean());
    }

    private static String scalar(JsonNode parent, String field, String path) {
        JsonNode value = parent.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (value.isString() || value.isNumber()) {
            return value.asString();
        }
        throw new InvalidRecordException("field '" + path + "' must be a string or a number, not " + kind(value));
    }

    private static List<String> strings(JsonNode node, String path) {
        if (node == null || node.isNull()) {
            return List.of();
        }
        requireArray(node, path);
        List<String> values = new ArrayList<>(node.size());
        for (JsonNode item : node) {
            if (!item.isString()) {
                throw new InvalidRecordException("field '" + path + "' must hold strings, not " + kind(item));
            }
            values.add(item.asString());
        }
        return values;
    }

    private static void requireObject(JsonNode node, String path) {
        if (!node.isObject()) {
            throw new InvalidRecordException("field '" + path + "' must be an object, not " + kind(node));
        }
    }

    private static void requireArray(JsonNode node, String path) {
        if (!node.isArray()) {
            throw new InvalidRecordException("field '" + path + "' must be an array, not " + kind(node));
        }
    }

    private static String kind(JsonNode node) {
        if (node.isObject()) {
            return "an object";
        }
        if (node.isArray()) {
            return "an array";
        }
        if (node.isString()) {
            return "a string";
        }
        if (node.isNumber()) {
            return "a number";
        }
        if (node.isBoolean()) {
            return "a boolean";
        }
        return "null";
    }
}
