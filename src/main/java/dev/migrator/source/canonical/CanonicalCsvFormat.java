package dev.migrator.source.canonical;

import dev.migrator.source.RecordParser;
import dev.migrator.source.SourceSystem;
import dev.migrator.source.csv.CsvLayout;
import dev.migrator.source.csv.CsvRecordParser;
import dev.migrator.source.format.ExportFile;
import dev.migrator.source.format.ExportFormat;
import dev.migrator.source.format.ReadContext;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The migrator's own CSV format, one row per message (docs/formats/canonical-csv.md), {@code
 * --format conversations-csv}.
 */
public final class CanonicalCsvFormat extends ExportFormat {

    /**
     * Its columns are the canonical fields; "closed" and "solved" close a conversation, other
     * statuses pass on as written.
     */
    static final CsvLayout LAYOUT =
            new CsvLayout(
                    CsvLayout.FIELDS.stream()
                            .collect(Collectors.toMap(Function.identity(), Function.identity())),
                    ',',
                    StandardCharsets.UTF_8,
                    null,
                    null,
                    null,
                    Set.of("contact"),
                    Set.of("agent"),
                    Set.of("true"),
                    Set.of("closed", "solved"),
                    true);

    public CanonicalCsvFormat() {
        super("conversations-csv", SourceSystem.CANONICAL, Users.NONE);
    }

    @Override
    public boolean recognisesCsv(Path path, String firstLine, CsvLayout layout) {
        return firstLine != null
                && firstLine.contains("conversation_id")
                && firstLine.contains("author_type")
                && firstLine.contains(",");
    }

    @Override
    public RecordParser open(ExportFile file, ReadContext context) {
        return CsvRecordParser.open(file.path(), file.displayName(), context.opener(), LAYOUT);
    }
}
