package dev.migrator.source.csv;

import static org.assertj.core.api.Assertions.assertThat;

import dev.migrator.source.InputOpener;
import dev.migrator.source.RecordParser;
import dev.migrator.source.SourceConversation.Details;
import dev.migrator.source.SourceConversation.SourceCompany;
import dev.migrator.source.SourceRecord;
import dev.migrator.source.format.ExportFile;
import dev.migrator.source.format.ReadContext;
import dev.migrator.source.input.InputFormat;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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

    @TempDir Path dir;

    private List<SourceRecord> readCanonical(String csv) throws Exception {
        Path file = dir.resolve("conversations.csv");
        Files.writeString(file, csv);
        try (RecordParser parser =
                InputFormat.open(
                        new ExportFile(file, InputFormat.CONVERSATIONS_CSV.format()),
                        new ReadContext(null, null))) {
            List<SourceRecord> records = new ArrayList<>();
            for (SourceRecord r = parser.next(); r != null; r = parser.next()) {
                records.add(r);
            }
            return records;
        }
    }

    /**
     * The new conversation-level columns are read from a conversation's first row, as subject and
     * status are; every column the canonical header does not name is a field keyed by its header.
     */
    @Test
    void theDetailsColumnsAndEveryOtherColumnAreReadFromTheFirstRow() throws Exception {
        List<SourceRecord> records =
                readCanonical(
                        """
                        conversation_id,subject,contact_email,company_id,company_name,assignee_email,team,author_type,created_at,body,Plan,Seats,Order total
                        c-1,Refund,ann@example.org,acme-42,Acme Ltd,bob@acme.example,Billing,contact,2021-03-04T10:15:00Z,Hi,Pro,12,
                        c-1,Refund,ann@example.org,other,Other,carol@acme.example,Sales,agent,2021-03-04T10:20:00Z,Hello,Basic,3,49.90
                        c-2,Login,cy@example.org,,Globex,,,contact,2021-03-05T10:15:00Z,Help,,,
                        """);

        assertThat(records.get(0).conversation().details())
                .isEqualTo(
                        new Details(
                                "bob@acme.example",
                                "Billing",
                                Map.of("Plan", "Pro", "Seats", "12"),
                                new SourceCompany("acme-42", "Acme Ltd")));
        assertThat(records.get(1).conversation().details())
                .as("a company named without an id is known by its name")
                .isEqualTo(
                        new Details(null, null, Map.of(), new SourceCompany("Globex", "Globex")));
    }

    @Test
    void aCanonicalCsvWithoutTheNewColumnsHasNothingAroundTheThread() throws Exception {
        List<SourceRecord> records =
                readCanonical(
                        """
                        conversation_id,contact_email,author_type,created_at,body
                        c-1,ann@example.org,contact,2021-03-04T10:15:00Z,Hi
                        """);

        assertThat(records)
                .singleElement()
                .extracting(r -> r.conversation().details())
                .isEqualTo(Details.NONE);
    }
}
