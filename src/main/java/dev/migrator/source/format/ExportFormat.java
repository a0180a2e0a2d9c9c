package dev.migrator.source.format;

import dev.migrator.source.RecordParser;
import dev.migrator.source.SourceSystem;
import dev.migrator.source.csv.CsvLayout;
import java.nio.file.Path;
import tools.jackson.databind.JsonNode;

/**
 * What the migrator knows of one input format, in one class of the format's own package: its name
 * on the command line, the helpdesk it comes from, whether a people file goes with it, how its
 * files are recognised and read, and (for its mapper to apply) which of its statuses close a
 * conversation. The registry of the formats, {@code InputFormat}, lists them.
 */
public abstract class ExportFormat {

    /** Whether the format reads a people file given with {@code --users}. */
    public enum Users {
        NONE,
        OPTIONAL,
        REQUIRED
    }

    private final String cliName;
    private final SourceSystem system;
    private final Users users;

    /**
     * @param system the helpdesk its conversations come from; {@link SourceSystem#CANONICAL} for
     *     the migrator's own formats
     */
    protected ExportFormat(String cliName, SourceSystem system, Users users) {
        this.cliName = cliName;
        this.system = system;
        this.users = users;
    }

    public final String cliName() {
        return cliName;
    }

    public final SourceSystem system() {
        return system;
    }

    public final Users users() {
        return users;
    }

    public abstract RecordParser open(ExportFile file, ReadContext context);

    /** Whether a JSON export whose first record is {@code record} is in this format. */
    public boolean recognisesJson(JsonNode record) {
        return false;
    }

    /**
     * Whether a CSV export is in this format, by its header: {@code firstLine} is the file's first
     * line read as UTF-8, {@code null} when the file is not UTF-8; {@code layout} is the configured
     * mapping, or {@code null}.
     */
    public boolean recognisesCsv(Path path, String firstLine, CsvLayout layout) {
        return false;
    }
}
