package dev.migrator.source;

import dev.migrator.source.SourceRecord.RecordOrigin;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PushbackInputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.StringNode;

/**
 * Canonical JSON: either one array of conversations or JSON Lines, told apart by the first
 * character. Arrays are read element by element with Jackson's streaming parser, so memory
 * stays constant whatever the file size.
 */
abstract sealed class JsonRecordParser implements RecordParser {

    static final JsonMapper MAPPER = JsonMapper.builder().build();

    protected final ExportFile file;

    private JsonRecordParser(ExportFile file) {
        this.file = file;
    }

    static RecordParser open(ExportFile file) {
        try {
            PushbackInputStream in = new PushbackInputStream(Files.newInputStream(file.path()), 8);
            long skippedLines = skipToFirstSignificantByte(in);
            int first = in.read();
            if (first >= 0) {
                in.unread(first);
            }
            return first == '[' ? new ArrayParser(file, in, skippedLines) : new LinesParser(file, in, skippedLines);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file.displayName(), e);
        }
    }

    /** Skips a UTF-8 byte-order mark and leading white space; returns the lines skipped, to keep line numbers true. */
    private static long skipToFirstSignificantByte(PushbackInputStream in) throws IOException {
        byte[] bom = in.readNBytes(3);
        boolean hasBom = bom.length == 3 && (bom[0] & 0xFF) == 0xEF && (bom[1] & 0xFF) == 0xBB && (bom[2] & 0xFF) == 0xBF;
        if (!hasBom) {
            in.unread(bom);
        }
        long lines = 0;
        int b;
        do {
            b = in.read();
            if (b == '\n') {
                lines++;
            }
        } while (b == ' ' || b == '\t' || b == '\r' || b == '\n');
        if (b >= 0) {
            in.unread(b);
        }
        return lines;
    }

    protected SourceRecord toRecord(JsonNode node, long line) {
        RecordOrigin origin = new RecordOrigin(file.displayName(), line, JsonConversationMapper.idOf(node), node);
        try {
            return SourceRecord.of(origin, JsonConversationMapper.toConversation(node));
        } catch (InvalidRecordException e) {
            return SourceRecord.unreadable(origin, e.getMessage());
        }
    }

    private static final class ArrayParser extends JsonRecordParser {
        private final JsonParser parser;
        private final long skippedLines;
        private boolean finished;

        ArrayParser(ExportFile file, InputStream in, long skippedLines) {
            super(file);
            this.skippedLines = skippedLines;
            this.parser = MAPPER.createParser(in);
            parser.nextToken(); // the opening bracket, already seen
        }

        @Override
        public SourceRecord next() {
            if (finished) {
                return null;
            }
            long line = skippedLines + parser.currentLocation().getLineNr();
            try {
                JsonToken token = parser.nextToken();
                line = skippedLines + parser.currentTokenLocation().getLineNr();
                if (token == JsonToken.END_ARRAY || token == null) {
                    finished = true;
                    return null;
                }
                JsonNode node = parser.readValueAsTree();
                return toRecord(node, line);
            } catch (JacksonException e) {
                // A syntax error leaves no reliable place to resume inside the array.
                finished = true;
                long errorLine = e.getLocation() == null ? line : skippedLines + e.getLocation().getLineNr();
                RecordOrigin origin = new RecordOrigin(file.displayName(), errorLine, null, null);
                return SourceRecord.unreadable(origin, "invalid JSON (" + e.getOriginalMessage()
                        + "); the rest of the file after this point cannot be read");
            }
        }

        @Override
        public void close() {
            parser.close();
        }
    }

    private static final class LinesParser extends JsonRecordParser {
        private final BufferedReader reader;
        private long lineNumber;

        LinesParser(ExportFile file, InputStream in, long skippedLines) {
            super(file);
            this.reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            this.lineNumber = skippedLines;
        }

        @Override
        public SourceRecord next() {
            try {
                String line;
                do {
                    line = reader.readLine();
                    if (line == null) {
                        return null;
                    }
                    lineNumber++;
                } while (line.isBlank());
                try {
                    return toRecord(MAPPER.readTree(line), lineNumber);
                } catch (JacksonException e) {
                    RecordOrigin origin = new RecordOrigin(file.displayName(), lineNumber, null, StringNode.valueOf(line));
                    return SourceRecord.unreadable(origin, "invalid JSON: " + e.getOriginalMessage());
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + file.displayName(), e);
            }
        }

        @Override
        public void close() throws IOException {
            reader.close();
        }
    }
}
