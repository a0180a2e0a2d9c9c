package dev.migrator.source.canonical;

import dev.migrator.source.RecordParser;
import dev.migrator.source.SourceSystem;
import dev.migrator.source.csv.CsvLayout;
import dev.migrator.source.csv.CsvRecordParser;
import dev.migrator.source.format.ExportFile;
import dev.migrator.source.format.ExportFormat;
import dev.migrator.source.format.ReadContext;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import org.apache.commons.io.input.BOMInputStream;

/**
 * Any helpdesk's CSV, read through the {@code mapping} section of the configuration, {@code
 * --format csv}: the mapping says which columns hold which fields, and which statuses close a
 * conversation (any other is open).
 */
public final class MappedCsvFormat extends ExportFormat {

    public MappedCsvFormat() {
        super("csv", SourceSystem.CANONICAL, Users.NONE);
    }

    /**
     * By the mapping's required columns in the header, read in the mapping's encoding and
     * delimiter.
     */
    @Override
    public boolean recognisesCsv(Path path, String firstLine, CsvLayout layout) {
        if (layout == null) {
            return false;
        }
        try (BufferedReader reader =
                new BufferedReader(
                        new InputStreamReader(
                                BOMInputStream.builder()
                                        .setInputStream(Files.newInputStream(path))
                                        .get(),
                                layout.encoding()))) {
            String header = reader.readLine();
            if (header == null) {
                return false;
            }
            CSVRecord names =
                    CSVFormat.RFC4180
                            .builder()
                            .setDelimiter(layout.delimiter())
                            .get()
                            .parse(new StringReader(header))
                            .getRecords()
                            .get(0);
            return names.toList()
                    .containsAll(CsvLayout.REQUIRED.stream().map(layout::column).toList());
        } catch (IOException
                | UncheckedIOException
                | IllegalArgumentException
                | IndexOutOfBoundsException e) {
            return false;
        }
    }

    @Override
    public RecordParser open(ExportFile file, ReadContext context) {
        return CsvRecordParser.open(
                file.path(), file.displayName(), context.opener(), context.csvLayout());
    }
}
