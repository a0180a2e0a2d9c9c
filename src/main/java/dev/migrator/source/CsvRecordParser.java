package dev.migrator.source;

import dev.migrator.mapping.Timestamps;
import dev.migrator.source.SourceConversation.SourceContact;
import dev.migrator.source.SourceConversation.SourceMessage;
import dev.migrator.source.SourceRecord.RecordOrigin;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
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
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.apache.commons.io.input.BOMInputStream;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A CSV export, one row per message, read through a {@link CsvLayout}. Consecutive rows with
 * the same conversation id are grouped into one record, so a conversation is never split
 * between chunks; a conversation whose rows are not contiguous is rejected rather than half-sent.
 */
final class CsvRecordParser implements RecordParser {

    private static final Pattern LIST_SEPARATOR = Pattern.compile("\\|");

    private final ExportFile file;
    private final CsvLayout layout;
    private final CSVParser parser;
    private final Iterator<CSVRecord> rows;
    private final Set<String> finishedIds = new HashSet<>();
    private Row pending;
    private boolean broken;

    private record Row(CSVRecord record, long line) {
    }

    private CsvRecordParser(ExportFile file, CsvLayout layout, CSVParser parser) {
        this.file = file;
        this.layout = layout;
        this.parser = parser;
        this.rows = parser.iterator();
    }

    static RecordParser open(ExportFile file, CsvLayout layout) {
        CSVFormat format = CSVFormat.RFC4180.builder().setDelimiter(layout.delimiter())
                .setHeader().setSkipHeaderRecord(true).setIgnoreEmptyLines(true).get();
        try {
            Reader reader = new InputStreamReader(
                    BOMInputStream.builder().setInputStream(Files.newInputStream(file.path())).get(), layout.encoding());
            CSVParser parser = CSVParser.builder().setReader(reader).setFormat(format).get();
            List<String> missing = CsvLayout.REQUIRED.stream()
                    .filter(field -> !parser.getHeaderMap().containsKey(layout.column(field))).toList();
            if (!missing.isEmpty()) {
                parser.close();
                throw new UnusableInputException(file.displayName() + ": " + missingColumns(layout, missing));
            }
            return new CsvRecordParser(file, layout, parser);
        } catch (IOException | UncheckedIOException | IllegalArgumentException e) {
            throw new UnusableInputException(file.displayName() + ": cannot read the CSV header: " + e.getMessage());
        }
    }

    private static String missingColumns(CsvLayout layout, List<String> fields) {
        if (layout.canonical()) {
            return "the CSV header lacks the column(s) " + String.join(", ", fields)
                    + " (canonical header: " + String.join(",", CsvLayout.FIELDS) + ")";
        }
        return "the CSV header lacks the column(s) " + String.join(", ", fields.stream()
                .map(f -> "'" + layout.column(f) + "' (mapped to " + f + ")").toList())
                + "; check mapping.columns and mapping.delimiter in the configuration";
    }

    @Override
    public SourceRecord next() {
        if (broken) {
            return null;
        }
        try {
            Row first = pending != null ? pending : nextRow();
            pending = null;
            if (first == null) {
                return null;
            }
            List<Row> group = new ArrayList<>();
            group.add(first);
            String id = conversationId(first.record());
            Row row;
            while ((row = nextRow()) != null) {
                if (!id.equals(conversationId(row.record()))) {
                    pending = row;
                    break;
                }
                group.add(row);
            }
            return toRecord(group, id);
        } catch (UncheckedIOException | IllegalStateException e) {
            // Commons CSV cannot resynchronise after a malformed field (an unbalanced quote, say).
            broken = true;
            RecordOrigin origin = new RecordOrigin(file.displayName(), parser.getCurrentLineNumber(), null, null);
            return SourceRecord.unreadable(origin, "malformed CSV (" + rootMessage(e) + "); the rest of the file cannot be read");
        }
    }

    private Row nextRow() {
        long lineBefore = parser.getCurrentLineNumber();
        if (!rows.hasNext()) {
            return null;
        }
        CSVRecord record = rows.next();
        return new Row(record, lineBefore + 1);
    }

    private SourceRecord toRecord(List<Row> group, String id) {
        ArrayNode raw = JsonValues.MAPPER.createArrayNode();
        group.forEach(row -> raw.add(rowAsJson(row.record())));
        long line = group.get(0).line();
        RecordOrigin origin = new RecordOrigin(file.displayName(), line, id.isEmpty() ? null : id, raw);
        for (Row row : group) {
            if (!row.record().isConsistent()) {
                return SourceRecord.unreadable(origin, "line " + row.line() + " has " + row.record().size()
                        + " fields but the header has " + parser.getHeaderNames().size());
            }
        }
        if (!id.isEmpty() && !finishedIds.add(id)) {
            return SourceRecord.unreadable(origin, "the rows of conversation " + id + " are not contiguous: more of them "
                    + "appear earlier in the file; sort the file by its conversation id column and run it again");
        }
        try {
            List<SourceMessage> messages = new ArrayList<>(group.size());
            for (Row row : group) {
                CSVRecord r = row.record();
                messages.add(new SourceMessage(
                        value(r, "message_id"),
                        authorType(value(r, "author_type")),
                        value(r, "author_email"),
                        value(r, "author_name"),
                        value(r, "body"),
                        timestamp(r, "created_at", row.line()),
                        split(value(r, "attachments")),
                        isIn(value(r, "internal"), layout.internalValues())));
            }
            CSVRecord head = group.get(0).record();
            SourceContact contact = new SourceContact(value(head, "contact_email"), value(head, "contact_external_id"),
                    value(head, "contact_name"), value(head, "contact_role"));
            String status = value(head, "status");
            return SourceRecord.of(origin, new SourceConversation(id, value(head, "subject"),
                    timestamp(head, "conversation_created_at", line),
                    isIn(status, layout.closedStatuses()) ? "closed" : status, split(value(head, "tags")),
                    contact, messages));
        } catch (InvalidRecordException e) {
            return SourceRecord.unreadable(origin, e.getMessage());
        }
    }

    private String authorType(String value) {
        if (isIn(value, layout.contactAuthors())) {
            return "contact";
        }
        return isIn(value, layout.agentAuthors()) ? "agent" : value;
    }

    /** A time column, read with the mapping's date format or zone when it has them, else left to the planner. */
    private String timestamp(CSVRecord record, String field, long line) {
        String value = value(record, field);
        if (value == null || (layout.dateFormat() == null && layout.timezone() == null)) {
            return value;
        }
        try {
            if (layout.dateFormat() == null) {
                return Long.toString(Timestamps.toEpochSecond(value, layout.timezone()));
            }
            TemporalAccessor parsed = layout.dateFormat().parseBest(value.trim(), ZonedDateTime::from,
                    OffsetDateTime::from, LocalDateTime::from, LocalDate::from);
            ZoneId zone = layout.timezone();
            Instant instant;
            if (parsed instanceof ZonedDateTime zoned) {
                instant = zoned.toInstant();
            } else if (parsed instanceof OffsetDateTime offset) {
                instant = offset.toInstant();
            } else if (parsed instanceof LocalDateTime local) {
                instant = local.atZone(zone).toInstant();
            } else {
                instant = ((LocalDate) parsed).atStartOfDay(zone).toInstant();
            }
            return Long.toString(instant.getEpochSecond());
        } catch (DateTimeException | IllegalArgumentException e) {
            throw new InvalidRecordException("line " + line + ": " + field + " '" + value + "' does not match "
                    + (layout.datePattern() != null ? "mapping.date-format '" + layout.datePattern() + "'" : "ISO-8601 or epoch seconds"));
        }
    }

    private String conversationId(CSVRecord record) {
        String value = value(record, "conversation_id");
        return value == null ? "" : value.trim();
    }

    private ObjectNode rowAsJson(CSVRecord record) {
        ObjectNode node = JsonValues.MAPPER.createObjectNode();
        for (Map.Entry<String, String> entry : record.toMap().entrySet()) {
            node.put(entry.getKey(), entry.getValue());
        }
        return node;
    }

    /** A mapped column's value, with empty, absent and unmapped columns all read as {@code null}. */
    private String value(CSVRecord record, String field) {
        String column = layout.column(field);
        if (column == null || !record.isMapped(column) || !record.isSet(column)) {
            return null;
        }
        String value = record.get(column);
        return value.isEmpty() ? null : value;
    }

    private static boolean isIn(String value, Set<String> values) {
        return value != null && values.contains(value.trim().toLowerCase(Locale.ROOT));
    }

    private static List<String> split(String joined) {
        if (joined == null || joined.isBlank()) {
            return List.of();
        }
        return Arrays.stream(LIST_SEPARATOR.split(joined)).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }

    private static String rootMessage(Throwable e) {
        Throwable cause = e;
        while (cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause.getMessage();
    }

    @Override
    public void close() throws IOException {
        parser.close();
    }
}
