package dev.migrator.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.migrator.e2e.InboxWorkspace.ContactCompany;
import dev.migrator.e2e.InboxWorkspace.SourceDetails;
import dev.migrator.testserver.FakeIntercom;
import dev.migrator.testserver.FakeIntercom.Contact;
import dev.migrator.testserver.FakeIntercom.Conversation;
import java.io.IOException;
import java.io.Reader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Titles, owners, attributes and companies of the canonical sample, through the real application
 * into the fake Intercom: checked by the preflight, applied once, kept through re-runs.
 */
class AroundTheThreadTest {

    private static final Path SAMPLE = Path.of("samples/conversations.json");
    private static final Path CSV_SAMPLE = Path.of("samples/conversations.csv");
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Set<String> CLOSED_STATUSES = Set.of("closed", "solved");

    /**
     * A canonical conversation's contact, how the migrator finds it (email, else external id),
     * beside what it says around its thread.
     */
    private record SampleConversation(SourceDetails details, String email, String externalId) {}

    @TempDir Path workDir;

    private final HttpClient http = HttpClient.newHttpClient();
    private FakeIntercom intercom;
    private Map<String, String> adminIds;

    @BeforeEach
    void setUp() {
        intercom = FakeIntercom.start();
        adminIds = Agents.addTo(intercom);
    }

    @AfterEach
    void tearDown() {
        intercom.close();
    }

    @Test
    void attributesTheWorkspaceLacksOrCannotTakeStopTheRunBeforeAnythingIsSent() throws Exception {
        intercom.addConversationAttribute("Priority", "string");
        intercom.addConversationAttribute("Linked order", "relationship");
        intercom.addConversationAttribute("Plan", "string");
        intercom.addConversationAttribute("Plan", "list");
        MigratorProcess migrator =
                new MigratorProcess(
                        workDir,
                        intercom.baseUrl(),
                        FakeIntercom.TOKEN,
                        """
                        mapping:
                          attributes:
                            - {source: priority, intercom: Priority}
                            - {source: order, intercom: Order number}
                            - {source: order_link, intercom: Linked order}
                            - {source: plan, intercom: Plan}
                        """);

        MigratorProcess.Result result = migrator.run("migrate", "--input", SAMPLE.toString());

        assertThat(result.exitCode()).as(result.all()).isEqualTo(2);
        assertThat(result.err())
                .contains(
                        "mapping.attributes: in workspace",
                        "\"Order number\" does not exist",
                        "\"Linked order\" is of type relationship",
                        "\"Plan\" names 2 attributes")
                .doesNotContain("Priority", "\tat ");
        assertThat(intercom.requests("POST /conversations")).isZero();
        assertThat(intercom.requests("POST /contacts")).isZero();
    }

    @Test
    void theCanonicalJsonSampleEndsWithItsTitlesOwnersAttributesAndCompaniesOnce()
            throws Exception {
        Map<String, SampleConversation> sample = jsonSample();

        MigratorProcess migrator = migrateCanonical(SAMPLE, sample);

        InboxWorkspace.checkRunsAgainChangeNothing(intercom, migrator, SAMPLE);
    }

    @Test
    void theCanonicalCsvSampleEndsWithTheSameAsTheJsonOne() throws Exception {
        Map<String, SampleConversation> sample = csvSample();
        assertThat(sample).as("the CSV sample says what the JSON one says").isEqualTo(jsonSample());

        MigratorProcess migrator = migrateCanonical(CSV_SAMPLE, sample);

        InboxWorkspace.checkRunsAgainChangeNothing(intercom, migrator, CSV_SAMPLE);
    }

    @Test
    void verifyNamesATitleAnAssigneeAndAnAttributeAnAdminChangedByMistake() throws Exception {
        Map<String, SampleConversation> sample = jsonSample();
        MigratorProcess migrator = migrateCanonical(SAMPLE, sample);
        MigratorProcess.Result clean = migrator.run("verify");
        assertThat(clean.exitCode()).as(clean.all()).isZero();
        assertThat(clean.out()).contains("0 difference(s)");

        // Each on its own conversation, so that each is the difference verify finds there. The
        // reassigned one is open: reassigning a closed conversation would reopen it too.
        String retitled = intercomId(sample.get("c-1003"));
        String reassigned = intercomId(sample.get("c-1006"));
        String reattributed = intercomId(sample.get("c-1009"));
        assertThat(intercom.adminAssignee(reassigned)).contains(adminIds.get("carol@acme.example"));
        assertThat(intercom.customAttributes(reattributed)).containsEntry("Plan", "Pro");
        asAnAdmin("PUT", "/conversations/" + retitled, "{\"title\": \"Copies of invoices\"}");
        asAnAdmin(
                "POST",
                "/conversations/" + reassigned + "/parts",
                """
                {"message_type": "assignment", "type": "admin", "admin_id": "%s",
                 "assignee_id": "%s"}
                """
                        .formatted(intercom.meAdminId(), adminIds.get("bob@acme.example")));
        asAnAdmin(
                "PUT",
                "/conversations/" + reattributed,
                "{\"custom_attributes\": {\"Plan\": \"Enterprise\"}}");

        MigratorProcess.Result found = migrator.run("verify");

        assertThat(found.exitCode()).as(found.all()).isEqualTo(3);
        assertThat(found.out()).contains("3 difference(s)", "c-1003", "c-1006", "c-1009");
        List<String> lines = Files.readAllLines(migrator.stateDir().resolve("verify.jsonl"));
        assertThat(lines).as("verify.jsonl").hasSize(3);
        Map<String, JsonNode> differences = new HashMap<>();
        for (String line : lines) {
            JsonNode difference = JSON.readTree(line);
            differences.put(difference.path("intercom_id").asString(), difference);
        }
        assertThat(differences).containsOnlyKeys(retitled, reassigned, reattributed);
        assertThat(differences.get(retitled).path("source_id").asString()).contains("c-1003");
        assertThat(differences.get(retitled).path("difference").asString())
                .contains("title", "Copies of invoices", sample.get("c-1003").details().subject());
        assertThat(differences.get(reassigned).path("source_id").asString()).contains("c-1006");
        assertThat(differences.get(reassigned).path("difference").asString())
                .contains(
                        "admin assignee",
                        adminIds.get("bob@acme.example"),
                        adminIds.get("carol@acme.example"));
        assertThat(differences.get(reattributed).path("source_id").asString()).contains("c-1009");
        assertThat(differences.get(reattributed).path("difference").asString())
                .contains("Plan", "Enterprise", "Pro");
    }

    /**
     * The canonical samples' workspace: Billing is a team by that name, Sales is the Revenue team
     * through {@code mapping.teams}, Mobile has none (left unassigned); plan and priority fill
     * lists (whose option labels are capitalised, the samples' values are not always), seats a
     * number.
     */
    private InboxWorkspace canonicalWorkspace() {
        return new InboxWorkspace(intercom)
                .team("Billing")
                .team("Revenue")
                .teamMapping("Sales", "Revenue")
                .listAttribute("plan", "Plan", "Free", "Pro", "Enterprise")
                .attribute("seats", "Seats", "integer")
                .listAttribute("priority", "Priority", "Low", "Normal", "High");
    }

    /**
     * Migrates a canonical sample and checks every migrated conversation around its thread, the
     * contacts' companies, and the summary's inbox; the one the samples reject on purpose is not.
     */
    private MigratorProcess migrateCanonical(Path file, Map<String, SampleConversation> sample)
            throws Exception {
        InboxWorkspace workspace = canonicalWorkspace();
        MigratorProcess migrator =
                new MigratorProcess(
                        workDir,
                        intercom.baseUrl(),
                        FakeIntercom.TOKEN,
                        workspace.mappingSection());

        MigratorProcess.Result result = migrator.run("migrate", "--input", file.toString());

        assertThat(result.exitCode()).as(result.all()).isEqualTo(3);
        List<String> rejected =
                Files.readAllLines(migrator.runDir(1).resolve("rejects.jsonl")).stream()
                        .map(line -> JSON.readTree(line).path("source_id").asString())
                        .toList();
        assertThat(rejected).as("rejected on purpose").containsExactly("c-1007");
        List<SampleConversation> migrated =
                sample.values().stream().filter(c -> !rejected.contains(c.details().id())).toList();
        assertThat(intercom.conversations()).hasSize(migrated.size());
        for (SampleConversation conversation : migrated) {
            List<Conversation> found = intercom.conversationsOf(contactOf(conversation).id());
            assertThat(found).as("%s created exactly once", conversation.details().id()).hasSize(1);
            workspace.check(found.get(0), conversation.details());
        }
        workspace.checkCompaniesAndSummary(migrator.runDir(1).resolve("summary.json"));
        return migrator;
    }

    private Contact contactOf(SampleConversation conversation) {
        return intercom.contacts().stream()
                .filter(
                        c ->
                                conversation.email() != null
                                        ? conversation.email().equals(c.email())
                                        : conversation.externalId().equals(c.externalId()))
                .findFirst()
                .orElseThrow(
                        () -> new AssertionError("no contact for " + conversation.details().id()));
    }

    private String intercomId(SampleConversation conversation) {
        return intercom.conversationsOf(contactOf(conversation).id()).get(0).id();
    }

    /** A change an admin makes through Intercom's API, as the fake takes it. */
    private void asAnAdmin(String method, String path, String json) throws Exception {
        HttpResponse<String> response =
                http.send(
                        HttpRequest.newBuilder(URI.create(intercom.baseUrl() + path))
                                .header("Authorization", "Bearer " + FakeIntercom.TOKEN)
                                .header("Accept", "application/json")
                                .header("Content-Type", "application/json")
                                .method(
                                        method,
                                        HttpRequest.BodyPublishers.ofString(
                                                json, StandardCharsets.UTF_8))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode())
                .as("%s %s: %s", method, path, response.body())
                .isEqualTo(200);
    }

    /** samples/conversations.json, read as docs/formats/canonical-json.md says, by id. */
    private static Map<String, SampleConversation> jsonSample() throws Exception {
        Map<String, SampleConversation> sample = new LinkedHashMap<>();
        for (JsonNode conversation : JSON.readTree(SAMPLE.toFile())) {
            String id = conversation.path("id").asString();
            Map<String, String> fields = new LinkedHashMap<>();
            conversation
                    .path("attributes")
                    .properties()
                    .forEach(
                            field -> {
                                String value = field.getValue().asString();
                                if (!field.getValue().isNull() && !value.isEmpty()) {
                                    fields.put(field.getKey(), value);
                                }
                            });
            JsonNode contact = conversation.path("contact");
            JsonNode company = contact.path("company");
            sample.put(
                    id,
                    new SampleConversation(
                            new SourceDetails(
                                    id,
                                    conversation.path("subject").asString(null),
                                    conversation.path("assignee_email").asString(null),
                                    conversation.path("team").asString(null),
                                    fields,
                                    closed(conversation.path("status").asString("")),
                                    company.isString()
                                            ? new ContactCompany(
                                                    company.asString(), company.asString())
                                            : company.has("id")
                                                    ? new ContactCompany(
                                                            company.path("id").asString(),
                                                            company.path("name").asString(null))
                                                    : null),
                            contact.path("email").asString(null),
                            contact.path("external_id").asString(null)));
        }
        return sample;
    }

    /**
     * samples/conversations.csv, read as docs/formats/canonical-csv.md says (a conversation's
     * values from its first row; every column not in the canonical header a field), by id.
     */
    private static Map<String, SampleConversation> csvSample() throws Exception {
        Map<String, SampleConversation> sample = new LinkedHashMap<>();
        Set<String> canonical = canonicalColumns();
        CSVFormat format = CSVFormat.RFC4180.builder().setHeader().setSkipHeaderRecord(true).get();
        try (Reader reader = Files.newBufferedReader(CSV_SAMPLE, StandardCharsets.UTF_8);
                CSVParser parser = CSVParser.builder().setReader(reader).setFormat(format).get()) {
            for (CSVRecord row : parser) {
                String id = row.get("conversation_id");
                if (sample.containsKey(id)) {
                    continue;
                }
                Map<String, String> fields = new LinkedHashMap<>();
                row.toMap()
                        .forEach(
                                (column, value) -> {
                                    if (!canonical.contains(column) && !value.isEmpty()) {
                                        fields.put(column, value);
                                    }
                                });
                sample.put(
                        id,
                        new SampleConversation(
                                new SourceDetails(
                                        id,
                                        emptyToNull(row.get("subject")),
                                        emptyToNull(row.get("assignee_email")),
                                        emptyToNull(row.get("team")),
                                        fields,
                                        closed(row.get("status")),
                                        row.get("company_id").isEmpty()
                                                ? null
                                                : new ContactCompany(
                                                        row.get("company_id"),
                                                        emptyToNull(row.get("company_name")))),
                                emptyToNull(row.get("contact_email")),
                                emptyToNull(row.get("contact_external_id"))));
            }
        }
        return sample;
    }

    /**
     * The canonical CSV's header, as docs/formats/canonical-csv.md writes it: any other column of
     * the CSV sample is a field.
     */
    private static Set<String> canonicalColumns() throws IOException {
        String header =
                Files.readAllLines(Path.of("docs/formats/canonical-csv.md")).stream()
                        .filter(line -> line.startsWith("conversation_id,"))
                        .findFirst()
                        .orElseThrow();
        return Set.of(header.split(","));
    }

    private static boolean closed(String status) {
        return CLOSED_STATUSES.contains(status.strip().toLowerCase(Locale.ROOT));
    }

    private static String emptyToNull(String value) {
        return value.isEmpty() ? null : value;
    }
}
