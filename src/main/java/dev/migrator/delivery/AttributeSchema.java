package dev.migrator.delivery;

import dev.migrator.intercom.IntercomApi.ConversationAttribute;
import dev.migrator.source.Timestamps;
import java.math.BigDecimal;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The workspace's conversation attributes that {@code mapping.attributes} fills, with their types:
 * turns a value as the export writes it into what Intercom takes for that type. Built by the
 * preflight, which has already refused names the workspace lacks and types the migrator cannot
 * write; a value that does not fit its type is left out of the update and counted, never a reject.
 */
public final class AttributeSchema {

    /** The types of conversation attribute a value from an export can fill. */
    public static final Set<String> WRITABLE_TYPES =
            Set.of("string", "integer", "decimal", "boolean", "datetime", "list");

    public static final AttributeSchema NONE =
            new AttributeSchema(Map.of(), ZoneId.of("UTC"), true);

    private static final Set<String> TRUE = Set.of("true", "yes", "y", "1", "on");
    private static final Set<String> FALSE = Set.of("false", "no", "n", "0", "off");

    private final Map<String, ConversationAttribute> byName;
    private final ZoneId zone;
    private final boolean asText;

    private AttributeSchema(
            Map<String, ConversationAttribute> byName, ZoneId zone, boolean asText) {
        this.byName = byName;
        this.zone = zone;
        this.asText = asText;
    }

    /**
     * The workspace's attributes; {@code zone} reads dates and times written without an offset
     * ({@code migration.timezone}).
     */
    public static AttributeSchema of(List<ConversationAttribute> attributes, ZoneId zone) {
        Map<String, ConversationAttribute> byName = new HashMap<>();
        attributes.forEach(attribute -> byName.put(attribute.name(), attribute));
        return new AttributeSchema(Map.copyOf(byName), zone, false);
    }

    /**
     * A dry run cannot ask Intercom for the attributes' types: its requests show values as text.
     */
    public static AttributeSchema forDryRun() {
        return NONE;
    }

    /** A value converted for its attribute, or why it could not be. */
    public record Conversion(Object value, String problem) {
        public boolean converted() {
            return problem == null;
        }
    }

    /** {@code raw} as attribute {@code name} takes it. */
    public Conversion convert(String name, String raw) {
        if (asText) {
            return new Conversion(raw, null);
        }
        ConversationAttribute attribute = byName.get(name);
        if (attribute == null) {
            return new Conversion(
                    null, "the workspace has no conversation attribute \"" + name + "\"");
        }
        String text = raw.strip();
        Optional<Object> value =
                switch (attribute.dataType()) {
                    case "string" -> Optional.of(raw);
                    case "integer" -> integer(text);
                    case "decimal" -> decimal(text);
                    case "boolean" -> bool(text);
                    case "datetime" -> time(text);
                    case "list" ->
                            attribute.options().stream()
                                    .filter(option -> option.strip().equalsIgnoreCase(text))
                                    .<Object>map(option -> option)
                                    .findFirst();
                    default -> Optional.empty();
                };
        return value.map(converted -> new Conversion(converted, null))
                .orElseGet(
                        () ->
                                new Conversion(
                                        null,
                                        "\""
                                                + raw
                                                + "\" is not "
                                                + expected(attribute)
                                                + " for attribute \""
                                                + name
                                                + "\""));
    }

    private static String expected(ConversationAttribute attribute) {
        return switch (attribute.dataType()) {
            case "integer" -> "a whole number";
            case "decimal" -> "a number";
            case "boolean" -> "true or false";
            case "datetime" -> "a date or time";
            case "list" -> "one of its options (" + String.join(", ", attribute.options()) + ")";
            default -> "of type " + attribute.dataType();
        };
    }

    private static Optional<Object> integer(String text) {
        try {
            return Optional.of(new BigDecimal(text).longValueExact());
        } catch (NumberFormatException | ArithmeticException e) {
            return Optional.empty();
        }
    }

    private static Optional<Object> decimal(String text) {
        try {
            return Optional.of(new BigDecimal(text).doubleValue());
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    private static Optional<Object> bool(String text) {
        String lower = text.toLowerCase(Locale.ROOT);
        if (TRUE.contains(lower)) {
            return Optional.of(Boolean.TRUE);
        }
        return FALSE.contains(lower) ? Optional.of(Boolean.FALSE) : Optional.empty();
    }

    private Optional<Object> time(String text) {
        try {
            return Optional.of(Timestamps.toEpochSecond(text, zone));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
