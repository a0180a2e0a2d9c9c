package dev.migrator.samples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.migrator.source.RecordParser;
import dev.migrator.source.SourceConversation.Details;
import dev.migrator.source.SourceConversation.SourceCompany;
import dev.migrator.source.SourceRecord;
import dev.migrator.source.Timestamps;
import dev.migrator.source.format.ExportFile;
import dev.migrator.source.format.ReadContext;
import dev.migrator.source.input.InputFormat;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The three sample files describe the same twelve conversations, compared as canonical CSV rows.
 */
class SamplesConsistencyTest {

    private static final Path SAMPLES = Path.of("samples");
    private static final JsonMapper MAPPER = JsonMapper.builder().build();
    private static final List<String> HEADER =
            List.of(
                    "conversation_id",
                    "conversation_created_at",
                    "subject",
                    "status",
                    "tags",
                    "contact_email",
                    "contact_external_id",
                    "contact_name",
                    "contact_role",
                    "company_id",
                    "company_name",
                    "assignee_email",
                    "team",
                    "message_id",
                    "author_type",
                    "author_email",
                    "author_name",
                    "internal",
                    "created_at",
                    "body",
                    "attachments",
                    // the canonical JSON's attributes, by name
                    "plan",
                    "seats",
                    "priority");
    private static final List<String> ATTRIBUTES = List.of("plan", "seats", "priority");
    private static final int CONVERSATION_ID = HEADER.indexOf("conversation_id");
    private static final int CONTACT_EMAIL = HEADER.indexOf("contact_email");
    private static final int CONTACT_EXTERNAL_ID = HEADER.indexOf("contact_external_id");
    private static final int AUTHOR_EMAIL = HEADER.indexOf("author_email");
    private static final int CREATED_AT = HEADER.indexOf("created_at");

    @Test
    void jsonJsonLinesAndCsvHoldTheSameConversations() throws IOException {
        List<List<String>> json = new ArrayList<>();
        MAPPER.readTree(SAMPLES.resolve("conversations.json").toFile())
                .forEach(c -> json.addAll(rows(c)));
        List<List<String>> jsonLines = new ArrayList<>();
        for (String line : Files.readAllLines(SAMPLES.resolve("conversations.jsonl"))) {
            jsonLines.addAll(rows(MAPPER.readTree(line)));
        }

        assertThat(jsonLines).isEqualTo(json);
        assertThat(csvRows()).isEqualTo(json);
    }

    @Test
    void coverTwelveConversationsWithOneUnidentifiableContact() throws IOException {
        List<List<String>> rows = csvRows();

        assertThat(rows.stream().map(r -> r.get(CONVERSATION_ID)).distinct())
                .containsExactlyElementsOf(
                        IntStream.rangeClosed(1001, 1012).mapToObj(n -> "c-" + n).toList());
        assertThat(
                        rows.stream()
                                .filter(
                                        r ->
                                                r.get(CONTACT_EMAIL).isEmpty()
                                                        && r.get(CONTACT_EXTERNAL_ID).isEmpty())
                                .map(r -> r.get(CONVERSATION_ID))
                                .distinct())
                .containsExactly("c-1007");
        assertThat(rows.stream().map(r -> r.get(AUTHOR_EMAIL)).filter(e -> !e.isEmpty()).distinct())
                .containsExactlyInAnyOrder("bob@acme.example", "carol@acme.example");
    }

    @Test
    void giveSeveralConversationsAnAssigneeATeamFieldsAndACompany() throws IOException {
        List<List<String>> rows = csvRows();

        assertThat(conversationsWith(rows, "assignee_email")).hasSizeGreaterThanOrEqualTo(3);
        assertThat(conversationsWith(rows, "team")).hasSizeGreaterThanOrEqualTo(3);
        assertThat(conversationsWith(rows, "company_id")).hasSizeGreaterThanOrEqualTo(3);
        for (String attribute : ATTRIBUTES) {
            assertThat(conversationsWith(rows, attribute))
                    .as(attribute)
                    .hasSizeGreaterThanOrEqualTo(2);
        }
    }

    /**
     * What the readers make of them: the same details from each file, conversation by conversation.
     */
    @Test
    void theReadersReadTheSameDetailsFromEachFile() throws Exception {
        Map<String, Details> json = details("conversations.json", InputFormat.CONVERSATIONS);

        assertThat(details("conversations.jsonl", InputFormat.CONVERSATIONS)).isEqualTo(json);
        assertThat(details("conversations.csv", InputFormat.CONVERSATIONS_CSV)).isEqualTo(json);
        assertThat(json.get("c-1001"))
                .isEqualTo(
                        new Details(
                                "bob@acme.example",
                                "Billing",
                                Map.of("plan", "Pro", "seats", "12", "priority", "normal"),
                                new SourceCompany("lee-design", "Lee Design Studio")));
    }

    private static Map<String, Details> details(String name, InputFormat format) throws Exception {
        Map<String, Details> details = new LinkedHashMap<>();
        try (RecordParser parser =
                InputFormat.open(
                        new ExportFile(SAMPLES.resolve(name), format.format()),
                        new ReadContext(null, null))) {
            for (SourceRecord r = parser.next(); r != null; r = parser.next()) {
                details.put(r.conversation().id(), r.conversation().details());
            }
        }
        return details;
    }

    private static List<String> conversationsWith(List<List<String>> rows, String column) {
        int index = HEADER.indexOf(column);
        return rows.stream()
                .filter(r -> !r.get(index).isEmpty())
                .map(r -> r.get(CONVERSATION_ID))
                .distinct()
                .toList();
    }

    @Test
    void useReadableTimestampsBetween2019And2024() throws IOException {
        long from = 1_546_300_800L; // 2019-01-01T00:00:00Z
        long until = 1_735_689_600L; // 2025-01-01T00:00:00Z
        for (List<String> row : csvRows()) {
            assertThat(Timestamps.toEpochSecond(row.get(CREATED_AT), ZoneOffset.UTC))
                    .as(row.get(CREATED_AT))
                    .isBetween(from, until - 1);
        }
    }

    /** One canonical CSV row per message of a JSON conversation. */
    private static List<List<String>> rows(JsonNode conversation) {
        JsonNode contact = conversation.path("contact");
        List<List<String>> rows = new ArrayList<>();
        for (JsonNode message : conversation.path("messages")) {
            JsonNode author = message.path("author");
            List<String> row =
                    new ArrayList<>(
                            List.of(
                                    text(conversation, "id"),
                                    text(conversation, "created_at"),
                                    text(conversation, "subject"),
                                    text(conversation, "status"),
                                    joined(conversation.path("tags")),
                                    text(contact, "email"),
                                    text(contact, "external_id"),
                                    text(contact, "name"),
                                    text(contact, "role"),
                                    text(contact.path("company"), "id"),
                                    text(contact.path("company"), "name"),
                                    text(conversation, "assignee_email"),
                                    text(conversation, "team"),
                                    text(message, "id"),
                                    text(author, "type"),
                                    text(author, "email"),
                                    text(author, "name"),
                                    String.valueOf(message.path("internal").asBoolean(false)),
                                    text(message, "created_at"),
                                    text(message, "body"),
                                    joined(message.path("attachments"))));
            ATTRIBUTES.forEach(name -> row.add(text(conversation.path("attributes"), name)));
            rows.add(row);
        }
        return rows;
    }

    private static List<List<String>> csvRows() throws IOException {
        CSVFormat format = CSVFormat.RFC4180.builder().setHeader().setSkipHeaderRecord(true).get();
        try (Reader reader = Files.newBufferedReader(SAMPLES.resolve("conversations.csv"));
                CSVParser parser = CSVParser.builder().setReader(reader).setFormat(format).get()) {
            assertThat(parser.getHeaderNames()).isEqualTo(HEADER);
            List<List<String>> rows = new ArrayList<>();
            for (CSVRecord record : parser) {
                List<String> row = new ArrayList<>(record.toList());
                // An empty internal column means false.
                row.set(
                        HEADER.indexOf("internal"),
                        String.valueOf(Boolean.parseBoolean(record.get("internal"))));
                rows.add(row);
            }
            return rows;
        }
    }

    private static String text(JsonNode parent, String field) {
        return parent.path(field).asString("");
    }

    private static String joined(JsonNode values) {
        List<String> parts = new ArrayList<>();
        values.forEach(v -> parts.add(v.asString()));
        return String.join("|", parts);
    }
}
