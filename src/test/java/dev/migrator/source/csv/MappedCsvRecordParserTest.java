package dev.migrator.source.csv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.migrator.source.RecordParser;
import dev.migrator.source.SourceAttachment;
import dev.migrator.source.SourceConversation;
import dev.migrator.source.SourceConversation.SourceMessage;
import dev.migrator.source.SourceRecord;
import dev.migrator.source.UnusableInputException;
import dev.migrator.source.format.ExportFile;
import dev.migrator.source.format.ReadContext;
import dev.migrator.source.input.ExportInspector;
import dev.migrator.source.input.InputFormat;
import dev.migrator.support.YamlBinding;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A CSV of another helpdesk read through the {@code mapping} section, bound from YAML by Spring
 * Boot's own loader and binder, as the application binds it.
 */
class MappedCsvRecordParserTest {

    private static final Charset WINDOWS_1252 = Charset.forName("windows-1252");
    private static final ZoneId PARIS = ZoneId.of("Europe/Paris");
    private static final Path SAMPLE = Path.of("samples/csv/helpdesk-export.csv");
    private static final String HEADER =
            "Ticket ID;Created;Subject;State;Labels;Customer email;Customer name;Message ID;"
                    + "Sender;Sender email;Sender name;Private;Sent at;Text;Files\r\n";

    @TempDir Path dir;

    static CsvMappingProperties bind(String yaml) {
        return YamlBinding.bind(yaml, "mapping", CsvMappingProperties.class);
    }

    static CsvLayout sampleLayout() throws Exception {
        return bind(Files.readString(Path.of("samples/csv/mapping.yml"))).layout(ZoneOffset.UTC);
    }

    private static long paris(String localDateTime) {
        return LocalDateTime.parse(localDateTime).atZone(PARIS).toEpochSecond();
    }

    private static List<SourceRecord> read(Path file, CsvLayout layout) throws Exception {
        // As the preflight reads it (the job's reader opens the same parser).
        try (RecordParser parser =
                InputFormat.open(
                        new ExportFile(file, InputFormat.CSV.format()),
                        new ReadContext(null, layout))) {
            List<SourceRecord> records = new ArrayList<>();
            for (SourceRecord r = parser.next(); r != null; r = parser.next()) {
                records.add(r);
            }
            return records;
        }
    }

    private Path write(String name, String text, Charset charset) throws Exception {
        Path file = dir.resolve(name);
        Files.write(file, text.getBytes(charset));
        return file;
    }

    /** One row of the sample's shape. */
    private static String row(
            String ticket,
            String state,
            String sender,
            String email,
            String isPrivate,
            String sentAt,
            String text) {
        return String.join(
                        ";",
                        ticket,
                        "",
                        "Subject " + ticket,
                        state,
                        "a|b",
                        "c" + ticket + "@example.org",
                        "Zoé",
                        "m" + sentAt.hashCode(),
                        sender,
                        email,
                        "",
                        isPrivate,
                        sentAt,
                        text,
                        "")
                + "\r\n";
    }

    @Test
    void readsTheSampleWithItsEncodingDelimiterDatesAndValues() throws Exception {
        List<SourceRecord> records = read(SAMPLE, sampleLayout());

        assertThat(records)
                .extracting(r -> r.origin().sourceId())
                .containsExactly("48213", "48217", "48220", "48225", "48231", "48236", "48240");
        assertThat(records)
                .extracting(r -> r.origin().line())
                .containsExactly(2L, 6L, 10L, 15L, 17L, 19L, 22L);

        SourceConversation refund = records.get(0).conversation();
        assertThat(refund.contact())
                .isEqualTo(
                        new SourceConversation.SourceContact(
                                "zoe.lefevre@example.fr", null, "Zoé Lefèvre", null));
        assertThat(refund.subject()).isEqualTo("Remboursement commande 1187");
        assertThat(refund.status()).isEqualTo("closed");
        assertThat(refund.tags()).containsExactly("billing", "refund");
        assertThat(refund.messages())
                .containsExactly(
                        new SourceMessage(
                                "900101",
                                "contact",
                                null,
                                null,
                                "Bonjour, j'ai été débité deux fois pour la commande 1187 (2 ×"
                                        + " 49,90 €).",
                                String.valueOf(paris("2023-01-12T09:14")),
                                List.of(
                                        SourceAttachment.ofUrl(
                                                "https://files.helpdesk.example/att/48213/releve.pdf")),
                                false,
                                "12/01/2023 09:14"),
                        new SourceMessage(
                                "900102",
                                "agent",
                                "bob@acme.example",
                                "Bob Stone",
                                "Bonjour Zoé, c'est corrigé : le remboursement de 49,90 € part"
                                        + " aujourd'hui.",
                                String.valueOf(paris("2023-01-12T10:02")),
                                List.of(),
                                false,
                                "12/01/2023 10:02"),
                        new SourceMessage(
                                "900103",
                                "agent",
                                "bob@acme.example",
                                "Bob Stone",
                                "Remboursement manuel fait dans Stripe (réf. re_3MxQ81).",
                                String.valueOf(paris("2023-01-12T10:05")),
                                List.of(),
                                true,
                                "12/01/2023 10:05"),
                        new SourceMessage(
                                "900104",
                                "contact",
                                null,
                                null,
                                "Merci beaucoup !",
                                String.valueOf(paris("2023-01-12T18:40")),
                                List.of(),
                                false,
                                "12/01/2023 18:40"));

        SourceConversation renewal = records.get(1).conversation();
        assertThat(renewal.status()).isEqualTo("open");
        assertThat(renewal.messages().get(0).body())
                .isEqualTo(
                        "Bonjour François,\n"
                            + "votre abonnement expire le 30/04. Souhaitez-vous le renouveler ?\n"
                            + "Carol");
        assertThat(renewal.messages().get(1).body())
                .isEqualTo("Oui, merci ; même formule que l’an dernier.");

        SourceConversation export = records.get(2).conversation();
        assertThat(export.messages().get(0).body()).contains("\"Ã©\" au lieu de \"é\"");
        assertThat(export.messages().get(0).attachments())
                .containsExactly(
                        SourceAttachment.ofUrl(
                                "https://files.helpdesk.example/att/48220/capture1.png"),
                        SourceAttachment.ofUrl(
                                "https://files.helpdesk.example/att/48220/capture2.png"));

        // Either side of the end of summer time: +02:00 on the 28th, +01:00 on the 30th.
        SourceConversation address = records.get(3).conversation();
        assertThat(address.tags()).isEmpty();
        assertThat(address.messages())
                .extracting(SourceMessage::createdAt)
                .containsExactly(
                        String.valueOf(
                                LocalDateTime.parse("2023-10-28T14:20")
                                        .toEpochSecond(ZoneOffset.UTC)),
                        String.valueOf(
                                LocalDateTime.parse("2023-10-30T08:05")
                                        .toEpochSecond(ZoneOffset.UTC)));

        SourceRecord bad = records.get(4);
        assertThat(bad.readable()).isFalse();
        assertThat(bad.origin().file()).isEqualTo(SAMPLE.toString());
        assertThat(bad.problem())
                .isEqualTo(
                        "line 18: column 'Sent at' (created_at) '2023-11-07 11:30' does not match"
                                + " mapping.date-format 'dd/MM/yyyy HH:mm'");
        assertThat(bad.origin().record().get(1).path("Sent at").asString())
                .isEqualTo("2023-11-07 11:30");

        assertThat(records.get(6).conversation().contact().name()).isEqualTo("Lukáš Novák");
        assertThat(records.get(6).conversation().messages().get(0).internal()).isTrue();
    }

    @Test
    void theSampleIsDetectedWithItsMappingAndOnlyWithIt() throws Exception {
        assertThat(ExportInspector.detectFormat(SAMPLE, sampleLayout())).contains(InputFormat.CSV);
        assertThat(ExportInspector.detectFormat(SAMPLE, null)).isEmpty();
    }

    @Test
    void conversationsWhoseRowsAreNotContiguousAreRejectedWholeNamingTheirLines() throws Exception {
        Path file =
                write(
                        "split.csv",
                        HEADER
                                + row("1", "Open", "Customer", "", "no", "01/02/2023 10:00", "one")
                                + row("2", "Open", "Customer", "", "no", "01/02/2023 11:00", "two")
                                + row(
                                        "1",
                                        "Open",
                                        "Agent",
                                        "bob@acme.example",
                                        "no",
                                        "01/02/2023 12:00",
                                        "one again")
                                + row(
                                        "3",
                                        "Open",
                                        "Customer",
                                        "",
                                        "no",
                                        "01/02/2023 13:00",
                                        "three")
                                + row(
                                        "1",
                                        "Open",
                                        "Customer",
                                        "",
                                        "no",
                                        "01/02/2023 14:00",
                                        "one, third time"),
                        WINDOWS_1252);

        List<SourceRecord> records = read(file, sampleLayout());

        assertThat(records)
                .extracting(r -> r.origin().sourceId())
                .containsExactly("1", "2", "1", "3", "1");
        assertThat(records).extracting(r -> r.origin().line()).containsExactly(2L, 3L, 4L, 5L, 6L);
        String reason =
                "the rows of conversation 1 are not contiguous: they are in 3 places, starting at"
                    + " lines 2, 4, 6; none of them is migrated. Sort the file by its column"
                    + " 'Ticket ID' (conversation_id) (keeping each conversation's rows in order)"
                    + " and run it again";
        assertThat(records)
                .filteredOn(r -> r.origin().sourceId().equals("1"))
                .extracting(SourceRecord::problem)
                .containsOnly(reason);
        assertThat(records)
                .filteredOn(r -> !r.origin().sourceId().equals("1"))
                .allMatch(SourceRecord::readable);
    }

    @Test
    void blankLinesAndDelimiterOnlyRowsAreSkippedAndLineNumbersStayTrue() throws Exception {
        Path file =
                write(
                        "blanks.csv",
                        "\r\n"
                                + HEADER
                                + row(
                                        "1",
                                        "Open",
                                        "Customer",
                                        "",
                                        "no",
                                        "01/02/2023 10:00",
                                        "\"multi\r\nline\"")
                                + "\r\n;;;;;;;;;;;;;;\r\n\r\n"
                                + row("2", "Open", "Customer", "", "no", "01/02/2023 11:00", "two")
                                + row("2", "Open", "Agent", "", "no", "not a date", "bad")
                                + "\r\n\r\n",
                        WINDOWS_1252);

        List<SourceRecord> records = read(file, sampleLayout());

        assertThat(records).extracting(r -> r.origin().line()).containsExactly(3L, 8L);
        assertThat(records.get(0).conversation().messages().get(0).body())
                .isEqualTo("multi\r\nline");
        assertThat(records.get(1).problem())
                .startsWith("line 9: column 'Sent at' (created_at) 'not a date'");
    }

    @Test
    void datesAreReadInTheMappingsZoneThroughDaylightSavingChanges() throws Exception {
        Path file =
                write(
                        "dates.csv",
                        HEADER
                                + row(
                                        "1",
                                        "Open",
                                        "Customer",
                                        "",
                                        "no",
                                        "31/03/2024 02:30",
                                        "in the spring gap")
                                + row(
                                        "1",
                                        "Open",
                                        "Customer",
                                        "",
                                        "no",
                                        "27/10/2024 02:30",
                                        "in the autumn overlap"),
                        WINDOWS_1252);

        List<SourceRecord> records = read(file, sampleLayout());

        // The gap moves forward by its length (03:30 CEST); the repeated hour is its first
        // occurrence (CEST).
        assertThat(records.get(0).conversation().messages())
                .extracting(SourceMessage::createdAt)
                .containsExactly(
                        String.valueOf(
                                LocalDateTime.parse("2024-03-31T01:30")
                                        .toEpochSecond(ZoneOffset.UTC)),
                        String.valueOf(
                                LocalDateTime.parse("2024-10-27T00:30")
                                        .toEpochSecond(ZoneOffset.UTC)));
    }

    @Test
    void invalidDaysAndNotationsOfOtherPatternsAreRejectedWithTheLineAndValue() throws Exception {
        Path file =
                write(
                        "dates.csv",
                        HEADER
                                + row(
                                        "1",
                                        "Open",
                                        "Customer",
                                        "",
                                        "no",
                                        "1/2/2024 10:00",
                                        "single digits")
                                + row(
                                        "2",
                                        "Open",
                                        "Customer",
                                        "",
                                        "no",
                                        "31/02/2023 10:00",
                                        "no such day")
                                + row(
                                        "3",
                                        "Open",
                                        "Customer",
                                        "",
                                        "no",
                                        "28/02/2023 10:00",
                                        "fine"),
                        WINDOWS_1252);

        List<SourceRecord> records = read(file, sampleLayout());

        assertThat(records.get(0).problem())
                .isEqualTo(
                        "line 2: column 'Sent at' (created_at) '1/2/2024 10:00' does not match"
                                + " mapping.date-format 'dd/MM/yyyy HH:mm'");
        assertThat(records.get(1).problem())
                .isEqualTo(
                        "line 3: column 'Sent at' (created_at) '31/02/2023 10:00' does not match"
                                + " mapping.date-format 'dd/MM/yyyy HH:mm'");
        assertThat(records.get(2).conversation().messages().get(0).createdAt())
                .isEqualTo(String.valueOf(paris("2023-02-28T10:00")));
    }

    @Test
    void otherPatternsOffsetsAndTheDefaultNotations() throws Exception {
        String columns =
                """
                mapping:
                  columns:
                    conversation_id: id
                    author_type: who
                    created_at: at
                    body: text
                """;
        Path file =
                write(
                        "t.csv",
                        "id,who,at,text\n"
                                + "1,contact,2023-03-04T10:15:00+05:00,x\n"
                                + "1,agent,2023-03-04 10:20,y\n"
                                + "1,agent,1677925000,z\n",
                        StandardCharsets.UTF_8);

        // No date-format: ISO-8601 and epoch, local times in the mapping's zone (else
        // migration.timezone).
        List<String> times =
                read(file, bind(columns + "  timezone: Asia/Tokyo\n").layout(ZoneOffset.UTC))
                        .get(0)
                        .conversation()
                        .messages()
                        .stream()
                        .map(SourceMessage::createdAt)
                        .toList();
        assertThat(times)
                .containsExactly(
                        String.valueOf(
                                LocalDateTime.parse("2023-03-04T05:15")
                                        .toEpochSecond(ZoneOffset.UTC)),
                        String.valueOf(
                                LocalDateTime.parse("2023-03-04T01:20")
                                        .toEpochSecond(ZoneOffset.UTC)),
                        "1677925000");
        assertThat(
                        read(file, bind(columns).layout(ZoneOffset.UTC))
                                .get(0)
                                .conversation()
                                .messages()
                                .get(1)
                                .createdAt())
                .isEqualTo(
                        String.valueOf(
                                LocalDateTime.parse("2023-03-04T10:20")
                                        .toEpochSecond(ZoneOffset.UTC)));

        Path us =
                write(
                        "us.csv",
                        "id,who,at,text\n"
                                + "1,contact,03/04/2023 02:15 pm,x\n"
                                + "1,agent,2023-03-04T10:15:00-0500,y\n",
                        StandardCharsets.UTF_8);
        List<SourceRecord> usRecords =
                read(
                        us,
                        bind(columns
                                        + "  date-format: MM/dd/uuuu hh:mm a\n"
                                        + "  timezone: America/New_York\n")
                                .layout(ZoneOffset.UTC));
        assertThat(usRecords.get(0).problem())
                .contains(
                        "line 3: column 'at' (created_at) '2023-03-04T10:15:00-0500' "
                                + "does not match mapping.date-format 'MM/dd/uuuu hh:mm a'");
        Path usOnly =
                write(
                        "us2.csv",
                        "id,who,at,text\n1,contact,03/04/2023 02:15 pm,x\n",
                        StandardCharsets.UTF_8);
        assertThat(
                        read(
                                        usOnly,
                                        bind(columns
                                                        + "  date-format: MM/dd/uuuu hh:mm a\n"
                                                        + "  timezone: America/New_York\n")
                                                .layout(ZoneOffset.UTC))
                                .get(0)
                                .conversation()
                                .messages()
                                .get(0)
                                .createdAt())
                .isEqualTo(
                        String.valueOf(
                                LocalDateTime.parse("2023-03-04T19:15")
                                        .toEpochSecond(ZoneOffset.UTC)));

        Path offsets =
                write(
                        "o.csv",
                        "id,who,at,text\n1,contact,04.03.2023 10:15 +0100,x\n",
                        StandardCharsets.UTF_8);
        assertThat(
                        read(
                                        offsets,
                                        bind(columns
                                                        + "  date-format: dd.MM.yyyy HH:mm Z\n"
                                                        + "  timezone: Asia/Tokyo\n")
                                                .layout(ZoneOffset.UTC))
                                .get(0)
                                .conversation()
                                .messages()
                                .get(0)
                                .createdAt())
                .isEqualTo(
                        String.valueOf(
                                LocalDateTime.parse("2023-03-04T09:15")
                                        .toEpochSecond(ZoneOffset.UTC)));
    }

    @Test
    void authorPrivateAndStateValuesAreTheMappingsAnyCase() throws Exception {
        Path file =
                write(
                        "values.csv",
                        HEADER
                                + row(
                                        "1",
                                        "RESOLVED",
                                        "customer",
                                        "",
                                        "No",
                                        "01/02/2023 10:00",
                                        "hi")
                                + row(
                                        "1",
                                        "RESOLVED",
                                        "AGENT",
                                        "bob@acme.example",
                                        "YES",
                                        "01/02/2023 10:01",
                                        "note")
                                + row(
                                        "2",
                                        "Closed",
                                        "Customer",
                                        "",
                                        "no",
                                        "01/02/2023 11:00",
                                        "not closed by this mapping")
                                + row("3", "Open", "Bot", "", "no", "01/02/2023 12:00", "who?"),
                        WINDOWS_1252);

        List<SourceRecord> records = read(file, sampleLayout());

        assertThat(records.get(0).conversation().status()).isEqualTo("closed");
        assertThat(records.get(0).conversation().messages())
                .extracting(m -> m.authorType() + ":" + m.internal())
                .containsExactly("contact:false", "agent:true");
        assertThat(records.get(1).conversation().status()).isEqualTo("open");
        assertThat(records.get(2).problem())
                .isEqualTo(
                        "line 5: column 'Sender' (author_type) 'Bot' is in neither"
                                + " mapping.contact-authors [customer] nor mapping.agent-authors"
                                + " [agent]");
    }

    @Test
    void anUnquotedYesInYamlStillMeansYes() throws Exception {
        CsvLayout layout =
                bind(Files.readString(Path.of("samples/csv/mapping.yml"))
                                .replace("[\"yes\"]", "[yes]"))
                        .layout(ZoneOffset.UTC);
        Path file =
                write(
                        "yes.csv",
                        HEADER
                                + row("1", "Open", "Customer", "", "no", "01/02/2023 10:00", "hi")
                                + row(
                                        "1",
                                        "Open",
                                        "Agent",
                                        "bob@acme.example",
                                        "yes",
                                        "01/02/2023 10:01",
                                        "note"),
                        WINDOWS_1252);

        assertThat(read(file, layout).get(0).conversation().messages().get(1).internal()).isTrue();
    }

    @Test
    void aTabDelimiterWrittenEitherWay() throws Exception {
        String columns =
                "mapping:\n"
                        + "  columns:\n"
                        + "    conversation_id: id\n"
                        + "    author_type: who\n"
                        + "    created_at: at\n"
                        + "    body: text\n";
        Path file =
                write(
                        "t.tsv",
                        "id\twho\tat\ttext\n1\tcontact\t2023-03-04T10:15:00Z\ta, b; c\n",
                        StandardCharsets.UTF_8);
        for (String delimiter : List.of("\"\\t\"", "'\\t'")) {
            CsvLayout layout =
                    bind(columns + "  delimiter: " + delimiter + "\n").layout(ZoneOffset.UTC);
            assertThat(layout.delimiter()).as(delimiter).isEqualTo('\t');
            assertThat(read(file, layout).get(0).conversation().messages().get(0).body())
                    .isEqualTo("a, b; c");
        }
    }

    @Test
    void aFileNotInTheConfiguredEncodingStopsNamingTheLine() throws Exception {
        String longLine =
                "1;;;Open;;a@example.org;Ann;m1;Customer;;;no;01/02/2023 10:00;"
                        + "x".repeat(20_000)
                        + ";\r\n";
        Path file =
                write(
                        "latin.csv",
                        HEADER + longLine + longLine.replace("m1", "m2").replace("Ann", "Zoé"),
                        WINDOWS_1252);
        CsvLayout utf8 =
                bind(Files.readString(Path.of("samples/csv/mapping.yml"))
                                .replace("encoding: windows-1252", ""))
                        .layout(ZoneOffset.UTC);

        assertThatThrownBy(() -> read(file, utf8))
                .isInstanceOf(UnusableInputException.class)
                .hasMessage(
                        file
                                + ": line 3 is not UTF-8 text; set mapping.encoding to the file's"
                                + " character set (often windows-1252 or ISO-8859-1 for exports"
                                + " from Windows tools, UTF-16 for some spreadsheet exports)");

        Path header = write("latin-header.csv", HEADER.replace("Sent at", "Envoyé"), WINDOWS_1252);
        assertThatThrownBy(() -> read(header, utf8))
                .isInstanceOf(UnusableInputException.class)
                .hasMessageStartingWith(header + ": line 1 is not UTF-8 text");
    }

    @Test
    void aHeaderWithoutTheMappedColumnsSaysWhatItHas() throws Exception {
        Path commas = write("commas.csv", HEADER.replace(';', ','), WINDOWS_1252);
        assertThatThrownBy(() -> read(commas, sampleLayout()))
                .isInstanceOf(UnusableInputException.class)
                .hasMessageStartingWith(
                        commas
                                + ": the CSV header lacks the column(s) 'Ticket ID' (mapped to"
                                + " conversation_id), ")
                .hasMessageEndingWith(
                        "the header looks ','-separated: set mapping.delimiter to \",\"");

        Path renamed = write("renamed.csv", HEADER.replace("Sent at", "Date"), WINDOWS_1252);
        assertThatThrownBy(() -> read(renamed, sampleLayout()))
                .isInstanceOf(UnusableInputException.class)
                .hasMessageContaining(
                        "lacks the column(s) 'Sent at' (mapped to created_at); its columns are"
                                + " 'Ticket ID', 'Created', 'Subject'")
                .hasMessageEndingWith(
                        "check mapping.columns and mapping.delimiter in the configuration");
    }

    @Test
    void anEmptyFileAHeaderOnlyAndDuplicateColumns() throws Exception {
        Path empty = write("empty.csv", "", WINDOWS_1252);
        assertThatThrownBy(() -> read(empty, sampleLayout()))
                .isInstanceOf(UnusableInputException.class)
                .hasMessage(empty + ": the file is empty: a CSV export starts with its header row");

        Path headerOnly = write("header.csv", "\r\n" + HEADER, WINDOWS_1252);
        assertThat(read(headerOnly, sampleLayout())).isEmpty();

        Path twice = write("twice.csv", HEADER.replace("Created", "Subject"), WINDOWS_1252);
        assertThatThrownBy(() -> read(twice, sampleLayout()))
                .isInstanceOf(UnusableInputException.class)
                .hasMessage(
                        twice
                                + ": the CSV header has more than one column named 'Subject'"
                                + " (mapped to subject): rename them so that the one to read is"
                                + " unique");
        Path unmappedTwice =
                write(
                        "unmapped.csv",
                        HEADER.replace("Created", "Notes").replace("Labels", "Notes")
                                + row("1", "Open", "Customer", "", "no", "01/02/2023 10:00", "hi"),
                        WINDOWS_1252);
        assertThat(read(unmappedTwice, sampleLayout()))
                .singleElement()
                .satisfies(r -> assertThat(r.problem()).isNull());
    }

    @Test
    void aTrailingDelimiterInTheHeaderIsNoProblem() throws Exception {
        Path file =
                write(
                        "trailing.csv",
                        HEADER.replace("\r\n", ";\r\n")
                                + row("1", "Open", "Customer", "", "no", "01/02/2023 10:00", "hi")
                                        .replace("\r\n", ";\r\n"),
                        WINDOWS_1252);

        assertThat(read(file, sampleLayout()))
                .singleElement()
                .satisfies(r -> assertThat(r.readable()).isTrue());
    }

    @Test
    void aConversationTimeThatDoesNotReadIsKeptAsWrittenSinceItIsNotUsed() throws Exception {
        Path file =
                write(
                        "created.csv",
                        HEADER
                                + row("1", "Open", "Customer", "", "no", "01/02/2023 10:00", "hi")
                                        .replaceFirst(";;", ";yesterday;"),
                        WINDOWS_1252);

        SourceRecord record = read(file, sampleLayout()).get(0);

        assertThat(record.readable()).isTrue();
        assertThat(record.conversation().createdAt()).isEqualTo("yesterday");
    }

    /**
     * The details columns are mapped like any other; every column left unmapped is a field keyed by
     * its header, for mapping.attributes to name.
     */
    @Test
    void mapsTheDetailsColumnsAndKeepsEveryUnmappedColumnAsAField() throws Exception {
        CsvLayout layout =
                bind("""
                mapping:
                  columns:
                    conversation_id: Ticket
                    contact_email: Customer
                    author_type: From
                    created_at: At
                    body: Text
                    assignee_email: Owner
                    team: Queue
                    company_id: Account no
                    company_name: Account
                  agent-authors: [Agent]
                  contact-authors: [Customer]
                """)
                        .layout(ZoneOffset.UTC);
        Path file =
                write(
                        "export.csv",
                        "Ticket,Customer,From,At,Text,Owner,Queue,Account no,Account,Priority,"
                                + "Order total\r\n"
                                + "7,ann@example.org,Customer,2023-01-12T09:14:00Z,Hi,"
                                + "bob@acme.example,Billing queue,A-9,Acme Ltd,High,49.90\r\n"
                                + "7,ann@example.org,Agent,2023-01-12T10:00:00Z,Hello,"
                                + "carol@acme.example,Sales,A-9,Acme Ltd,Low,\r\n",
                        StandardCharsets.UTF_8);

        List<SourceRecord> records = read(file, layout);

        assertThat(records)
                .singleElement()
                .extracting(r -> r.conversation().details())
                .isEqualTo(
                        new SourceConversation.Details(
                                "bob@acme.example",
                                "Billing queue",
                                Map.of("Priority", "High", "Order total", "49.90"),
                                new SourceConversation.SourceCompany("A-9", "Acme Ltd")));
    }

    @Test
    void theSampleGivesSeveralConversationsAnOwnerAQueueAnAccountAndFields() throws Exception {
        List<SourceRecord> records = read(SAMPLE, sampleLayout());

        assertThat(records.get(0).conversation().details())
                .isEqualTo(
                        new SourceConversation.Details(
                                "bob@acme.example",
                                "Facturation",
                                Map.of("Priority", "Haute", "Articles", "2"),
                                new SourceConversation.SourceCompany("C-4410", "Lefèvre & Fils")));
        assertThat(records)
                .filteredOn(r -> r.conversation() != null)
                .filteredOn(r -> r.conversation().details().assigneeEmail() != null)
                .hasSize(4);
    }
}
