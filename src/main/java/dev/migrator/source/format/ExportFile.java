package dev.migrator.source.format;

import java.nio.file.Path;

/** An input file and the format it is read in. */
public record ExportFile(Path path, ExportFormat format) {

    /** The name used in messages and the rejects file: the path as the user gave it. */
    public String displayName() {
        return path.toString();
    }
}
