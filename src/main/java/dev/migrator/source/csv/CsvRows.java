package dev.migrator.source.csv;

import dev.migrator.source.StrictDecoding;
import dev.migrator.source.UnusableInputException;
import dev.migrator.support.Throwables;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PushbackReader;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.apache.commons.io.IOUtils;
import org.apache.commons.io.input.BOMInputStream;
import org.apache.commons.lang3.StringUtils;

/**
 * The rows of a CSV export after its header, in the layout's delimiter and, strictly, its encoding.
 * Blank rows (an empty line, or delimiters only) are skipped; each row comes with the line it
 * starts on, so that a reject names the line an editor shows.
 */
final class CsvRows implements Closeable {

    /** A row and the line it starts on. */
    record Row(CSVRecord record, long line) {}

    private final CSVParser parser;
    private final Iterator<CSVRecord> records;

    /** Blank lines before the header, which the CSV parser does not count. */
    private final long skippedLines;

    private long lineReached;

    private CsvRows(CSVParser parser, long skippedLines) {
        this.parser = parser;
        this.records = parser.iterator();
        this.skippedLines = skippedLines;
    }

    /** The file positioned after its header; its header is not checked yet. */
    static CsvRows open(CsvFile file, CsvLayout layout) {
        CSVFormat format =
                CSVFormat.RFC4180
                        .builder()
                        .setDelimiter(layout.delimiter())
                        .setHeader()
                        .setSkipHeaderRecord(true)
                        // Blank lines come through as records (and are skipped here) so that line
                        // numbers stay true.
                        .setIgnoreEmptyLines(false)
                        // A trailing delimiter after the last header is common in spreadsheet
                        // exports.
                        .setAllowMissingColumnNames(true)
                        .get();
        PushbackReader reader = null;
        try {
            reader =
                    new PushbackReader(
                            new InputStreamReader(
                                    bomless(file), StrictDecoding.decoder(layout.encoding())),
                            1);
            long skipped = skipLeadingBlankLines(reader);
            return new CsvRows(
                    CSVParser.builder().setReader(reader).setFormat(format).get(), skipped);
        } catch (IOException
                | UncheckedIOException
                | IllegalArgumentException
                | IllegalStateException e) {
            IOUtils.closeQuietly(reader);
            if (StrictDecoding.isDecodingFailure(e)) {
                throw notInEncoding(file, layout);
            }
            throw new UnusableInputException(
                    file.displayName()
                            + ": cannot read the CSV header: "
                            + Throwables.rootMessage(e));
        }
    }

    Map<String, Integer> headerMap() {
        return parser.getHeaderMap();
    }

    List<String> headerNames() {
        return parser.getHeaderNames();
    }

    /**
     * The next row that is not blank, or {@code null} at the end of the file.
     *
     * @throws UncheckedIOException or {@link IllegalStateException} where the CSV is malformed or
     *     does not decode
     */
    Row next() {
        while (true) {
            lineReached = skippedLines + parser.getCurrentLineNumber() + 1;
            if (!records.hasNext()) {
                return null;
            }
            CSVRecord record = records.next();
            if (!StringUtils.isAllBlank(record.values())) {
                return new Row(record, lineReached);
            }
        }
    }

    /** The line the row last read, or being read, starts on. */
    long lineReached() {
        return lineReached;
    }

    @Override
    public void close() throws IOException {
        parser.close();
    }

    /**
     * The file is not text in the layout's encoding: unusable as configured, whichever record the
     * byte is in.
     */
    static UnusableInputException notInEncoding(CsvFile file, CsvLayout layout) {
        long line;
        try (InputStream in = bomless(file)) {
            line = StrictDecoding.firstUndecodableLine(in, layout.encoding());
        } catch (IOException e) {
            line = 0;
        }
        return new UnusableInputException(
                StrictDecoding.notText(
                                file.displayName() + (line > 0 ? ": line " + line : ""),
                                layout.encoding())
                        + (layout.canonical()
                                ? "; the canonical CSV is UTF-8: convert the file (for example"
                                        + " iconv -f windows-1252 -t utf-8)"
                                : "; set mapping.encoding to the file's character set (often"
                                        + " windows-1252 or ISO-8859-1 for exports from Windows"
                                        + " tools, UTF-16 for some spreadsheet exports)"));
    }

    private static InputStream bomless(CsvFile file) throws IOException {
        return BOMInputStream.builder().setInputStream(file.open()).get();
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
}
