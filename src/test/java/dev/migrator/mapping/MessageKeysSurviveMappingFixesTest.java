package dev.migrator.mapping;

import static org.assertj.core.api.Assertions.assertThat;

import dev.migrator.mapping.MappedRecord.Planned;
import dev.migrator.source.RecordParser;
import dev.migrator.source.SourceAttachment;
import dev.migrator.source.SourceConversation;
import dev.migrator.source.SourceConversation.SourceContact;
import dev.migrator.source.SourceConversation.SourceMessage;
import dev.migrator.source.SourceRecord;
import dev.migrator.source.SourceRecord.RecordOrigin;
import dev.migrator.source.csv.CsvMappingProperties;
import dev.migrator.source.format.ExportFile;
import dev.migrator.source.format.ReadContext;
import dev.migrator.source.input.InputFormat;
import dev.migrator.support.YamlBinding;
import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 12, case 3: messages without ids keep their ledger keys when the user corrects how the
 * export is read (the zone, the date format, the encoding), since the keys are made from the values
 * as written and not from what the planner makes of them. Otherwise every such message, the opening
 * included, is sent again by the next run.
 */
class MessageKeysSurviveMappingFixesTest {

    private static final Clock NOW =
            Clock.fixed(Instant.parse("2025-01-01T00:00:00Z"), ZoneOffset.UTC);
    private static final ZoneId PARIS = ZoneId.of("Europe/Paris");
    private static final Charset WINDOWS_1252 = Charset.forName("windows-1252");
    private static final SourceContact ANN =
            new SourceContact("ann@example.org", null, "Ann", "user");

    /** A CSV export without message ids; its text is French, its times local and day-first. */
    private static final String EXPORT =
            """
            Ticket;Sender;Sender email;Sent at;Text;Files
            t-1;Agent;bob@acme.example;04/03/2021 10:15;<p>Bonjour Zoé, votre commande part à 14 h.</p>;
            t-1;Customer;;04/03/2021 10:20;<p>Merci, ça marche — à bientôt !</p>;
            t-1;Customer;;04/03/2021 10:20;ok;
            t-1;Customer;;04/03/2021 10:21;ok;https://files.example/a.pdf
            """;

    @TempDir Path dir;

    @Test
    void aCorrectedMigrationTimezoneKeepsTheKeys() {
        SourceConversation local =
                conversation(
                        contact("2021-03-04T10:15:00", "<p>Hello</p>"),
                        agent("2021-03-04T10:20:00", "<p>Hi Ann</p>"));

        PlannedConversation inUtc = plan(new ConversationPlanner(ZoneOffset.UTC, NOW), local);
        PlannedConversation inParis = plan(new ConversationPlanner(PARIS, NOW), local);

        assertThat(inParis.opening().createdAt()).isNotEqualTo(inUtc.opening().createdAt());
        assertThat(keys(inParis)).isEqualTo(keys(inUtc));
    }

    @Test
    void aCorrectedMappingTimezoneKeepsTheKeys() throws Exception {
        Path export = write(EXPORT, StandardCharsets.UTF_8);

        PlannedConversation utc = planCsv(export, mapping("dd/MM/yyyy HH:mm", "UTC", "UTF-8"));
        PlannedConversation paris =
                planCsv(export, mapping("dd/MM/yyyy HH:mm", "Europe/Paris", "UTF-8"));

        assertThat(paris.parts().get(1).createdAt()).isNotEqualTo(utc.parts().get(1).createdAt());
        assertThat(keys(paris)).isEqualTo(keys(utc));
    }

    @Test
    void aCorrectedDateFormatKeepsTheKeys() throws Exception {
        Path export = write(EXPORT, StandardCharsets.UTF_8);

        PlannedConversation monthFirst =
                planCsv(export, mapping("MM/dd/yyyy HH:mm", "Europe/Paris", "UTF-8"));
        PlannedConversation dayFirst =
                planCsv(export, mapping("dd/MM/yyyy HH:mm", "Europe/Paris", "UTF-8"));

        assertThat(dayFirst.opening().createdAt()).isNotEqualTo(monthFirst.opening().createdAt());
        assertThat(keys(dayFirst)).isEqualTo(keys(monthFirst));
    }

    @Test
    void aCorrectedEncodingKeepsTheKeys() throws Exception {
        Path export = write(EXPORT, StandardCharsets.UTF_8);

        PlannedConversation misread =
                planCsv(export, mapping("dd/MM/yyyy HH:mm", "Europe/Paris", "windows-1252"));
        PlannedConversation corrected =
                planCsv(export, mapping("dd/MM/yyyy HH:mm", "Europe/Paris", "UTF-8"));

        assertThat(misread.parts().get(1).body()).contains("ZoÃ©");
        assertThat(corrected.parts().get(1).body()).contains("Zoé");
        assertThat(keys(corrected)).isEqualTo(keys(misread));
    }

    @Test
    void theSameExportInAnotherEncodingHasTheSameKeys() throws Exception {
        CsvMappingProperties utf8 = mapping("dd/MM/yyyy HH:mm", "Europe/Paris", "UTF-8");
        CsvMappingProperties cp1252 = mapping("dd/MM/yyyy HH:mm", "Europe/Paris", "windows-1252");

        PlannedConversation fromUtf8 = planCsv(write(EXPORT, StandardCharsets.UTF_8), utf8);
        PlannedConversation fromCp1252 = planCsv(write(EXPORT, WINDOWS_1252), cp1252);

        assertThat(fromCp1252.parts()).isEqualTo(fromUtf8.parts());
    }

    @Test
    void theStartMarkerOfAnAgentsConversationKeepsItsKeyToo() throws Exception {
        Path export = write(EXPORT, StandardCharsets.UTF_8);

        PlannedConversation utc = planCsv(export, mapping("dd/MM/yyyy HH:mm", "UTC", "UTF-8"));
        PlannedConversation paris =
                planCsv(export, mapping("dd/MM/yyyy HH:mm", "Europe/Paris", "UTF-8"));

        assertThat(paris.opening().startMarker()).isTrue();
        assertThat(paris.opening().key())
                .isEqualTo(PlannedPart.START_MARKER + paris.parts().get(1).key())
                .isEqualTo(utc.opening().key());
    }

    @Test
    void identicalMessagesStayTwoAndMessagesAddedElsewhereMoveNoKey() throws Exception {
        Path export = write(EXPORT, StandardCharsets.UTF_8);
        CsvMappingProperties mapping = mapping("dd/MM/yyyy HH:mm", "Europe/Paris", "UTF-8");
        Path longer =
                write(
                        EXPORT.replace(
                                "t-1;Customer;;04/03/2021 10:20;ok;\n",
                                "t-1;Customer;;04/03/2021 10:19;Still there?;\n"
                                        + "t-1;Customer;;04/03/2021 10:20;ok;\n"
                                        + "t-1;Agent;bob@acme.example;04/03/2021 10:20;ok;\n"),
                        StandardCharsets.UTF_8);

        PlannedConversation planned = planCsv(export, mapping);
        PlannedConversation later = planCsv(longer, mapping);

        List<String> keys = keys(planned);
        assertThat(keys).doesNotHaveDuplicates();
        assertThat(keys(later)).hasSize(keys.size() + 2).containsAll(keys);
    }

    @Test
    void twoIdenticalMessagesAreNotTakenForOneAppearingTwice() {
        PlannedConversation planned =
                plan(
                        new ConversationPlanner(PARIS, NOW),
                        conversation(
                                contact("2021-03-04T10:15:00Z", "ok"),
                                contact("2021-03-04T10:15:00Z", "ok")));

        assertThat(keys(planned))
                .hasSize(2)
                .doesNotHaveDuplicates()
                .allMatch(key -> key.startsWith(MessageKeys.WRITTEN_PREFIX));
    }

    @Test
    void messagesWithIdsAreKeyedByTheirIdAndNoOtherKeyIsAnId() {
        PlannedConversation planned =
                plan(
                        new ConversationPlanner(PARIS, NOW),
                        conversation(
                                new SourceMessage(
                                        " m-1 ",
                                        "contact",
                                        null,
                                        null,
                                        "Hello",
                                        "2021-03-04T10:15:00Z",
                                        List.of(),
                                        false),
                                contact("2021-03-04T10:16:00Z", "Hello")));

        assertThat(planned.parts().get(0).key()).isEqualTo("m-1");
        // Ids are trimmed, so an id never starts with the space that starts every other key.
        assertThat(planned.parts().get(1).key())
                .startsWith(" ")
                .isNotEqualTo(planned.parts().get(1).key().trim());
    }

    /**
     * Issue 16 gave attachments a name and a type: a key still digests their URLs alone, so every
     * key written before (this one, computed by the digest as it was) survives, and a name or type
     * an export adds later moves none.
     */
    @Test
    void aKeyDigestsTheAttachmentsUrlsAloneAsBeforeTheyHadNamesAndTypes() {
        List<SourceAttachment> named =
                List.of(
                        new SourceAttachment(
                                " https://files.example/a.pdf", "a.pdf", "application/pdf"),
                        new SourceAttachment(
                                "https://files.example/b%20c.png ", "b c.png", "image/png"));
        List<SourceAttachment> urlsOnly =
                named.stream().map(file -> SourceAttachment.ofUrl(file.url())).toList();

        String expected =
                MessageKeys.WRITTEN_PREFIX
                        + "ce3aee6fa6479f47c4dafc728b440586a4e6b7a2f8168bdee604875ee7d27f14#1";
        assertThat(MessageKeys.of(List.of(withAttachments(named)))).containsExactly(expected);
        assertThat(MessageKeys.of(List.of(withAttachments(urlsOnly)))).containsExactly(expected);
    }

    private static SourceMessage withAttachments(List<SourceAttachment> attachments) {
        return new SourceMessage(
                null,
                "contact",
                "ann@example.org",
                null,
                "See the files, please!",
                "2021-03-04T10:21:00Z",
                attachments,
                false);
    }

    private static List<String> keys(PlannedConversation planned) {
        return planned.parts().stream().map(PlannedPart::key).toList();
    }

    private static SourceMessage contact(String createdAt, String body) {
        return new SourceMessage(null, "contact", null, null, body, createdAt, List.of(), false);
    }

    private static SourceMessage agent(String createdAt, String body) {
        return new SourceMessage(
                null, "agent", "bob@acme.example", "Bob", body, createdAt, List.of(), false);
    }

    private static SourceConversation conversation(SourceMessage... messages) {
        return new SourceConversation("c-1", null, null, null, List.of(), ANN, List.of(messages));
    }

    private static PlannedConversation plan(
            ConversationPlanner planner, SourceConversation conversation) {
        MappedRecord record =
                planner.process(
                        SourceRecord.of(new RecordOrigin("f", 1, "c-1", null), conversation));
        assertThat(record).isInstanceOf(Planned.class);
        return ((Planned) record).conversation();
    }

    /** The export's one conversation, read through the mapping and planned as the job does. */
    private static PlannedConversation planCsv(Path export, CsvMappingProperties mapping)
            throws IOException {
        List<SourceRecord> records = new ArrayList<>();
        try (RecordParser parser =
                InputFormat.open(
                        new ExportFile(export, InputFormat.CSV.format()),
                        new ReadContext(null, mapping.layout(ZoneOffset.UTC)))) {
            for (SourceRecord r = parser.next(); r != null; r = parser.next()) {
                records.add(r);
            }
        }
        assertThat(records).singleElement().satisfies(r -> assertThat(r.problem()).isNull());
        SourceConversation read = records.get(0).conversation();
        SourceConversation withContact =
                new SourceConversation(
                        read.id(), null, null, null, List.of(), ANN, read.messages());
        return plan(new ConversationPlanner(ZoneOffset.UTC, NOW), withContact);
    }

    private Path write(String text, Charset charset) throws IOException {
        Path file = Files.createTempFile(dir, "export", ".csv");
        Files.write(file, text.getBytes(charset));
        return file;
    }

    private static CsvMappingProperties mapping(String dateFormat, String zone, String encoding) {
        String yaml =
                """
                mapping:
                  columns:
                    conversation_id: Ticket
                    author_type: Sender
                    author_email: Sender email
                    created_at: Sent at
                    body: Text
                    attachments: Files
                  delimiter: ";"
                  encoding: %s
                  date-format: %s
                  timezone: %s
                  contact-authors: [Customer]
                  agent-authors: [Agent]
                """
                        .formatted(encoding, dateFormat, zone);
        return YamlBinding.bind(yaml, "mapping", CsvMappingProperties.class);
    }
}
