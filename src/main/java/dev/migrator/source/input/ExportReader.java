package dev.migrator.source.input;

import dev.migrator.source.InputOpener;
import dev.migrator.source.RecordParser;
import dev.migrator.source.SourceRecord;
import dev.migrator.source.format.ExportFile;
import dev.migrator.source.format.ReadContext;
import java.io.IOException;
import java.util.List;
import java.util.Objects;
import org.springframework.batch.infrastructure.item.support.AbstractItemCountingItemStreamItemReader;

/**
 * Reads every input file in the order given, as one stream of records. Restartable: the item count
 * is saved with each committed chunk, and a restart re-parses up to it, so the next record read is
 * the first one not yet committed.
 *
 * <p>It hashes the bytes it consumes, of the inputs and of the people file, and at each file's end
 * stops the run ({@link InputChangedException}) if they are not those of the checksum the run was
 * identified by: a file changed after it was checksummed is never migrated to the end under that
 * checksum. A restart re-reads the bytes before its position too, so the hash is always of the
 * whole file.
 */
public class ExportReader extends AbstractItemCountingItemStreamItemReader<SourceRecord> {

    private final List<ExportFile> files;
    private final List<String> checksums;
    private final ReadContext context;
    private final String usersChecksum;
    private int fileIndex;
    private RecordParser current;
    private ConsumedInput consumed;
    private ConsumedInput users;

    /**
     * @param checksums the SHA-256 of each file, in the same order, as the run was identified by
     * @param usersChecksum the SHA-256 of the context's people file; {@code null} when it has none
     */
    public ExportReader(
            List<ExportFile> files,
            List<String> checksums,
            ReadContext context,
            String usersChecksum) {
        if (checksums.size() != files.size()) {
            throw new IllegalArgumentException(
                    files.size() + " files but " + checksums.size() + " checksums");
        }
        if (context.users() != null) {
            Objects.requireNonNull(usersChecksum, "the people file's checksum");
        }
        this.files = List.copyOf(files);
        this.checksums = List.copyOf(checksums);
        this.context = context;
        this.usersChecksum = usersChecksum;
        setName("exportReader");
    }

    @Override
    protected void doOpen() {
        users =
                context.users() == null
                        ? null
                        : new ConsumedInput(context.users().toString(), usersChecksum);
        fileIndex = 0;
        openCurrent();
    }

    @Override
    protected SourceRecord doRead() throws IOException {
        while (current != null) {
            SourceRecord record = current.next();
            if (record != null) {
                return record;
            }
            consumed.requireUnchanged();
            if (users != null) {
                // Read (once, whole) while this file was.
                users.requireUnchanged();
            }
            current.close();
            fileIndex++;
            openCurrent();
        }
        return null;
    }

    private void openCurrent() {
        if (fileIndex < files.size()) {
            ExportFile file = files.get(fileIndex);
            consumed = new ConsumedInput(file.displayName(), checksums.get(fileIndex));
            current = InputFormat.open(file, context.through(checking(consumed)));
        } else {
            consumed = null;
            current = null;
        }
    }

    /** The people file's bytes through its own record, the input's through {@code input}. */
    private InputOpener checking(ConsumedInput input) {
        return path -> (users != null && path.equals(context.users()) ? users : input).open(path);
    }

    @Override
    protected void doClose() throws IOException {
        if (current != null) {
            current.close();
            current = null;
        }
    }
}
