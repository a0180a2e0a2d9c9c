package dev.migrator.source.input;

import dev.migrator.source.RecordParser;
import dev.migrator.source.SourceRecord;
import dev.migrator.source.format.ExportFile;
import dev.migrator.source.format.ReadContext;
import java.io.IOException;
import java.util.List;
import org.springframework.batch.infrastructure.item.support.AbstractItemCountingItemStreamItemReader;

/**
 * Reads every input file in the order given, as one stream of records. Restartable: the item count
 * is saved with each committed chunk, and a restart re-parses up to it, so the next record read is
 * the first one not yet committed.
 */
public class ExportReader extends AbstractItemCountingItemStreamItemReader<SourceRecord> {

    private final List<ExportFile> files;
    private final ReadContext context;
    private int fileIndex;
    private RecordParser current;

    public ExportReader(List<ExportFile> files, ReadContext context) {
        this.files = List.copyOf(files);
        this.context = context;
        setName("exportReader");
    }

    @Override
    protected void doOpen() {
        fileIndex = 0;
        current = files.isEmpty() ? null : InputFormat.open(files.get(0), context);
    }

    @Override
    protected SourceRecord doRead() throws IOException {
        while (current != null) {
            SourceRecord record = current.next();
            if (record != null) {
                return record;
            }
            current.close();
            fileIndex++;
            current =
                    fileIndex < files.size()
                            ? InputFormat.open(files.get(fileIndex), context)
                            : null;
        }
        return null;
    }

    @Override
    protected void doClose() throws IOException {
        if (current != null) {
            current.close();
            current = null;
        }
    }
}
