package dev.migrator.source;

import dev.migrator.source.SourceConversation.SourceContact;
import dev.migrator.source.SourceConversation.SourceMessage;
import dev.migrator.source.SourceRecord.RecordOrigin;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.apache.commons.io.input.BOMInputStream;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Canonical CSV: one row per message, a conversation's rows contiguous. Consecutive rows with
 * the same {@code conversation_id} are grouped into one record, so a conversation is never
 * split between chunks.
 */
final class CanonicalCsvRecordParser implements RecordParser {

    static final List<String> HEADER = List.of("conversation_id", "conversation_created_at", "subject", "status",
            "tags", "contact_email", "contact_external_id", "contact_name", "contact_role", "message_id",
            "author_type", "author_email", "author_name", "internal", "created_at", "body", "attachments");
    static final List<String> REQUIRED = List.of("conversation_id", "author_type", "created_at", "body");

    private static final CSVFormat FORMAT = CSVFormat.RFC4180.builder()
            .setHeader().setSkipHeaderRecord(true).setIgnoreEmptyLines(true).get();

    private final ExportFile file;
    private final CSVParser parser;
    private final Iterator<CSVRecord> rows;
    private Row pending;
    private boolean broken;

    private record Row(CSVRecord record, long line) {
    }

    private CanonicalCsvRecordParser(ExportFile file, CSVParser parser) {
        this.file = file;
        this.parser = parser;
        this.rows = parser.iterator();
    }

    static RecordParser open(ExportFile file) {
        try {
            Reader reader = new java.io.InputStreamReader(
                    BOMInputStream.builder().setInputStream(Files.newInputStream(file.path())).get(), StandardCharsets.UTF_8);
            CSVParser parser = CSVParser.builder().setReader(reader).setFormat(FORMAT).get();
            List<String> missing = REQUIRED.stream().filter(c -> !parser.getHeaderMap().containsKey(c)).toList();
            if (!missing.isEmpty()) {
                parser.close();
                throw new UnusableInputException(file.displayName() + ": the CSV header lacks the column(s) "
                        + String.join(", ", missing) + " (canonical header: " + String.join(",", HEADER) + ")");
            }
            return new CanonicalCsvRecordParser(file, parser);
        } catch (IOException | UncheckedIOException | IllegalArgumentException e) {
            throw new UnusableInputException(file.displayName() + ": cannot read the CSV header: " + e.getMessage());
        }
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
            String id = value(first.record(), "conversation_id");
            Row row;
            while ((row = nextRow()) != null) {
                if (!id.equals(value(row.record(), "conversation_id"))) {
                    pending = row;
                    break;
                }
                group.add(row);
            }
            return toRecord(group);
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

    private SourceRecord toRecord(List<Row> group) {
        CSVRecord head = group.get(0).record();
        ArrayNode raw = JsonRecordParser.MAPPER.createArrayNode();
        group.forEach(row -> raw.add(rowAsJson(row.record())));
        String id = value(head, "conversation_id");
        RecordOrigin origin = new RecordOrigin(file.displayName(), group.get(0).line(), id.isEmpty() ? null : id, raw);
        for (Row row : group) {
            if (!row.record().isConsistent()) {
                return SourceRecord.unreadable(origin, "line " + row.line() + " has " + row.record().size()
                        + " fields but the header has " + parser.getHeaderNames().size());
            }
        }
        List<SourceMessage> messages = new ArrayList<>(group.size());
        for (Row row : group) {
            CSVRecord r = row.record();
            messages.add(new SourceMessage(
                    value(r, "message_id"),
                    value(r, "author_type"),
                    value(r, "author_email"),
                    value(r, "author_name"),
                    value(r, "body"),
                    value(r, "created_at"),
                    split(value(r, "attachments")),
                    "true".equalsIgnoreCase(value(r, "internal"))));
        }
        SourceContact contact = new SourceContact(value(head, "contact_email"), value(head, "contact_external_id"),
                value(head, "contact_name"), value(head, "contact_role"));
        return SourceRecord.of(origin, new SourceConversation(id, value(head, "subject"),
                value(head, "conversation_created_at"), value(head, "status"), split(value(head, "tags")),
                contact, messages));
    }

    private ObjectNode rowAsJson(CSVRecord record) {
        ObjectNode node = JsonRecordParser.MAPPER.createObjectNode();
        for (Map.Entry<String, String> entry : record.toMap().entrySet()) {
            node.put(entry.getKey(), entry.getValue());
        }
        return node;
    }

    /** A column's value, with empty and absent columns both read as {@code null}. */
    private static String value(CSVRecord record, String column) {
        if (!record.isMapped(column) || !record.isSet(column)) {
            return column.equals("conversation_id") ? "" : null;
        }
        String value = record.get(column);
        return value.isEmpty() && !column.equals("conversation_id") ? null : value;
    }

    private static List<String> split(String joined) {
        if (joined == null || joined.isBlank()) {
            return List.of();
        }
        return Arrays.stream(joined.split("\\|")).map(String::trim).filter(s -> !s.isEmpty()).toList();
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
