package dev.migrator.source;

import java.io.Closeable;

/** Streams the records of one export file, in file order, in constant memory. */
public interface RecordParser extends Closeable {

    /** The next record, or {@code null} at the end of the file. */
    SourceRecord next();
}
