package dev.migrator.source.format;

import dev.migrator.source.UnusableInputException;
import dev.migrator.source.csv.CsvLayout;
import dev.migrator.source.json.People;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import tools.jackson.databind.JsonNode;

/**
 * What reading an export takes besides the file: the people file ({@code --users}) some presets
 * look requesters and authors up in, and the column mapping of a generic CSV. The people file is
 * read once per reading context.
 */
public final class ReadContext {

    private final Path users;
    private final CsvLayout csvLayout;
    private final Map<ExportFormat, People> people = new ConcurrentHashMap<>();

    /**
     * @param users the people file, or {@code null}; @param csvLayout the configured CSV mapping,
     *     or {@code null}
     */
    public ReadContext(Path users, CsvLayout csvLayout) {
        this.users = users;
        this.csvLayout = csvLayout;
    }

    public CsvLayout csvLayout() {
        if (csvLayout == null) {
            throw new UnusableInputException(
                    "--format csv reads a CSV through the mapping section of the configuration"
                            + " (migration-config.yml or --config), and there is none; see"
                            + " docs/formats/any-csv.md");
        }
        return csvLayout;
    }

    /** The people file read by {@code format}'s rules; {@code null} when there is none. */
    public People people(ExportFormat format, Function<JsonNode, People.Person> reader) {
        if (users == null) {
            return null;
        }
        return people.computeIfAbsent(format, f -> People.load(users, reader));
    }
}
