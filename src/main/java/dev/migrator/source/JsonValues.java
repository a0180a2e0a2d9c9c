package dev.migrator.source;

import java.io.BufferedReader;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PushbackInputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.StringNode;

/**
 * Streams the values of a JSON file: either the elements of one top-level array or one value
 * per line (JSON Lines), told apart by the first character. Arrays are read element by element
 * with Jackson's streaming parser, so memory stays constant whatever the file size.
 */
abstract sealed class JsonValues implements Closeable {

    static final JsonMapper MAPPER = JsonMapper.builder().build();

    /** One value and the line it starts on, or why the text there is not JSON ({@code node} is then the raw text, if any). */
    record Value(JsonNode node, long line, String problem) {
        boolean readable() {
            return problem == null;
        }
    }

    protected final String displayName;

    private JsonValues(String displayName) {
        this.displayName = displayName;
    }

    /** The next value, or {@code null} at the end of the file. */
    abstract Value next();

    static JsonValues open(Path path, String displayName) {
        try {
            PushbackInputStream in = new PushbackInputStream(Files.newInputStream(path), 8);
            long skippedLines = skipToFirstSignificantByte(in);
            int first = in.read();
            if (first >= 0) {
                in.unread(first);
            }
            return first == '[' ? new ArrayValues(displayName, in, skippedLines) : new LineValues(displayName, in, skippedLines);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + displayName, e);
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

    private static final class ArrayValues extends JsonValues {
        private final JsonParser parser;
        private final long skippedLines;
        private boolean finished;

        ArrayValues(String displayName, InputStream in, long skippedLines) {
            super(displayName);
            this.skippedLines = skippedLines;
            this.parser = MAPPER.createParser(in);
            parser.nextToken(); // the opening bracket, already seen
        }

        @Override
        Value next() {
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
                return new Value(parser.readValueAsTree(), line, null);
            } catch (JacksonException e) {
                // A syntax error leaves no reliable place to resume inside the array.
                finished = true;
                long errorLine = e.getLocation() == null ? line : skippedLines + e.getLocation().getLineNr();
                return new Value(null, errorLine, "invalid JSON (" + e.getOriginalMessage()
                        + "); the rest of the file after this point cannot be read");
            }
        }

        @Override
        public void close() {
            parser.close();
        }
    }

    private static final class LineValues extends JsonValues {
        private final BufferedReader reader;
        private long lineNumber;

        LineValues(String displayName, InputStream in, long skippedLines) {
            super(displayName);
            this.reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            this.lineNumber = skippedLines;
        }

        @Override
        Value next() {
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
                    return new Value(MAPPER.readTree(line), lineNumber, null);
                } catch (JacksonException e) {
                    return new Value(StringNode.valueOf(line), lineNumber, "invalid JSON: " + e.getOriginalMessage());
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + displayName, e);
            }
        }

        @Override
        public void close() throws IOException {
            reader.close();
        }
    }
}
