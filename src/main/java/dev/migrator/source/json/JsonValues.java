package dev.migrator.source.json;

import dev.migrator.source.InputOpener;
import dev.migrator.source.StrictDecoding;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PushbackInputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.regex.Pattern;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.StringNode;

/**
 * Streams the values of a JSON file: either the elements of one top-level array or one value per
 * line (JSON Lines), told apart by the first character. Arrays are read element by element with
 * Jackson's streaming parser, so memory stays constant whatever the file size.
 */
public abstract sealed class JsonValues implements Closeable {

    public static final JsonMapper MAPPER = JsonMapper.builder().build();

    /**
     * One value and the line it starts on, or why the text there is not JSON ({@code node} is then
     * the raw text, if any).
     */
    public record Value(JsonNode node, long line, String problem) {
        public boolean readable() {
            return problem == null;
        }
    }

    protected final String displayName;

    /** The file's bytes, under whatever reads them as JSON. */
    private final InputStream bytes;

    private JsonValues(String displayName, InputStream bytes) {
        this.displayName = displayName;
        this.bytes = bytes;
    }

    /** The next value, or {@code null} at the end of the file. */
    public abstract Value next();

    /**
     * Reads what is left of the file without parsing it (after an array's closing bracket, say), so
     * that an {@link InputOpener} that checks the bytes it hands on has seen them all.
     */
    public void readToEnd() {
        try {
            bytes.transferTo(OutputStream.nullOutputStream());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + displayName, e);
        }
    }

    /** The values of {@code path}, its bytes read through {@code opener}. */
    public static JsonValues open(Path path, String displayName, InputOpener opener) {
        try {
            PushbackInputStream in = new PushbackInputStream(opener.open(path), 8);
            long skippedLines = skipToFirstSignificantByte(in);
            int first = in.read();
            if (first >= 0) {
                in.unread(first);
            }
            return first == '['
                    ? new ArrayValues(displayName, in, skippedLines)
                    : new LineValues(displayName, in, skippedLines);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + displayName, e);
        }
    }

    /**
     * Skips a UTF-8 byte-order mark and leading white space; returns the lines skipped, to keep
     * line numbers true.
     */
    private static long skipToFirstSignificantByte(PushbackInputStream in) throws IOException {
        byte[] bom = in.readNBytes(3);
        boolean hasBom =
                bom.length == 3
                        && (bom[0] & 0xFF) == 0xEF
                        && (bom[1] & 0xFF) == 0xBB
                        && (bom[2] & 0xFF) == 0xBF;
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

    /**
     * Jackson adds where a structure started as "[Source: REDACTED …; byte offset: #UNKNOWN]",
     * which helps no one.
     */
    private static String withoutSource(String message) {
        return message == null ? "" : START_MARKER.matcher(message).replaceAll("");
    }

    private static final Pattern START_MARKER =
            Pattern.compile("\\s*\\(start marker at \\[Source: [^\\]]*\\]\\)");

    private static final class ArrayValues extends JsonValues {
        private final JsonParser parser;
        private final long skippedLines;
        private boolean finished;

        ArrayValues(String displayName, InputStream in, long skippedLines) {
            super(displayName, in);
            this.skippedLines = skippedLines;
            this.parser = MAPPER.createParser(in);
            parser.nextToken(); // the opening bracket, already seen
        }

        @Override
        public Value next() {
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
                long errorLine =
                        e.getLocation() == null ? line : skippedLines + e.getLocation().getLineNr();
                return new Value(
                        null,
                        errorLine,
                        "invalid JSON ("
                                + withoutSource(e.getOriginalMessage())
                                + "); the rest of the file after this point cannot be read");
            }
        }

        @Override
        public void close() {
            parser.close();
        }
    }

    /**
     * One value a line. Lines are split as bytes and each is decoded strictly, so a line that is
     * not UTF-8 is rejected on its own (a decoding reader would turn its bytes into U+FFFD and send
     * them).
     */
    private static final class LineValues extends JsonValues {
        private final InputStream in;
        private final byte[] buffer = new byte[64 * 1024];
        private int position;
        private int limit;
        private byte[] line = new byte[1024];
        private long lineNumber;

        LineValues(String displayName, InputStream in, long skippedLines) {
            super(displayName, in);
            this.in = in;
            this.lineNumber = skippedLines;
        }

        @Override
        public Value next() {
            try {
                int length;
                do {
                    length = readLine();
                    if (length < 0) {
                        return null;
                    }
                    lineNumber++;
                } while (isBlank(length));
                String text;
                try {
                    text =
                            StrictDecoding.decoder(StandardCharsets.UTF_8)
                                    .decode(ByteBuffer.wrap(line, 0, length))
                                    .toString();
                } catch (CharacterCodingException e) {
                    return new Value(
                            StringNode.valueOf(new String(line, 0, length, StandardCharsets.UTF_8)),
                            lineNumber,
                            StrictDecoding.notText("line " + lineNumber, StandardCharsets.UTF_8));
                }
                try {
                    return new Value(MAPPER.readTree(text), lineNumber, null);
                } catch (JacksonException e) {
                    return new Value(
                            StringNode.valueOf(text),
                            lineNumber,
                            "invalid JSON: " + withoutSource(e.getOriginalMessage()));
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + displayName, e);
            }
        }

        /**
         * Reads the next line's bytes into {@code line}, without its line ending; -1 at the end of
         * the file.
         */
        private int readLine() throws IOException {
            int length = 0;
            boolean any = false;
            while (true) {
                if (position == limit) {
                    limit = in.read(buffer);
                    position = 0;
                    if (limit <= 0) {
                        limit = 0;
                        return any ? trimCarriageReturn(length) : -1;
                    }
                }
                any = true;
                byte b = buffer[position++];
                if (b == '\n') {
                    return trimCarriageReturn(length);
                }
                if (length == line.length) {
                    line = Arrays.copyOf(line, line.length * 2);
                }
                line[length++] = b;
            }
        }

        private int trimCarriageReturn(int length) {
            return length > 0 && line[length - 1] == '\r' ? length - 1 : length;
        }

        private boolean isBlank(int length) {
            for (int i = 0; i < length; i++) {
                byte b = line[i];
                if (b != ' ' && b != '\t' && b != '\r') {
                    return false;
                }
            }
            return true;
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }
}
