package dev.migrator.source;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * How a CSV export's columns and values map to the canonical fields: the identity for the
 * canonical CSV, the {@code mapping} section of the configuration for any other helpdesk's CSV.
 *
 * @param columns        canonical field name to the header name that holds it
 * @param datePattern    the pattern of {@code dateFormat}, for messages; {@code null} when times are ISO-8601 or epoch
 * @param timezone       the zone of times without an offset, always set with a {@code dateFormat};
 *                       {@code null} leaves them to the planner and {@code migration.timezone}
 * @param contactAuthors values of {@code author_type} that mean the contact (lower case)
 * @param agentAuthors   values of {@code author_type} that mean an agent (lower case)
 * @param internalValues values of {@code internal} that mean a note (lower case)
 * @param closedStatuses values of {@code status} that mean closed (lower case)
 */
public record CsvLayout(Map<String, String> columns, char delimiter, Charset encoding, DateTimeFormatter dateFormat,
                        String datePattern, ZoneId timezone, Set<String> contactAuthors, Set<String> agentAuthors,
                        Set<String> internalValues, Set<String> closedStatuses, boolean canonical) {

    /** The canonical CSV's header, in order. */
    public static final List<String> FIELDS = List.of("conversation_id", "conversation_created_at", "subject", "status",
            "tags", "contact_email", "contact_external_id", "contact_name", "contact_role", "message_id",
            "author_type", "author_email", "author_name", "internal", "created_at", "body", "attachments");
    /** The fields without which no row can be read. */
    public static final List<String> REQUIRED = List.of("conversation_id", "author_type", "created_at", "body");

    public static final CsvLayout CANONICAL = new CsvLayout(
            FIELDS.stream().collect(Collectors.toMap(Function.identity(), Function.identity(), (a, b) -> a, LinkedHashMap::new)),
            ',', StandardCharsets.UTF_8, null, null, null, Set.of("contact"), Set.of("agent"), Set.of("true"),
            Set.of("closed", "solved"), true);

    public CsvLayout {
        columns = Map.copyOf(columns);
        contactAuthors = lowerCase(contactAuthors);
        agentAuthors = lowerCase(agentAuthors);
        internalValues = lowerCase(internalValues);
        closedStatuses = lowerCase(closedStatuses);
    }

    /** The header name mapped to a canonical field, or {@code null} when the layout does not map it. */
    String column(String field) {
        return columns.get(field);
    }

    private static Set<String> lowerCase(Set<String> values) {
        return values.stream().map(v -> v.trim().toLowerCase(Locale.ROOT)).collect(Collectors.toUnmodifiableSet());
    }
}
