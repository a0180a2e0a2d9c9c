package dev.migrator.source.csv;

import dev.migrator.source.InputOpener;
import dev.migrator.source.RecordParser;
import dev.migrator.source.SourceRecord;
import dev.migrator.source.SourceRecord.RecordOrigin;
import dev.migrator.source.StrictDecoding;
import dev.migrator.source.UnusableInputException;
import dev.migrator.source.csv.CsvRows.Row;
import dev.migrator.support.Throwables;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.io.IOUtils;

/**
 * A CSV export, one row per message, read through a {@link CsvLayout}. Consecutive rows with the
 * same conversation id are grouped into one record, so a conversation is never split between
 * chunks; one whose rows are not contiguous is rejected, every group of it (see {@link
 * ScatteredConversations}).
 *
 * <p>The file is decoded strictly in the layout's encoding: a byte that is not text in it stops the
 * run before anything is sent (the preflight reads every record), naming the line, rather than
 * putting replacement characters in customers' names.
 */
public final class CsvRecordParser implements RecordParser {

    private final CsvFile file;
    private final CsvLayout layout;
    private final CsvRows rows;
    private final CsvRowMapper mapper;
    private Row pending;
    private boolean broken;

    /** A malformed row's reject, returned after the conversation read before it. */
    private SourceRecord malformed;

    private CsvRecordParser(CsvFile file, CsvLayout layout, CsvRows rows, CsvRowMapper mapper) {
        this.file = file;
        this.layout = layout;
        this.rows = rows;
        this.mapper = mapper;
    }

    /**
     * @param name the file's name in messages and rejects: the path as the user gave it
     * @param opener where the file's bytes come from
     */
    public static RecordParser open(Path path, String name, InputOpener opener, CsvLayout layout) {
        CsvFile file = new CsvFile(path, name, opener);
        CsvRows rows = CsvRows.open(file, layout);
        try {
            CsvHeader.check(file, layout, rows);
        } catch (UnusableInputException e) {
            IOUtils.closeQuietly(rows);
            throw e;
        }
        return new CsvRecordParser(
                file,
                layout,
                rows,
                new CsvRowMapper(
                        file,
                        layout,
                        rows.headerNames(),
                        ScatteredConversations.find(file, layout)));
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
            Row first = pending != null ? pending : rows.next();
            pending = null;
            if (first == null) {
                return null;
            }
            group.add(first);
            id = layout.conversationIdOf(first.record());
            Row row;
            while ((row = rows.next()) != null) {
                if (!id.equals(layout.conversationIdOf(row.record()))) {
                    pending = row;
                    break;
                }
                group.add(row);
            }
            return mapper.toRecord(group, id);
        } catch (UncheckedIOException | IllegalStateException e) {
            broken = true;
            if (StrictDecoding.isDecodingFailure(e)) {
                throw CsvRows.notInEncoding(file, layout);
            }
            // Commons CSV cannot resynchronise after a malformed field (an unbalanced quote, say).
            // The rows
            // read before it are a whole conversation still: it goes first, the reject after it.
            SourceRecord reject = malformedFrom(file, rows.lineReached(), e);
            if (group.isEmpty()) {
                return reject;
            }
            malformed = reject;
            return mapper.toRecord(group, id);
        }
    }

    /** The reject of the rest of a file from the line where its CSV stops making sense. */
    static SourceRecord malformedFrom(CsvFile file, long line, RuntimeException failure) {
        return SourceRecord.unreadable(
                new RecordOrigin(file.displayName(), line, null, null),
                "malformed CSV from this line on ("
                        + Throwables.rootMessage(failure)
                        + "); the rest of the file cannot be read");
    }

    @Override
    public void close() throws IOException {
        rows.close();
    }
}
