package dev.migrator.source.csv;

import static org.assertj.core.api.Assertions.assertThat;

import dev.migrator.source.InputOpener;
import dev.migrator.source.SourceRecord;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class CsvRecordParserTest {

    @Test
    void aFailureWithoutAMessageStillGivesAReadableReason() {
        CsvFile file = new CsvFile(Path.of("export.csv"), "export.csv", InputOpener.FILES);

        SourceRecord reject =
                CsvRecordParser.malformedFrom(file, 7, new UncheckedIOException(new IOException()));

        assertThat(reject.origin().line()).isEqualTo(7);
        assertThat(reject.problem())
                .isEqualTo(
                        "malformed CSV from this line on (IOException); the rest of the file cannot"
                                + " be read");
    }
}
