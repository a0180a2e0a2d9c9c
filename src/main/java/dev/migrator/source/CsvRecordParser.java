package dev.migrator.source;

import dev.migrator.source.SourceConversation.SourceContact;
import dev.migrator.source.SourceConversation.SourceMessage;
import dev.migrator.source.SourceRecord.RecordOrigin;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PushbackReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
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
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.apache.commons.io.input.BOMInputStream;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A CSV export, one row per message, read through a {@link CsvLayout}. Consecutive rows with
 * the same conversation id are grouped into one record, so a conversation is never split
 * between chunks. A conversation whose rows are not contiguous is rejected, every group of it,
 * rather than half-sent: a first pass over the file, when it is opened, finds such conversations.
 *
 * <p>The file is decoded strictly in the layout's encoding: a byte that is not text in it stops
 * the run before anything is sent (the preflight reads every record), naming the line, rather
 * than putting replacement characters in customers' names.
 */
final class CsvRecordParser implements RecordParser {

    private static final Pattern LIST_SEPARATOR = Pattern.compile("\\|");
    private static final int HEADER_NAMES_SHOWN = 20;

    private final ExportFile file;
    private final CsvLayout layout;
    private final CSVParser parser;
    private final Iterator<CSVRecord> rows;
    private final long skippedLines;
    /** Conversation ids whose rows are in more than one place, with the line each group of rows starts on. */
    private final Map<String, List<Long>> scattered;
    private Row pending;
    private boolean broken;
    /** The line the row being read starts on, for a malformed row's reject. */
    private long rowStartLine;
    /** A malformed row's reject, returned after the conversation read before it. */
    private SourceRecord malformed;

    private record Row(CSVRecord record, long line) {
    }

    private record Opened(CSVParser parser, long skippedLines) {
    }

    private CsvRecordParser(ExportFile file, CsvLayout layout, Opened opened, Map<String, List<Long>> scattered) {
        this.file = file;
        this.layout = layout;
        this.parser = opened.parser();
        this.skippedLines = opened.skippedLines();
        this.rows = parser.iterator();
        this.scattered = scattered;
    }

    static RecordParser open(ExportFile file, CsvLayout layout) {
        Opened opened = openChecked(file, layout);
        return new CsvRecordParser(file, layout, opened, scatteredConversations(file, layout));
    }

    /** A parser positioned after the header, once the header is known to hold every required column. */
    private static Opened openChecked(ExportFile file, CsvLayout layout) {
        Opened opened = openParser(file, layout);
        Map<String, Integer> header = opened.parser().getHeaderMap();
        if (header == null || header.isEmpty()) {
            closeQuietly(opened.parser());
            throw new UnusableInputException(file.displayName() + ": the file is empty: a CSV export starts with its header row");
        }
        List<String> missing = CsvLayout.REQUIRED.stream().filter(field -> !header.containsKey(layout.column(field))).toList();
        if (!missing.isEmpty()) {
            closeQuietly(opened.parser());
            throw new UnusableInputException(file.displayName() + ": " + missingColumns(layout, missing,
                    opened.parser().getHeaderNames()));
        }
        List<String> names = opened.parser().getHeaderNames();
        for (String field : CsvLayout.FIELDS) {
            String column = layout.column(field);
            if (column != null && names.indexOf(column) != names.lastIndexOf(column)) {
                closeQuietly(opened.parser());
                throw new UnusableInputException(file.displayName() + ": the CSV header has more than one column named '"
                        + column + "' (mapped to " + field + "): rename them so that the one to read is unique");
            }
        }
        return opened;
    }

    private static Opened openParser(ExportFile file, CsvLayout layout) {
        CSVFormat format = CSVFormat.RFC4180.builder().setDelimiter(layout.delimiter())
                .setHeader().setSkipHeaderRecord(true)
                // Blank lines come through as records (and are skipped here) so that line numbers stay true.
                .setIgnoreEmptyLines(false)
                // A trailing delimiter after the last header is common in spreadsheet exports.
                .setAllowMissingColumnNames(true)
                .get();
        PushbackReader reader = null;
        try {
            reader = new PushbackReader(reader(file, layout), 1);
            long skipped = skipLeadingBlankLines(reader);
            return new Opened(CSVParser.builder().setReader(reader).setFormat(format).get(), skipped);
        } catch (IOException | UncheckedIOException | IllegalArgumentException | IllegalStateException e) {
            closeQuietly(reader);
            if (isDecodingFailure(e)) {
                throw notInEncoding(file, layout);
            }
            throw new UnusableInputException(file.displayName() + ": cannot read the CSV header: " + rootMessage(e));
        }
    }

    private static Reader reader(ExportFile file, CsvLayout layout) throws IOException {
        CharsetDecoder decoder = layout.encoding().newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        return new InputStreamReader(bomless(file), decoder);
    }

    private static InputStream bomless(ExportFile file) throws IOException {
        return BOMInputStream.builder().setInputStream(Files.newInputStream(file.path())).get();
    }

    private static long skipLeadingBlankLines(PushbackReader reader) throws IOException {
        long lines = 0;
        int c;
        while ((c = reader.read()) == '\n' || c == '\r') {
            if (c == '\n') {
                lines++;
            } else {
                int next = reader.read();
                lines++;
                if (next != '\n' && next >= 0) {
                    reader.unread(next);
                }
            }
        }
        if (c >= 0) {
            reader.unread(c);
        }
        return lines;
    }

    private static String missingColumns(CsvLayout layout, List<String> fields, List<String> headerNames) {
        if (layout.canonical()) {
            return "the CSV header lacks the column(s) " + String.join(", ", fields)
                    + " (canonical header: " + String.join(",", CsvLayout.FIELDS) + ")";
        }
        String found = headerNames.stream().limit(HEADER_NAMES_SHOWN).map(h -> "'" + h + "'")
                .collect(Collectors.joining(", ")) + (headerNames.size() > HEADER_NAMES_SHOWN ? ", …" : "");
        String hint = "check mapping.columns and mapping.delimiter in the configuration";
        if (headerNames.size() == 1) {
            for (char c : new char[] {';', '\t', ',', '|'}) {
                if (c != layout.delimiter() && headerNames.get(0).indexOf(c) >= 0) {
                    hint = "the header looks " + (c == '\t' ? "tab" : "'" + c + "'") + "-separated: set mapping.delimiter to "
                            + (c == '\t' ? "\"\\t\"" : "\"" + c + "\"");
                    break;
                }
            }
        }
        return "the CSV header lacks the column(s) " + String.join(", ", fields.stream()
                .map(f -> "'" + layout.column(f) + "' (mapped to " + f + ")").toList())
                + "; its columns are " + found + "; " + hint;
    }

    /**
     * A first pass: the conversation ids that appear in more than one run of consecutive rows, with
     * the line each run starts on. Memory grows with the number of distinct ids (not with the rows).
     * A file that cannot be read to its end is left to the main pass to report.
     */
    private static Map<String, List<Long>> scatteredConversations(ExportFile file, CsvLayout layout) {
        Map<String, Long> firstLine = new HashMap<>();
        Map<String, List<Long>> scattered = new HashMap<>();
        Opened opened;
        try {
            opened = openParser(file, layout);
        } catch (UnusableInputException e) {
            return Map.of();
        }
        try (CSVParser parser = opened.parser()) {
            Iterator<CSVRecord> records = parser.iterator();
            String current = null;
            while (true) {
                long lineBefore = parser.getCurrentLineNumber();
                if (!records.hasNext()) {
                    break;
                }
                CSVRecord record = records.next();
                if (isBlank(record)) {
                    continue;
                }
                String id = conversationId(record, layout);
                if (id.equals(current)) {
                    continue;
                }
                current = id;
                long line = opened.skippedLines() + lineBefore + 1;
                if (id.isEmpty()) {
                    continue;
                }
                Long first = firstLine.putIfAbsent(id, line);
                if (first != null) {
                    scattered.computeIfAbsent(id, k -> new ArrayList<>(List.of(first))).add(line);
                }
            }
        } catch (IOException | UncheckedIOException | IllegalStateException e) {
            // The main pass meets the same problem at the same place and says what it is.
        }
        return scattered;
    }

    @Override
    public SourceRecord next() {
        if (malformed != null) {
            SourceRecord reject = malformed;
            malformed = null;
            return reject;
        }
        if (broken) {
            return null;
        }
        List<Row> group = new ArrayList<>();
        String id = null;
        try {
            Row first = pending != null ? pending : nextRow();
            pending = null;
            if (first == null) {
                return null;
            }
            group.add(first);
            id = conversationId(first.record(), layout);
            Row row;
            while ((row = nextRow()) != null) {
                if (!id.equals(conversationId(row.record(), layout))) {
                    pending = row;
                    break;
                }
                group.add(row);
            }
            return toRecord(group, id);
        } catch (UncheckedIOException | IllegalStateException e) {
            broken = true;
            if (isDecodingFailure(e)) {
                throw notInEncoding(file, layout);
            }
            // Commons CSV cannot resynchronise after a malformed field (an unbalanced quote, say). The rows
            // read before it are a whole conversation still: it goes first, the reject after it.
            RecordOrigin origin = new RecordOrigin(file.displayName(), rowStartLine, null, null);
            SourceRecord reject = SourceRecord.unreadable(origin, "malformed CSV from this line on (" + rootMessage(e)
                    + "); the rest of the file cannot be read");
            if (group.isEmpty()) {
                return reject;
            }
            malformed = reject;
            return toRecord(group, id);
        }
    }

    /** The next row that is not blank (an empty line, or delimiters only), with the line it starts on. */
    private Row nextRow() {
        while (true) {
            long lineBefore = parser.getCurrentLineNumber();
            rowStartLine = skippedLines + lineBefore + 1;
            if (!rows.hasNext()) {
                return null;
            }
            CSVRecord record = rows.next();
            if (!isBlank(record)) {
                return new Row(record, skippedLines + lineBefore + 1);
            }
        }
    }

    private static boolean isBlank(CSVRecord record) {
        for (String value : record) {
            if (!value.isBlank()) {
                return false;
            }
        }
        return true;
    }

    private SourceRecord toRecord(List<Row> group, String id) {
        ArrayNode raw = JsonValues.MAPPER.createArrayNode();
        group.forEach(row -> raw.add(rowAsJson(row.record())));
        long line = group.get(0).line();
        RecordOrigin origin = new RecordOrigin(file.displayName(), line, id.isEmpty() ? null : id, raw);
        for (Row row : group) {
            if (row.record().size() != parser.getHeaderNames().size()) {
                return SourceRecord.unreadable(origin, "line " + row.line() + " has " + row.record().size()
                        + " fields but the header has " + parser.getHeaderNames().size());
            }
        }
        List<Long> starts = scattered.get(id);
        if (starts != null) {
            return SourceRecord.unreadable(origin, "the rows of conversation " + id + " are not contiguous: they are in "
                    + starts.size() + " places, starting at lines " + starts.stream().map(String::valueOf)
                    .collect(Collectors.joining(", ")) + "; none of them is migrated. Sort the file by its "
                    + describe("conversation_id") + " (keeping each conversation's rows in order) and run it again");
        }
        try {
            List<SourceMessage> messages = new ArrayList<>(group.size());
            for (Row row : group) {
                CSVRecord r = row.record();
                messages.add(new SourceMessage(
                        value(r, "message_id"),
                        authorType(value(r, "author_type"), row.line()),
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
            return SourceRecord.of(origin, new SourceConversation(id, value(head, "subject"),
                    conversationTime(head, line), status(value(head, "status")), split(value(head, "tags")),
                    contact, messages));
        } catch (InvalidRecordException e) {
            return SourceRecord.unreadable(origin, e.getMessage());
        }
    }

    /** The canonical values pass on as written; a mapping's lists are the whole truth for its CSV. */
    private String authorType(String value, long line) {
        if (value == null) {
            return null;
        }
        if (isIn(value, layout.contactAuthors())) {
            return "contact";
        }
        if (isIn(value, layout.agentAuthors())) {
            return "agent";
        }
        if (layout.canonical()) {
            return value;
        }
        throw new InvalidRecordException("line " + line + ": " + describe("author_type") + " '" + value
                + "' is in neither mapping.contact-authors " + sortedList(layout.contactAuthors())
                + " nor mapping.agent-authors " + sortedList(layout.agentAuthors()));
    }

    /**
     * Closed when the layout says so; for a mapping, any other value is open, so that a status the
     * planner would read as closed ("solved") does not close a conversation the mapping keeps open.
     */
    private String status(String value) {
        if (isIn(value, layout.closedStatuses())) {
            return "closed";
        }
        return layout.canonical() || value == null ? value : "open";
    }

    /** The conversation-level time is not used (Intercom's is the first message's): one that does not read is kept as written. */
    private String conversationTime(CSVRecord record, long line) {
        try {
            return timestamp(record, "conversation_created_at", line);
        } catch (InvalidRecordException e) {
            return value(record, "conversation_created_at");
        }
    }

    /** A time column, read with the mapping's date format or zone when it has them, else left to the planner. */
    private String timestamp(CSVRecord record, String field, long line) {
        String value = value(record, field);
        if (value == null || value.isBlank() || (layout.dateFormat() == null && layout.timezone() == null)) {
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
                // A time in a daylight-saving gap moves forward by the gap; a repeated one is its first occurrence.
                instant = local.atZone(zone).toInstant();
            } else {
                instant = ((LocalDate) parsed).atStartOfDay(zone).toInstant();
            }
            return Long.toString(instant.getEpochSecond());
        } catch (DateTimeException | IllegalArgumentException e) {
            throw new InvalidRecordException("line " + line + ": " + describe(field) + " '" + value + "' does not match "
                    + (layout.datePattern() != null ? "mapping.date-format '" + layout.datePattern() + "'"
                    : "ISO-8601 or epoch seconds/milliseconds (set mapping.date-format for other notations)"));
        }
    }

    /** A field as the user knows it: the mapped column's header, and the canonical field it holds. */
    private String describe(String field) {
        return layout.canonical() ? field : "column '" + layout.column(field) + "' (" + field + ")";
    }

    private static String conversationId(CSVRecord record, CsvLayout layout) {
        String value = value(record, layout, "conversation_id");
        return value == null ? "" : value.trim();
    }

    private ObjectNode rowAsJson(CSVRecord record) {
        ObjectNode node = JsonValues.MAPPER.createObjectNode();
        List<String> names = parser.getHeaderNames();
        for (int i = 0; i < record.size(); i++) {
            node.put(i < names.size() && !names.get(i).isEmpty() ? names.get(i) : "column " + (i + 1), record.get(i));
        }
        return node;
    }

    private String value(CSVRecord record, String field) {
        return value(record, layout, field);
    }

    /** A mapped column's value, with empty, absent and unmapped columns all read as {@code null}. */
    private static String value(CSVRecord record, CsvLayout layout, String field) {
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

    private static String sortedList(Set<String> values) {
        return values.stream().sorted().toList().toString();
    }

    private static List<String> split(String joined) {
        if (joined == null || joined.isBlank()) {
            return List.of();
        }
        return Arrays.stream(LIST_SEPARATOR.split(joined)).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }

    private static boolean isDecodingFailure(Throwable e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof CharacterCodingException) {
                return true;
            }
        }
        return false;
    }

    /** The file is not text in the layout's encoding: unusable as configured, whichever record the byte is in. */
    private static UnusableInputException notInEncoding(ExportFile file, CsvLayout layout) {
        String charset = layout.encoding().name();
        long line = firstUndecodableLine(file, layout);
        return new UnusableInputException(file.displayName() + (line > 0 ? ": line " + line : "") + " is not " + charset
                + " text" + (layout.canonical()
                ? "; the canonical CSV is UTF-8: convert the file (for example iconv -f windows-1252 -t utf-8)"
                : "; set mapping.encoding to the file's character set (often windows-1252 or ISO-8859-1 for exports "
                + "from Windows tools, UTF-16 for some spreadsheet exports)"));
    }

    /** The line of the first byte sequence that does not decode, or 0 if it cannot be found. */
    private static long firstUndecodableLine(ExportFile file, CsvLayout layout) {
        CharsetDecoder decoder = layout.encoding().newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        try (InputStream in = bomless(file)) {
            ByteBuffer bytes = ByteBuffer.allocate(8192);
            CharBuffer chars = CharBuffer.allocate(8192);
            long line = 1;
            boolean end = false;
            while (true) {
                if (!end) {
                    int read = in.read(bytes.array(), bytes.position(), bytes.remaining());
                    if (read < 0) {
                        end = true;
                    } else {
                        bytes.position(bytes.position() + read);
                    }
                }
                bytes.flip();
                CoderResult result = decoder.decode(bytes, chars, end);
                chars.flip();
                while (chars.hasRemaining()) {
                    if (chars.get() == '\n') {
                        line++;
                    }
                }
                chars.clear();
                if (result.isError()) {
                    return line;
                }
                bytes.compact();
                if (end && result.isUnderflow()) {
                    return 0;
                }
            }
        } catch (IOException e) {
            return 0;
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable cause = e;
        while (cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause.getMessage();
    }

    private static void closeQuietly(java.io.Closeable closeable) {
        try {
            if (closeable != null) {
                closeable.close();
            }
        } catch (IOException e) {
            // nothing more to do with a file that could not be read
        }
    }

    @Override
    public void close() throws IOException {
        parser.close();
    }
}
