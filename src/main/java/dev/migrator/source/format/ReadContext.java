package dev.migrator.source.format;

import dev.migrator.source.InputOpener;
import dev.migrator.source.UnusableInputException;
import dev.migrator.source.csv.CsvLayout;
import dev.migrator.source.json.People;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import tools.jackson.databind.JsonNode;

/**
 * What reading an export takes besides the file: the people file ({@code --users}) some presets
 * look requesters and authors up in, the column mapping of a generic CSV, and where the bytes of
 * the export and of its people file come from. The people file is read once per reading context.
 */
public final class ReadContext {

    private final Path users;
    private final CsvLayout csvLayout;
    private final Map<ExportFormat, People> people;
    private final InputOpener opener;

    /**
     * A context that reads the files as they are on disk.
     *
     * @param users the people file, or {@code null}; @param csvLayout the configured CSV mapping,
     *     or {@code null}
     */
    public ReadContext(Path users, CsvLayout csvLayout) {
        this(users, csvLayout, new ConcurrentHashMap<>(), InputOpener.FILES);
    }

    private ReadContext(
            Path users, CsvLayout csvLayout, Map<ExportFormat, People> people, InputOpener opener) {
        this.users = users;
        this.csvLayout = csvLayout;
        this.people = people;
        this.opener = opener;
    }

    /**
     * This context (its people file read once still) with the bytes of the export and of the people
     * file from {@code opener}.
     */
    public ReadContext through(InputOpener opener) {
        return new ReadContext(users, csvLayout, people, opener);
    }

    /** Where the bytes of the export and of the people file come from. */
    public InputOpener opener() {
        return opener;
    }

    /** The people file, or {@code null}. */
    public Path users() {
        return users;
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
    public People people(ExportFormat format, Function<JsonNode, ? extends People.Entry> reader) {
        return people(format, List::of, reader);
    }

    /**
     * The people file read by {@code format}'s rules, each of its values holding the records that
     * {@code records} returns (a page of an API's list response holds many); {@code null} when
     * there is none.
     */
    public People people(
            ExportFormat format,
            Function<JsonNode, List<JsonNode>> records,
            Function<JsonNode, ? extends People.Entry> reader) {
        if (users == null) {
            return null;
        }
        return people.computeIfAbsent(format, f -> People.load(users, opener, records, reader));
    }
}
