package dev.migrator.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.migrator.e2e.InboxWorkspace.ContactCompany;
import dev.migrator.e2e.InboxWorkspace.SourceDetails;
import dev.migrator.testserver.FakeIntercom;
import dev.migrator.testserver.FakeIntercom.Contact;
import dev.migrator.testserver.FakeIntercom.Conversation;
import dev.migrator.testserver.FakeIntercom.Part;
import java.io.Reader;
import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.Yaml;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Another helpdesk's CSV ({@code samples/csv/helpdesk-export.csv}: semicolons, windows-1252,
 * day-first Paris times) migrated by the real application through the mapping of {@code
 * samples/csv/mapping.yml}, and checked row by row against the file.
 */
class MappedCsvPresetTest {

    private static final String SAMPLE = "samples/csv/helpdesk-export.csv";
    private static final String BAD_TICKET = "48231";
    private static final Charset WINDOWS_1252 = Charset.forName("windows-1252");
    private static final ZoneId PARIS = ZoneId.of("Europe/Paris");
    private static final DateTimeFormatter DAY_FIRST =
            DateTimeFormatter.ofPattern("dd/MM/yyyy HH:mm");
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Pattern HTML_TAG = Pattern.compile("<\\s*/?\\s*[a-zA-Z][^>]*>");

    @TempDir Path workDir;

    private FakeIntercom intercom;
    private Map<String, String> adminIds;

    @BeforeEach
    void startIntercom() {
        intercom = FakeIntercom.start();
        adminIds = Agents.addTo(intercom);
    }

    @AfterEach
    void stopIntercom() {
        intercom.close();
    }

    private MigratorProcess migrator(String extraConfig) throws Exception {
        return new MigratorProcess(workDir, intercom.baseUrl(), FakeIntercom.TOKEN, extraConfig);
    }

    private static String sampleMapping() throws Exception {
        return Files.readString(Path.of("samples/csv/mapping.yml"));
    }

    /**
     * The workspace as a customer sets it up: the Facturation queue is the Billing team, through
     * {@code mapping.teams}; Support has no team in Intercom and stays unassigned. The unmapped
     * columns fill attributes, Priority a list and Articles a number under another name.
     */
    private InboxWorkspace workspace() {
        return new InboxWorkspace(intercom)
                .team("Billing")
                .teamMapping("Facturation", "Billing")
                .listAttribute("Priority", "Priority", "Basse", "Normale", "Haute")
                .attribute("Articles", "Items", "integer");
    }

    @Test
    void migratesEveryGoodTicketWithItsRowsAndRejectsTheRowWhoseDateDoesNotMatch()
            throws Exception {
        InboxWorkspace workspace = workspace();
        // The tables sit beside the sample's columns, in its mapping section.
        MigratorProcess migrator = migrator(sampleMapping() + workspace.mappingTables());

        MigratorProcess.Result result =
                migrator.run("migrate", "--input", SAMPLE, "--format", "csv");

        assertThat(result.exitCode()).as(result.all()).isEqualTo(3);
        Map<String, List<CSVRecord>> tickets = tickets();
        tickets.remove(BAD_TICKET);
        assertThat(tickets).hasSize(6);
        assertThat(intercom.conversations()).hasSize(tickets.size());
        assertThat(intercom.contacts()).hasSize(tickets.size());
        assertThat(intercom.notifications()).as("customer notifications").isZero();
        Set<String> unmapped = unmappedColumns(tickets.values().iterator().next().get(0));
        tickets.forEach(
                (ticket, rows) ->
                        checkTicket(
                                ticket, rows, workspace, sourceDetails(ticket, rows, unmapped)));
        workspace.checkCompaniesAndSummary(migrator.runDir(1).resolve("summary.json"));

        List<String> rejects = Files.readAllLines(migrator.runDir(1).resolve("rejects.jsonl"));
        assertThat(rejects)
                .singleElement()
                .satisfies(
                        line -> {
                            JsonNode reject = JSON.readTree(line);
                            assertThat(reject.path("file").asString()).endsWith(SAMPLE);
                            assertThat(reject.path("line").asLong()).isEqualTo(17);
                            assertThat(reject.path("source_id").asString()).isEqualTo(BAD_TICKET);
                            assertThat(reject.path("reason").asString())
                                    .isEqualTo(
                                            "line 18: column 'Sent at' (created_at) '2023-11-07"
                                                    + " 11:30' does not match mapping.date-format"
                                                    + " 'dd/MM/yyyy HH:mm'");
                            assertThat(
                                            reject.path("record")
                                                    .get(1)
                                                    .path("Customer name")
                                                    .asString())
                                    .isEqualTo("Ana Sousa");
                        });

        InboxWorkspace.checkRunsAgainChangeNothing(
                intercom, migrator, Path.of(SAMPLE), "--format", "csv");
    }

    @Test
    void detectsTheFormatFromTheMappedHeaderWhenNoneIsGiven() throws Exception {
        MigratorProcess.Result result = migrator(sampleMapping()).run("migrate", "--input", SAMPLE);

        assertThat(result.exitCode()).as(result.all()).isEqualTo(3);
        assertThat(result.out()).contains("Detected format csv for " + SAMPLE + ".");
        assertThat(intercom.conversations()).hasSize(6);
    }

    @Test
    void aMappingMistakeStopsEveryCommandWithOneLine() throws Exception {
        String mapping = sampleMapping();
        assertUnusable(
                migrator(mapping.replace("    subject: Subject", "    topic: Subject"))
                        .run("migrate", "--input", SAMPLE, "--format", "csv"),
                "mapping.columns: topic is not a canonical field");
        assertUnusable(
                migrator(mapping.replace("    created_at: Sent at", ""))
                        .run("migrate", "--input", SAMPLE, "--format", "csv"),
                "mapping.columns must name the column(s) holding created_at");
        assertUnusable(
                migrator(mapping.replace("dd/MM/yyyy HH:mm", "dd/MM/yyyy hh:mm bb")).run("status"),
                "mapping.date-format 'dd/MM/yyyy hh:mm bb' is not a date pattern");
        assertUnusable(
                migrator(mapping.replace("encoding: windows-1252", "encoding: cp-1252-typo"))
                        .run("migrate", "--input", SAMPLE, "--format", "csv"),
                "mapping.encoding 'cp-1252-typo' is not a character set");
        assertThat(intercom.requests("POST /conversations")).isZero();
    }

    @Test
    void aFileThatDoesNotFitTheMappingStopsBeforeAnythingIsSent() throws Exception {
        String mapping = sampleMapping();
        assertUnusable(
                migrator(mapping.replace("created_at: Sent at", "created_at: Sent on"))
                        .run("migrate", "--input", SAMPLE, "--format", "csv"),
                SAMPLE + ": the CSV header lacks the column(s) 'Sent on' (mapped to created_at)");
        assertUnusable(
                migrator(mapping.replace("encoding: windows-1252", ""))
                        .run("migrate", "--input", SAMPLE, "--format", "csv"),
                SAMPLE + ": line 2 is not UTF-8 text; set mapping.encoding");
        assertUnusable(
                migrator("").run("migrate", "--input", SAMPLE, "--format", "csv"),
                "--format csv reads a CSV through the mapping section of the configuration");
        assertThat(intercom.requests("POST /conversations")).isZero();
        assertThat(intercom.contacts()).isEmpty();
    }

    private void checkTicket(
            String ticket, List<CSVRecord> rows, InboxWorkspace workspace, SourceDetails details) {
        CSVRecord head = rows.get(0);
        List<Contact> contacts =
                intercom.contacts().stream()
                        .filter(c -> head.get("Customer email").equals(c.email()))
                        .toList();
        assertThat(contacts)
                .as("%s contact", ticket)
                .singleElement()
                .satisfies(
                        c -> {
                            assertThat(c.name())
                                    .as("%s contact name", ticket)
                                    .isEqualTo(head.get("Customer name"));
                            assertThat(c.role()).isEqualTo("user");
                        });
        String contactId = contacts.get(0).id();
        List<Conversation> found = intercom.conversationsOf(contactId);
        assertThat(found).as("%s created exactly once", ticket).hasSize(1);
        Conversation conversation = found.get(0);
        assertThat(conversation.subject()).as("%s subject", ticket).isEqualTo(head.get("Subject"));
        assertThat(conversation.createdAt().getEpochSecond())
                .as("%s opening time", ticket)
                .isEqualTo(paris(head));

        List<CSVRecord> replies;
        boolean startedByAgent = head.get("Sender").equals("Agent");
        if (startedByAgent) {
            assertThat(conversation.body())
                    .as("%s marker", ticket)
                    .isEqualTo(
                            "Conversation started by "
                                    + head.get("Sender name")
                                    + " ("
                                    + head.get("Sender email")
                                    + ").");
            replies = rows;
        } else {
            assertThat(conversation.body())
                    .as("%s opening body", ticket)
                    .isEqualTo(head.get("Text"));
            assertThat(conversation.attachments())
                    .as("%s opening attachments", ticket)
                    .containsExactlyElementsOf(files(head));
            replies = rows.subList(1, rows.size());
        }
        List<Part> parts = InboxWorkspace.messages(conversation);
        assertThat(parts).as("%s parts", ticket).hasSize(replies.size());
        for (int i = 0; i < replies.size(); i++) {
            CSVRecord row = replies.get(i);
            Part part = parts.get(i);
            String label = ticket + " message " + row.get("Message ID");
            assertThat(part.createdAt().getEpochSecond())
                    .as(label + " created_at")
                    .isEqualTo(paris(row));
            boolean agent = row.get("Sender").equals("Agent");
            boolean note = row.get("Private").equals("yes");
            assertThat(part.partType()).as(label + " kind").isEqualTo(note ? "note" : "comment");
            if (agent) {
                assertThat(part.authorType()).as(label + " author").isEqualTo("admin");
                assertThat(part.authorId())
                        .as(label + " admin")
                        .isEqualTo(adminIds.get(row.get("Sender email")));
                assertThat(part.skipNotifications()).as(label + " skip_notifications").isTrue();
            } else {
                assertThat(part.authorType()).as(label + " author").isEqualTo("user");
                assertThat(part.authorId()).as(label + " contact").isEqualTo(contactId);
            }
            assertThat(part.body())
                    .as(label + " body")
                    .isEqualTo(row.get("Text"))
                    .doesNotContainPattern(HTML_TAG);
            assertThat(part.attachments())
                    .as(label + " attachments")
                    .containsExactlyElementsOf(files(row));
        }
        boolean closed = head.get("State").equals("Resolved");
        assertThat(conversation.isOpen()).as("%s open", ticket).isEqualTo(!closed);
        assertThat(conversation.tags())
                .as("%s tags", ticket)
                .containsExactlyInAnyOrderElementsOf(split(head.get("Labels")));
        workspace.check(conversation, details);
    }

    /**
     * What a ticket says around its rows, from its first row, as docs/formats/any-csv.md says:
     * Owner, Queue, every column the sample's mapping does not name as a field keyed by its header,
     * and the company Account no names, with Account as its name.
     */
    private static SourceDetails sourceDetails(
            String ticket, List<CSVRecord> rows, Set<String> unmappedColumns) {
        CSVRecord head = rows.get(0);
        Map<String, String> fields = new LinkedHashMap<>();
        unmappedColumns.forEach(
                column -> {
                    if (!head.get(column).isEmpty()) {
                        fields.put(column, head.get(column));
                    }
                });
        return new SourceDetails(
                ticket,
                head.get("Subject"),
                emptyToNull(head.get("Owner")),
                emptyToNull(head.get("Queue")),
                fields,
                head.get("State").equals("Resolved"),
                head.get("Account no").isEmpty()
                        ? null
                        : new ContactCompany(head.get("Account no"), head.get("Account")));
    }

    /** The sample's headers that samples/csv/mapping.yml does not map to a canonical field. */
    @SuppressWarnings("unchecked")
    private static Set<String> unmappedColumns(CSVRecord anyRow) throws Exception {
        Map<String, Object> config = new Yaml().load(sampleMapping());
        Map<String, String> columns =
                (Map<String, String>) ((Map<String, Object>) config.get("mapping")).get("columns");
        Set<String> unmapped = new LinkedHashSet<>(anyRow.toMap().keySet());
        unmapped.removeAll(columns.values());
        assertThat(unmapped).as("the sample's unmapped columns").isNotEmpty();
        return unmapped;
    }

    private static String emptyToNull(String value) {
        return value.isEmpty() ? null : value;
    }

    /** The sample's rows by ticket, in file order, read independently of the migrator. */
    private static Map<String, List<CSVRecord>> tickets() throws Exception {
        Map<String, List<CSVRecord>> tickets = new LinkedHashMap<>();
        CSVFormat format =
                CSVFormat.RFC4180
                        .builder()
                        .setDelimiter(';')
                        .setHeader()
                        .setSkipHeaderRecord(true)
                        .get();
        try (Reader reader = Files.newBufferedReader(Path.of(SAMPLE), WINDOWS_1252);
                CSVParser parser = CSVParser.builder().setReader(reader).setFormat(format).get()) {
            for (CSVRecord row : parser) {
                tickets.computeIfAbsent(row.get("Ticket ID"), k -> new ArrayList<>()).add(row);
            }
        }
        return tickets;
    }

    /** A row's "Sent at", a Paris wall-clock time, in epoch seconds. */
    private static long paris(CSVRecord row) {
        return LocalDateTime.parse(row.get("Sent at"), DAY_FIRST).atZone(PARIS).toEpochSecond();
    }

    private static List<String> files(CSVRecord row) {
        return split(row.get("Files"));
    }

    private static List<String> split(String joined) {
        return joined.isEmpty() ? List.of() : Arrays.asList(joined.split("\\|"));
    }

    private static void assertUnusable(MigratorProcess.Result result, String reason) {
        assertThat(result.exitCode()).as(result.all()).isEqualTo(2);
        assertThat(result.err()).contains(reason);
        assertThat(result.err().lines().filter(l -> l.startsWith("error:")).count())
                .as(result.all())
                .isEqualTo(1);
        assertThat(result.all()).doesNotContain("Exception").doesNotContain("\tat ");
    }
}
