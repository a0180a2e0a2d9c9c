package dev.migrator.source.csv;

import dev.migrator.source.InputOpener;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;

/**
 * A CSV export being read: its path, its name in messages and rejects (the path as the user gave
 * it), and where its bytes come from.
 */
record CsvFile(Path path, String displayName, InputOpener opener) {

    InputStream open() throws IOException {
        return opener.open(path);
    }
}
