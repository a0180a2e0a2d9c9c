package dev.migrator.source.csv;

import dev.migrator.support.Keywords;
import java.nio.charset.Charset;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.commons.csv.CSVRecord;

/**
 * How a CSV export's columns and values map to the canonical fields: the identity for the canonical
 * CSV, the {@code mapping} section of the configuration for any other helpdesk's CSV.
 *
 * @param columns canonical field name to the header name that holds it
 * @param datePattern the pattern of {@code dateFormat}, for messages; {@code null} when times are
 *     ISO-8601 or epoch
 * @param timezone the zone of times without an offset, always set with a {@code dateFormat}; {@code
 *     null} leaves them to the planner and {@code migration.timezone}
 * @param contactAuthors values of {@code author_type} that mean the contact (lower case)
 * @param agentAuthors values of {@code author_type} that mean an agent (lower case)
 * @param internalValues values of {@code internal} that mean a note (lower case)
 * @param closedStatuses values of {@code status} that mean closed (lower case)
 */
public record CsvLayout(
        Map<String, String> columns,
        char delimiter,
        Charset encoding,
        DateTimeFormatter dateFormat,
        String datePattern,
        ZoneId timezone,
        Set<String> contactAuthors,
        Set<String> agentAuthors,
        Set<String> internalValues,
        Set<String> closedStatuses,
        boolean canonical) {

    /** The canonical CSV's header, in order. */
    public static final List<String> FIELDS =
            List.of(
                    "conversation_id",
                    "conversation_created_at",
                    "subject",
                    "status",
                    "tags",
                    "contact_email",
                    "contact_external_id",
                    "contact_name",
                    "contact_role",
                    "company_id",
                    "company_name",
                    "assignee_email",
                    "team",
                    "message_id",
                    "author_type",
                    "author_email",
                    "author_name",
                    "internal",
                    "created_at",
                    "body",
                    "attachments");

    /** The fields without which no row can be read. */
    public static final List<String> REQUIRED =
            List.of("conversation_id", "author_type", "created_at", "body");

    public CsvLayout {
        columns = Map.copyOf(columns);
        contactAuthors = lowerCase(contactAuthors);
        agentAuthors = lowerCase(agentAuthors);
        internalValues = lowerCase(internalValues);
        closedStatuses = lowerCase(closedStatuses);
    }

    /**
     * The header name mapped to a canonical field, or {@code null} when the layout does not map it.
     */
    public String column(String field) {
        return columns.get(field);
    }

    /**
     * Whether a header names a column the layout maps to a canonical field. Every other column is a
     * field of its own, keyed by its header ({@code mapping.attributes} names it so).
     */
    boolean maps(String header) {
        return columns.containsValue(header);
    }

    /**
     * A field as the user knows it: the mapped column's header, and the canonical field it holds.
     */
    String describe(String field) {
        return canonical ? field : "column '" + column(field) + "' (" + field + ")";
    }

    /**
     * A row's value of a field, with empty, absent and unmapped columns all read as {@code null}.
     */
    String valueOf(CSVRecord row, String field) {
        String column = column(field);
        if (column == null || !row.isMapped(column) || !row.isSet(column)) {
            return null;
        }
        String value = row.get(column);
        return value.isEmpty() ? null : value;
    }

    /** The conversation a row belongs to; empty when it names none. */
    String conversationIdOf(CSVRecord row) {
        String value = valueOf(row, "conversation_id");
        return value == null ? "" : value.trim();
    }

    private static Set<String> lowerCase(Set<String> values) {
        return values.stream().map(Keywords::normalize).collect(Collectors.toUnmodifiableSet());
    }
}
