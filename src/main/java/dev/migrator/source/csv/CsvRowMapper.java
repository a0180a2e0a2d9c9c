package dev.migrator.source.csv;

import dev.migrator.source.InvalidRecordException;
import dev.migrator.source.SourceAttachment;
import dev.migrator.source.SourceConversation;
import dev.migrator.source.SourceConversation.Details;
import dev.migrator.source.SourceConversation.SourceCompany;
import dev.migrator.source.SourceConversation.SourceContact;
import dev.migrator.source.SourceConversation.SourceMessage;
import dev.migrator.source.SourceRecord;
import dev.migrator.source.SourceRecord.RecordOrigin;
import dev.migrator.source.Timestamps;
import dev.migrator.source.csv.CsvRows.Row;
import dev.migrator.support.Keywords;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.temporal.TemporalAccessor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.apache.commons.csv.CSVRecord;
import org.apache.commons.lang3.StringUtils;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Reads the rows of one conversation of a CSV export, through the layout's columns and values, as a
 * record.
 */
final class CsvRowMapper {

    private static final Pattern LIST_SEPARATOR = Pattern.compile("\\|");

    private final CsvFile file;
    private final CsvLayout layout;
    private final List<String> headerNames;
    private final ScatteredConversations scattered;

    /** The columns the layout does not map, by position: each is a field keyed by its header. */
    private final Map<Integer, String> fieldColumns;

    CsvRowMapper(
            CsvFile file,
            CsvLayout layout,
            List<String> headerNames,
            ScatteredConversations scattered) {
        this.file = file;
        this.layout = layout;
        this.headerNames = headerNames;
        this.scattered = scattered;
        Map<Integer, String> unmapped = new LinkedHashMap<>();
        for (int i = 0; i < headerNames.size(); i++) {
            String header = headerNames.get(i);
            if (StringUtils.isNotBlank(header) && !layout.maps(header)) {
                unmapped.put(i, header);
            }
        }
        this.fieldColumns = Collections.unmodifiableMap(unmapped);
    }

    /** The conversation {@code id} whose rows are {@code group}, or why it cannot be read. */
    SourceRecord toRecord(List<Row> group, String id) {
        ArrayNode raw = JsonNodeFactory.instance.arrayNode();
        group.forEach(row -> raw.add(rowAsJson(row.record())));
        long line = group.get(0).line();
        RecordOrigin origin =
                new RecordOrigin(file.displayName(), line, id.isEmpty() ? null : id, raw);
        for (Row row : group) {
            if (row.record().size() != headerNames.size()) {
                return SourceRecord.unreadable(
                        origin,
                        "line "
                                + row.line()
                                + " has "
                                + row.record().size()
                                + " fields but the header has "
                                + headerNames.size());
            }
        }
        String scatteredProblem = scattered.problem(id);
        if (scatteredProblem != null) {
            return SourceRecord.unreadable(origin, scatteredProblem);
        }
        try {
            List<SourceMessage> messages = new ArrayList<>(group.size());
            for (Row row : group) {
                CSVRecord r = row.record();
                messages.add(
                        new SourceMessage(
                                value(r, "message_id"),
                                authorType(value(r, "author_type"), row.line()),
                                value(r, "author_email"),
                                value(r, "author_name"),
                                value(r, "body"),
                                timestamp(r, "created_at", row.line()),
                                split(value(r, "attachments")).stream()
                                        .map(SourceAttachment::ofUrl)
                                        .toList(),
                                Keywords.isIn(value(r, "internal"), layout.internalValues()),
                                value(r, "created_at")));
            }
            CSVRecord head = group.get(0).record();
            SourceContact contact =
                    new SourceContact(
                            value(head, "contact_email"),
                            value(head, "contact_external_id"),
                            value(head, "contact_name"),
                            value(head, "contact_role"));
            return SourceRecord.of(
                    origin,
                    new SourceConversation(
                                    id,
                                    value(head, "subject"),
                                    conversationTime(head, line),
                                    status(value(head, "status")),
                                    split(value(head, "tags")),
                                    contact,
                                    messages)
                            .withDetails(details(head)));
        } catch (InvalidRecordException e) {
            return SourceRecord.unreadable(origin, e.getMessage());
        }
    }

    /**
     * What the conversation's first row says around the thread, as its other conversation-level
     * columns are read. A company named without an id is known by its name.
     */
    private Details details(CSVRecord head) {
        String companyId = value(head, "company_id");
        String companyName = value(head, "company_name");
        SourceCompany company =
                companyId == null && companyName == null
                        ? null
                        : new SourceCompany(
                                companyId != null ? companyId : companyName, companyName);
        Map<String, String> fields = new LinkedHashMap<>();
        fieldColumns.forEach(
                (index, header) -> {
                    String value = head.get(index);
                    if (StringUtils.isNotBlank(value)) {
                        fields.putIfAbsent(header, value);
                    }
                });
        return new Details(value(head, "assignee_email"), value(head, "team"), fields, company);
    }

    /**
     * The canonical values pass on as written; a mapping's lists are the whole truth for its CSV.
     */
    private String authorType(String value, long line) {
        if (value == null) {
            return null;
        }
        if (Keywords.isIn(value, layout.contactAuthors())) {
            return "contact";
        }
        if (Keywords.isIn(value, layout.agentAuthors())) {
            return "agent";
        }
        if (layout.canonical()) {
            return value;
        }
        throw new InvalidRecordException(
                "line "
                        + line
                        + ": "
                        + layout.describe("author_type")
                        + " '"
                        + value
                        + "' is in neither mapping.contact-authors "
                        + sortedList(layout.contactAuthors())
                        + " nor mapping.agent-authors "
                        + sortedList(layout.agentAuthors()));
    }

    /**
     * Closed when the layout says so; for a mapping, any other value is open, so that a status the
     * planner would read as closed ("solved") does not close a conversation the mapping keeps open.
     */
    private String status(String value) {
        if (Keywords.isIn(value, layout.closedStatuses())) {
            return "closed";
        }
        return layout.canonical() || value == null ? value : "open";
    }

    /**
     * The conversation-level time is not used (Intercom's is the first message's): one that does
     * not read is kept as written.
     */
    private String conversationTime(CSVRecord record, long line) {
        try {
            return timestamp(record, "conversation_created_at", line);
        } catch (InvalidRecordException e) {
            return value(record, "conversation_created_at");
        }
    }

    /**
     * A time column, read with the mapping's date format or zone when it has them, else left to the
     * planner.
     */
    private String timestamp(CSVRecord record, String field, long line) {
        String value = value(record, field);
        if (StringUtils.isBlank(value)
                || (layout.dateFormat() == null && layout.timezone() == null)) {
            return value;
        }
        try {
            if (layout.dateFormat() == null) {
                return Long.toString(Timestamps.toEpochSecond(value, layout.timezone()));
            }
            TemporalAccessor parsed =
                    layout.dateFormat()
                            .parseBest(
                                    value.trim(),
                                    ZonedDateTime::from,
                                    OffsetDateTime::from,
                                    LocalDateTime::from,
                                    LocalDate::from);
            ZoneId zone = layout.timezone();
            Instant instant;
            if (parsed instanceof ZonedDateTime zoned) {
                instant = zoned.toInstant();
            } else if (parsed instanceof OffsetDateTime offset) {
                instant = offset.toInstant();
            } else if (parsed instanceof LocalDateTime local) {
                // A time in a daylight-saving gap moves forward by the gap; a repeated one is its
                // first occurrence.
                instant = local.atZone(zone).toInstant();
            } else {
                instant = ((LocalDate) parsed).atStartOfDay(zone).toInstant();
            }
            return Long.toString(instant.getEpochSecond());
        } catch (DateTimeException | IllegalArgumentException e) {
            throw new InvalidRecordException(
                    "line "
                            + line
                            + ": "
                            + layout.describe(field)
                            + " '"
                            + value
                            + "' does not match "
                            + (layout.datePattern() != null
                                    ? "mapping.date-format '" + layout.datePattern() + "'"
                                    : "ISO-8601 or epoch seconds/milliseconds (set"
                                            + " mapping.date-format for other notations)"));
        }
    }

    private ObjectNode rowAsJson(CSVRecord record) {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        for (int i = 0; i < record.size(); i++) {
            node.put(
                    i < headerNames.size() && !headerNames.get(i).isEmpty()
                            ? headerNames.get(i)
                            : "column " + (i + 1),
                    record.get(i));
        }
        return node;
    }

    private String value(CSVRecord record, String field) {
        return layout.valueOf(record, field);
    }

    private static String sortedList(Set<String> values) {
        return values.stream().sorted().toList().toString();
    }

    private static List<String> split(String joined) {
        if (StringUtils.isBlank(joined)) {
            return List.of();
        }
        return Arrays.stream(LIST_SEPARATOR.split(joined))
                .map(String::trim)
                .filter(s -> !s.isEmpty())
                .toList();
    }
}
