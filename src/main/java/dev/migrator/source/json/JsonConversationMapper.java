package dev.migrator.source.json;

import static dev.migrator.source.json.JsonFields.array;
import static dev.migrator.source.json.JsonFields.bool;
import static dev.migrator.source.json.JsonFields.object;
import static dev.migrator.source.json.JsonFields.strings;
import static dev.migrator.source.json.JsonFields.text;

import dev.migrator.source.InvalidRecordException;
import dev.migrator.source.SourceAttachment;
import dev.migrator.source.SourceConversation;
import dev.migrator.source.SourceConversation.Details;
import dev.migrator.source.SourceConversation.SourceCompany;
import dev.migrator.source.SourceConversation.SourceContact;
import dev.migrator.source.SourceConversation.SourceMessage;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.lang3.StringUtils;
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
                        messages)
                .withDetails(
                        new Details(
                                given(text(node, "assignee_email", "assignee_email")),
                                given(text(node, "team", "team")),
                                attributes(object(node, "attributes", "attributes")),
                                company(node.path("contact"))));
    }

    /**
     * The {@code attributes} object: each value a string, a number or a boolean, kept as text; a
     * null is left out. An object or an array is refused naming it: which part of it an attribute
     * should get cannot be told.
     */
    private static Map<String, String> attributes(JsonNode node) {
        Map<String, String> fields = new LinkedHashMap<>();
        if (node == null) {
            return fields;
        }
        for (Map.Entry<String, JsonNode> field : node.properties()) {
            if (!FieldValues.isScalar(field.getValue())) {
                throw new InvalidRecordException(
                        "field 'attributes."
                                + field.getKey()
                                + "' must be a string, a number or a boolean, not "
                                + JsonFields.kind(field.getValue()));
            }
            String value = FieldValues.text(field.getValue());
            if (value != null) {
                fields.put(field.getKey(), value);
            }
        }
        return fields;
    }

    /**
     * {@code contact.company}: {@code {"id": "...", "name": "..."}} with the id required, or a
     * string, which is then both the id and the name.
     */
    private static SourceCompany company(JsonNode contact) {
        if (!contact.isObject()) {
            return null;
        }
        JsonNode company = contact.get("company");
        if (company == null || company.isNull()) {
            return null;
        }
        if (company.isString() || company.isNumber()) {
            String name = given(company.asString());
            return name == null ? null : new SourceCompany(name, name);
        }
        if (!company.isObject()) {
            throw new InvalidRecordException(
                    "field 'contact.company' must be an object or a string, not "
                            + JsonFields.kind(company));
        }
        String id = given(text(company, "id", "contact.company.id"));
        if (id == null) {
            throw new InvalidRecordException(
                    "field 'contact.company' has no id: give the company's id (its name is"
                            + " optional), or the company as a string");
        }
        return new SourceCompany(id, given(text(company, "name", "contact.company.name")));
    }

    /** A value, or {@code null} when it is blank. */
    private static String given(String value) {
        return StringUtils.isBlank(value) ? null : value;
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
                attachments(node, path + ".attachments"),
                bool(node, "internal", path + ".internal", false));
    }

    /**
     * {@code attachments}: each one a URL, or an object {@code {"url", "name", "content_type"}}
     * with the URL required.
     */
    private static List<SourceAttachment> attachments(JsonNode message, String path) {
        List<SourceAttachment> attachments = new ArrayList<>();
        List<JsonNode> items = array(message, "attachments", path);
        for (int i = 0; i < items.size(); i++) {
            String at = path + "[" + i + "]";
            JsonNode item = items.get(i);
            if (item.isString()) {
                attachments.add(SourceAttachment.ofUrl(item.asString()));
                continue;
            }
            if (!item.isObject()) {
                throw new InvalidRecordException(
                        "field '"
                                + at
                                + "' must be a URL string or an object, not "
                                + JsonFields.kind(item));
            }
            String url = text(item, "url", at + ".url");
            if (StringUtils.isBlank(url)) {
                throw new InvalidRecordException("field '" + at + "' has no url");
            }
            attachments.add(
                    new SourceAttachment(
                            url,
                            text(item, "name", at + ".name"),
                            text(item, "content_type", at + ".content_type")));
        }
        return attachments;
    }
}
