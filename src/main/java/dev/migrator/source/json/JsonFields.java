package dev.migrator.source.json;

import dev.migrator.source.InvalidRecordException;
import dev.migrator.source.SourceAttachment;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import tools.jackson.databind.JsonNode;

/**
 * Typed reads of JSON fields for the export mappers: a field of the wrong JSON type is an {@link
 * InvalidRecordException} naming its path, never a silent default.
 */
public final class JsonFields {

    private JsonFields() {}

    /** A string or number field as text; {@code null} when absent or null. */
    public static String text(JsonNode parent, String field, String path) {
        JsonNode value = parent.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (value.isString() || value.isNumber()) {
            return value.asString();
        }
        throw new InvalidRecordException(
                "field '" + path + "' must be a string or a number, not " + kind(value));
    }

    /** A boolean field; {@code absent} when absent or null. */
    public static boolean bool(JsonNode parent, String field, String path, boolean absent) {
        JsonNode value = parent.get(field);
        if (value == null || value.isNull()) {
            return absent;
        }
        if (!value.isBoolean()) {
            throw new InvalidRecordException(
                    "field '" + path + "' must be true or false, not " + kind(value));
        }
        return value.asBoolean();
    }

    /** An object field; {@code null} when absent or null. */
    public static JsonNode object(JsonNode parent, String field, String path) {
        JsonNode value = parent.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        requireObject(value, path);
        return value;
    }

    /** An array field's elements; empty when absent or null. */
    public static List<JsonNode> array(JsonNode parent, String field, String path) {
        JsonNode value = parent.get(field);
        if (value == null || value.isNull()) {
            return List.of();
        }
        if (!value.isArray()) {
            throw new InvalidRecordException(
                    "field '" + path + "' must be an array, not " + kind(value));
        }
        List<JsonNode> items = new ArrayList<>(value.size());
        value.forEach(items::add);
        return items;
    }

    /** An array of strings. */
    public static List<String> strings(JsonNode parent, String field, String path) {
        List<String> values = new ArrayList<>();
        for (JsonNode item : array(parent, field, path)) {
            if (!item.isString()) {
                throw new InvalidRecordException(
                        "field '" + path + "' must hold strings, not " + kind(item));
            }
            values.add(item.asString());
        }
        return values;
    }

    /**
     * Each string of an array, or the string or number {@code field} of each object in it, such as
     * the names of tag objects; objects without {@code field} are skipped.
     */
    public static List<String> textsOf(
            JsonNode parent, String arrayField, String field, String path) {
        List<String> values = new ArrayList<>();
        List<JsonNode> items = array(parent, arrayField, path);
        for (int i = 0; i < items.size(); i++) {
            JsonNode item = items.get(i);
            if (item.isString()) {
                values.add(item.asString());
                continue;
            }
            requireObject(item, path + "[" + i + "]");
            String value = text(item, field, path + "[" + i + "]." + field);
            if (value != null) {
                values.add(value);
            }
        }
        return values;
    }

    /**
     * The files of an array of attachment objects, as the helpdesk names their fields: each one's
     * URL, file name and media type. An object without a URL is no file and is skipped.
     */
    public static List<SourceAttachment> attachments(
            JsonNode parent, String arrayField, AttachmentFields fields, String path) {
        List<SourceAttachment> files = new ArrayList<>();
        List<JsonNode> items = array(parent, arrayField, path);
        for (int i = 0; i < items.size(); i++) {
            String at = path + "[" + i + "]";
            JsonNode item = items.get(i);
            requireObject(item, at);
            String url = text(item, fields.url(), at + "." + fields.url());
            if (url != null) {
                files.add(
                        new SourceAttachment(
                                url,
                                text(item, fields.name(), at + "." + fields.name()),
                                text(item, fields.contentType(), at + "." + fields.contentType())));
            }
        }
        return files;
    }

    /** The names a helpdesk gives an attachment object's URL, file name and media type. */
    public record AttachmentFields(String url, String name, String contentType) {}

    /**
     * A custom field's value as text: a string, number or boolean as written, and the values of an
     * array (a multiselect field's) joined with ", "; {@code null} for a null, absent or blank
     * value or an array with no value in it: the field has no value.
     */
    public static String fieldValue(JsonNode value, String path) {
        if (value == null || value.isNull()) {
            return null;
        }
        if (value.isArray()) {
            List<String> values = new ArrayList<>(value.size());
            for (int i = 0; i < value.size(); i++) {
                String item = scalar(value.get(i), path + "[" + i + "]");
                if (item != null) {
                    values.add(item);
                }
            }
            return values.isEmpty() ? null : String.join(", ", values);
        }
        return scalar(value, path);
    }

    private static String scalar(JsonNode value, String path) {
        if (FieldValues.isScalar(value)) {
            return FieldValues.text(value);
        }
        throw new InvalidRecordException(
                "field '"
                        + path
                        + "' must be a string, a number or true or false, not "
                        + kind(value));
    }

    /**
     * {@code read}'s value, or {@code null} when the value it reads is not what the export should
     * hold: {@code warnings} then says so, after {@code label}, and the record is still read. For
     * what is shown around a thread, which is never worth rejecting the thread for.
     */
    public static <T> T orWarning(Supplier<T> read, String label, List<String> warnings) {
        try {
            return read.get();
        } catch (InvalidRecordException e) {
            warnings.add(label + ": " + e.getMessage() + "; left out");
            return null;
        }
    }

    /** A record is an object: {@code noun} says of what ("ticket"), for the reject. */
    public static void requireRecord(JsonNode node, String noun) {
        if (!node.isObject()) {
            throw new InvalidRecordException(
                    "expected a JSON object for the " + noun + ", found " + kind(node));
        }
    }

    public static void requireObject(JsonNode node, String path) {
        if (!node.isObject()) {
            throw new InvalidRecordException(
                    "field '" + path + "' must be an object, not " + kind(node));
        }
    }

    /** The id of a record as text when it has a usable one. */
    public static String idOf(JsonNode node) {
        JsonNode id = node == null ? null : node.get("id");
        return id != null && (id.isString() || id.isNumber()) ? id.asString() : null;
    }

    public static String kind(JsonNode node) {
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
