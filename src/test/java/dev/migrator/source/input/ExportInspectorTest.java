package dev.migrator.source.input;

import static org.assertj.core.api.Assertions.assertThat;

import dev.migrator.source.csv.CsvLayout;
import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ExportInspectorTest {

    @TempDir Path dir;

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "[{\"id\":\"c-1\",\"contact\":{\"email\":\"a@b.c\"},\"messages\":[]}]              "
                        + "        | conversations",
                "{\"ticket\":{\"id\":1,\"requester_id\":2,\"comments\":[]}}                        "
                        + "        | zendesk",
                "{\"id\":1,\"requester_id\":2,\"via\":{\"channel\":\"email\"},\"comments\":[]}     "
                        + "         | zendesk",
                "[{\"id\":1,\"requester_id\":2,\"description_text\":\"x\",\"conversations\":[]}]   "
                        + "        | freshdesk",
                "[{\"id\":1,\"primaryCustomer\":{\"id\":2},\"_embedded\":{\"threads\":[]}}]        "
                        + "       | helpscout",
                "{\"id\":\"cnv_1\",\"messages\":[{\"id\":\"msg_1\",\"is_inbound\":true}]}          "
                        + "        | front",
            })
    void tellsJsonExportsApartByTheirFirstRecord(String content, String format) throws IOException {
        Path file = dir.resolve("export.json");
        Files.writeString(file, "\uFEFF\n" + content + "\n");

        assertThat(ExportInspector.detectFormat(file, null).map(InputFormat::cliName))
                .contains(format);
    }

    @Test
    void aJsonExportOfNoKnownShapeIsNotGuessed() throws IOException {
        Path file = dir.resolve("export.json");
        Files.writeString(file, "[{\"ticket_number\":1}]");

        assertThat(ExportInspector.detectFormat(file, null)).isEmpty();
    }

    @Test
    void theCanonicalCsvByItsHeaderAndAnyOtherCsvByTheConfiguredMapping() throws IOException {
        Path canonical = dir.resolve("canonical.csv");
        Files.writeString(canonical, String.join(",", CsvLayout.FIELDS) + "\n");
        Path other = dir.resolve("other.csv");
        Files.writeString(
                other,
                "Ticket;Sender;Sent at;Text;Agent name\n1;Customer;01/02/2021 10:00;Hé;\n",
                Charset.forName("windows-1252"));
        CsvLayout layout =
                new CsvLayout(
                        Map.of(
                                "conversation_id",
                                "Ticket",
                                "author_type",
                                "Sender",
                                "created_at",
                                "Sent at",
                                "body",
                                "Text"),
                        ';',
                        Charset.forName("windows-1252"),
                        null,
                        null,
                        null,
                        Set.of(),
                        Set.of(),
                        Set.of(),
                        Set.of(),
                        false);

        assertThat(ExportInspector.detectFormat(canonical, null))
                .contains(InputFormat.CONVERSATIONS_CSV);
        assertThat(ExportInspector.detectFormat(other, layout)).contains(InputFormat.CSV);
        assertThat(ExportInspector.detectFormat(other, null)).isEmpty();
        assertThat(ExportInspector.detectFormat(canonical, layout))
                .contains(InputFormat.CONVERSATIONS_CSV);
    }

    @Test
    void anEmptyFileHasNoFormat() throws IOException {
        Path file = dir.resolve("empty.json");
        Files.writeString(file, "", StandardCharsets.UTF_8);

        assertThat(ExportInspector.detectFormat(file, null)).isEqualTo(Optional.empty());
    }
}
