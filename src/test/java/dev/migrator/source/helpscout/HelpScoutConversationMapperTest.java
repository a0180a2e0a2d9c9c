package dev.migrator.source.helpscout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.migrator.mapping.ConversationPlanner;
import dev.migrator.mapping.MappedRecord;
import dev.migrator.mapping.PlannedConversation;
import dev.migrator.mapping.PlannedPart;
import dev.migrator.source.InvalidRecordException;
import dev.migrator.source.SourceAttachment;
import dev.migrator.source.SourceConversation;
import dev.migrator.source.SourceConversation.SourceMessage;
import dev.migrator.source.SourceRecord;
import dev.migrator.source.SourceSystem;
import dev.migrator.source.format.ExportFile;
import dev.migrator.source.format.ReadContext;
import dev.migrator.source.input.ExportInspector;
import dev.migrator.source.input.ExportReader;
import dev.migrator.source.input.InputFormat;
import dev.migrator.source.json.JsonValues;
import dev.migrator.support.Sha256;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.batch.infrastructure.item.ExecutionContext;
import tools.jackson.databind.JsonNode;

class HelpScoutConversationMapperTest {

    private static final HelpScoutConversationMapper MAPPER = HelpScoutConversationMapper.INSTANCE;
    private static final String ANN =
            """
            {"id": 7001, "type": "customer", "first": "Ann", "last": "Lee", "email": "ann@example.org"}\
            """;
    private static final String BOB =
            """
            {"id": 501, "type": "user", "first": "Bob", "last": "Stone", "email": "bob@acme.example"}\
            """;

    @TempDir Path dir;

    private static JsonNode json(String text) {
        return JsonValues.MAPPER.readTree(text);
    }

    /** A conversation with Ann as its primary customer and these threads in _embedded.threads. */
    private static JsonNode conversation(String... threads) {
        return json(
                """
                {"id": 123, "number": 45, "subject": "Help", "status": "active", "createdAt": "2023-01-01T10:00:00Z",
                 "primaryCustomer": %s, "_embedded": {"threads": [%s]}}\
                """
                        .formatted(ANN, String.join(",", threads)));
    }

    private static String thread(
            long id, String type, String createdBy, String createdAt, String body) {
        return """
        {"id": %d, "type": "%s", "state": "published", "createdBy": %s, "createdAt": "%s", "body": %s}\
        """
                .formatted(
                        id, type, createdBy, createdAt, JsonValues.MAPPER.writeValueAsString(body));
    }

    private static String reason(JsonNode node) {
        try {
            MAPPER.toConversation(node);
        } catch (InvalidRecordException e) {
            return e.getMessage();
        }
        throw new AssertionError("expected a reject");
    }

    @Test
    void readsAConversationWithItsThreadsNewestFirstIntoTimeOrder() {
        JsonNode node =
                json(
                        """
                        {"id": 3100001, "number": 1201, "threads": 4, "subject": "Wrong VAT", "status": "closed",
                         "createdAt": "2023-03-05T16:02:11Z",
                         "tags": [{"id": 11, "color": "#929499", "tag": "billing"}, {"id": 12, "tag": "vat"}],
                         "primaryCustomer": {"id": 7001, "first": "Inès", "last": "Moreau", "email": "ines@example.org"},
                         "_embedded": {"threads": [
                           {"id": 4, "type": "lineitem", "state": "published", "action": {"text": "Marked as Closed"},
                            "createdBy": %2$s, "createdAt": "2023-03-06T09:30:00Z"},
                           {"id": 3, "type": "message", "state": "published", "body": "<p>Corrected invoice attached</p>",
                            "createdBy": %2$s, "createdAt": "2023-03-06T08:55:00Z",
                            "_embedded": {"attachments": [{"filename": "invoice.pdf", "mimeType": "application/pdf", "_links": {
                              "data": {"href": "https://api.helpscout.net/v2/conversations/3100001/attachments/1/data"},
                              "web": {"href": "https://secure.helpscout.net/file/1/ab/invoice.pdf"}}}]}},
                           {"id": 2, "type": "note", "state": "published", "body": "Checking with finance",
                            "createdBy": %2$s, "createdAt": "2023-03-05T17:00:00Z",
                            "_embedded": {"attachments": [{"filename": "log.txt", "mimeType": "text/plain", "_links": {
                              "data": {"href": "https://api.helpscout.net/v2/conversations/3100001/attachments/2/data"}}}]}},
                           {"id": 1, "type": "customer", "state": "published", "body": "<div>Wrong VAT number</div>",
                            "createdBy": {"id": 7001, "type": "customer", "email": "ines@example.org"},
                            "createdAt": "2023-03-05T16:02:11Z"}]}}\
                        """
                                .formatted(ANN, BOB));

        SourceConversation conversation = MAPPER.toConversation(node);

        assertThat(conversation.system()).isEqualTo(SourceSystem.HELPSCOUT);
        assertThat(conversation.id()).isEqualTo("3100001");
        assertThat(conversation.subject()).isEqualTo("Wrong VAT");
        assertThat(conversation.status()).isEqualTo("closed");
        assertThat(conversation.tags()).containsExactly("billing", "vat");
        assertThat(conversation.contact())
                .isEqualTo(
                        new SourceConversation.SourceContact(
                                "ines@example.org", null, "Inès Moreau", "user"));
        assertThat(conversation.messages())
                .extracting(SourceMessage::id)
                .containsExactly("1", "2", "3");
        assertThat(conversation.messages().get(0))
                .isEqualTo(
                        new SourceMessage(
                                "1",
                                "contact",
                                null,
                                null,
                                "<div>Wrong VAT number</div>",
                                "2023-03-05T16:02:11Z",
                                List.of(),
                                false));
        assertThat(conversation.messages().get(1))
                .isEqualTo(
                        new SourceMessage(
                                "2",
                                "agent",
                                "bob@acme.example",
                                "Bob Stone",
                                "Checking with finance",
                                "2023-03-05T17:00:00Z",
                                List.of(
                                        new SourceAttachment(
                                                "https://api.helpscout.net/v2/conversations/3100001/attachments/2/data",
                                                "log.txt",
                                                "text/plain")),
                                true));
        assertThat(conversation.messages().get(2))
                .isEqualTo(
                        new SourceMessage(
                                "3",
                                "agent",
                                "bob@acme.example",
                                "Bob Stone",
                                "<p>Corrected invoice attached</p>",
                                "2023-03-06T08:55:00Z",
                                List.of(
                                        new SourceAttachment(
                                                "https://secure.helpscout.net/file/1/ab/invoice.pdf",
                                                "invoice.pdf",
                                                "application/pdf")),
                                false));
    }

    @Test
    void acceptsAPlainThreadsArrayAndTagsAsStrings() {
        JsonNode node =
                json(
                        """
                        {"id": 9, "status": "pending", "tags": ["chat", "pricing"], "primaryCustomer": %s,
                         "threads": [%s]}\
                        """
                                .formatted(
                                        ANN, thread(1, "chat", ANN, "2023-01-01T10:00:00Z", "Hi")));

        SourceConversation conversation = MAPPER.toConversation(node);

        assertThat(conversation.tags()).containsExactly("chat", "pricing");
        assertThat(conversation.status()).isEqualTo("pending");
        assertThat(conversation.messages())
                .singleElement()
                .satisfies(
                        m -> {
                            assertThat(m.authorType()).isEqualTo("contact");
                            assertThat(m.body()).isEqualTo("Hi");
                        });
    }

    @Test
    void aThreadCountWithoutEmbeddedThreadsSaysHowToExport() {
        JsonNode node =
                json(
                        """
                        {"id": 123, "threads": 4, "primaryCustomer": %s, "_embedded": {"tags": []}}\
                        """
                                .formatted(ANN));

        assertThat(reason(node))
                .isEqualTo(
                        "conversation 123 has no threads: export the conversations with their "
                                + "threads (GET /v2/conversations/{id}?embed=threads)");
    }

    @Test
    void closedClosesActiveAndPendingStayOpen() {
        for (String status : List.of("closed", "Closed")) {
            JsonNode node = conversation(thread(1, "customer", ANN, "2023-01-01T10:00:00Z", "x"));
            ((tools.jackson.databind.node.ObjectNode) node).put("status", status);
            assertThat(MAPPER.toConversation(node).status()).as(status).isEqualTo("closed");
        }
        for (String status : List.of("active", "pending")) {
            JsonNode node = conversation(thread(1, "customer", ANN, "2023-01-01T10:00:00Z", "x"));
            ((tools.jackson.databind.node.ObjectNode) node).put("status", status);
            assertThat(MAPPER.toConversation(node).status()).as(status).isEqualTo(status);
        }
    }

    @Test
    void aPrimaryCustomerWithoutEmailIsRejectedNamingBothIds() {
        JsonNode node =
                json(
                        """
                        {"id": 123, "primaryCustomer": {"id": 456, "first": "Walk-in"}, "_embedded": {"threads": []}}\
                        """);
        assertThat(reason(node)).isEqualTo("conversation 123: primary customer 456 has no email");

        JsonNode none =
                json(
                        """
                        {"id": 123, "_embedded": {"threads": []}}\
                        """);
        assertThat(reason(none)).isEqualTo("conversation 123 has no primaryCustomer");
    }

    @Test
    void mapsEachThreadTypeToItsAuthorAndKind() {
        String customer = "{\"id\": 7001, \"type\": \"customer\", \"email\": \"ann@example.org\"}";
        SourceConversation conversation =
                MAPPER.toConversation(
                        conversation(
                                thread(
                                        10,
                                        "forwardchild",
                                        BOB,
                                        "2023-01-01T10:10:00Z",
                                        "fwd child"),
                                thread(
                                        9,
                                        "forwardparent",
                                        BOB,
                                        "2023-01-01T10:09:00Z",
                                        "fwd parent"),
                                thread(8, "chat", BOB, "2023-01-01T10:08:00Z", "agent chat"),
                                thread(
                                        7,
                                        "chat",
                                        customer,
                                        "2023-01-01T10:07:00Z",
                                        "customer chat"),
                                thread(6, "phone", BOB, "2023-01-01T10:06:00Z", "agent call log"),
                                thread(
                                        5,
                                        "phone",
                                        customer,
                                        "2023-01-01T10:05:00Z",
                                        "customer voicemail"),
                                thread(4, "note", BOB, "2023-01-01T10:04:00Z", "note"),
                                thread(3, "reply", BOB, "2023-01-01T10:03:00Z", "reply"),
                                thread(2, "message", BOB, "2023-01-01T10:02:00Z", "message"),
                                thread(
                                        1,
                                        "customer",
                                        customer,
                                        "2023-01-01T10:01:00Z",
                                        "customer")));

        assertThat(conversation.messages())
                .extracting(
                        m ->
                                m.id()
                                        + ":"
                                        + m.authorType()
                                        + ":"
                                        + m.internal()
                                        + ":"
                                        + m.authorEmail())
                .containsExactly(
                        "1:contact:false:null",
                        "2:agent:false:bob@acme.example",
                        "3:agent:false:bob@acme.example",
                        "4:agent:true:bob@acme.example",
                        "5:contact:false:null",
                        "6:agent:false:bob@acme.example",
                        "7:contact:false:null",
                        "8:agent:false:bob@acme.example",
                        "9:agent:true:bob@acme.example",
                        "10:agent:true:bob@acme.example");
    }

    @Test
    void lineItemsDraftsHiddenThreadsAndThreadsUnderReviewAreNotMigrated() {
        SourceConversation conversation =
                MAPPER.toConversation(
                        conversation(
                                "{\"id\": 5, \"type\": \"message\", \"state\": \"draft\","
                                        + " \"createdBy\": "
                                        + BOB
                                        + ", \"createdAt\": \"2023-01-01T10:05:00Z\", \"body\":"
                                        + " \"draft\"}",
                                "{\"id\": 4, \"type\": \"note\", \"state\": \"hidden\","
                                        + " \"createdBy\": "
                                        + BOB
                                        + ", \"createdAt\": \"2023-01-01T10:04:00Z\", \"body\":"
                                        + " \"hidden\"}",
                                "{\"id\": 3, \"type\": \"message\", \"state\": \"underReview\","
                                        + " \"createdBy\": "
                                        + BOB
                                        + ", \"createdAt\": \"2023-01-01T10:03:00Z\", \"body\":"
                                        + " \"held\"}",
                                "{\"id\": 2, \"type\": \"lineitem\", \"action\": {\"text\":"
                                        + " \"Assigned to Bob\"}, \"createdBy\": "
                                        + BOB
                                        + ", \"createdAt\": \"2023-01-01T10:02:00Z\"}",
                                thread(1, "customer", ANN, "2023-01-01T10:01:00Z", "hello")));

        assertThat(conversation.messages()).extracting(SourceMessage::id).containsExactly("1");
    }

    @Test
    void aConversationOfDraftsOnlyIsRejected() {
        JsonNode node =
                conversation(
                        "{\"id\": 5, \"type\": \"message\", \"state\": \"draft\", \"createdBy\": "
                                + BOB
                                + ", \"createdAt\": \"2023-01-01T10:05:00Z\", \"body\":"
                                + " \"draft\"}");

        assertThat(reason(node))
                .isEqualTo(
                        "conversation 123 has no published thread to migrate (1 line item(s),"
                                + " draft(s), hidden thread(s) or thread(s) held for review"
                                + " only)");
    }

    @Test
    void anotherCustomersThreadIsAttributedToThem() {
        String raj =
                "{\"id\": 7014, \"type\": \"customer\", \"first\": \"Raj\", \"last\": \"<Patel>\","
                        + " \"email\": \"raj@example.org\"}";
        SourceConversation conversation =
                MAPPER.toConversation(
                        conversation(
                                thread(
                                        2,
                                        "customer",
                                        raj,
                                        "2023-01-01T10:02:00Z",
                                        "<p>Same here</p>"),
                                thread(1, "customer", ANN, "2023-01-01T10:01:00Z", "hello")));

        assertThat(conversation.messages().get(0).body()).isEqualTo("hello");
        assertThat(conversation.messages().get(1).authorType()).isEqualTo("contact");
        assertThat(conversation.messages().get(1).body())
                .isEqualTo("<p>From Raj &lt;Patel&gt; (raj@example.org):</p><p>Same here</p>");
    }

    @Test
    void aCustomerThreadTypedInByAnAgentIsTheThreadCustomersWords() {
        JsonNode node =
                conversation(
                        """
                        {"id": 1, "type": "customer", "createdBy": %s, "customer": %s, "createdAt": "2023-01-01T10:01:00Z",
                         "body": "Called in: needs a refund"}\
                        """
                                .formatted(BOB, ANN));

        SourceMessage message = MAPPER.toConversation(node).messages().get(0);

        assertThat(message.authorType()).isEqualTo("contact");
        assertThat(message.body()).isEqualTo("Called in: needs a refund");
    }

    @Test
    void aNoteWrittenByACustomerStaysANoteByTheDefaultAdminNamingThem() {
        String ann =
                "{\"id\": 7001, \"type\": \"customer\", \"first\": \"Ann\", \"last\": \"Lee\","
                        + " \"email\": \"ann@example.org\"}";
        SourceConversation conversation =
                MAPPER.toConversation(
                        conversation(
                                thread(
                                        2,
                                        "note",
                                        ann,
                                        "2023-01-01T10:02:00Z",
                                        "<p>for the record</p>"),
                                thread(1, "customer", ann, "2023-01-01T10:01:00Z", "hello")));

        assertThat(conversation.messages().get(1))
                .isEqualTo(
                        new SourceMessage(
                                "2",
                                "agent",
                                null,
                                null,
                                "<p>Note from Ann Lee (ann@example.org):</p><p>for the record</p>",
                                "2023-01-01T10:02:00Z",
                                List.of(),
                                true));
    }

    @Test
    void threadsOfTheSameSecondGoInThreadIdOrder() {
        SourceConversation conversation =
                MAPPER.toConversation(
                        conversation(
                                thread(30, "customer", ANN, "2023-01-01T10:02:00Z", "c"),
                                thread(21, "message", BOB, "2023-01-01T10:01:00Z", "b2"),
                                thread(20, "message", BOB, "2023-01-01T10:01:00Z", "b1"),
                                thread(10, "customer", ANN, "2023-01-01T10:00:00Z", "a")));

        assertThat(conversation.messages())
                .extracting(SourceMessage::body)
                .containsExactly("a", "b1", "b2", "c");
    }

    @Test
    void unreadableThreadsAreRejectedNamingHelpScoutsIds() {
        assertThat(
                        reason(
                                conversation(
                                        "{\"id\": 456, \"type\": \"phone\", \"createdAt\":"
                                                + " \"2023-01-01T10:00:00Z\", \"body\": \"x\"}")))
                .isEqualTo(
                        "conversation 123, thread 456: a phone thread needs createdBy.type customer"
                                + " or user, and it has none");
        assertThat(
                        reason(
                                conversation(
                                        thread(
                                                456,
                                                "chat",
                                                "{\"id\": 1, \"type\": \"team\"}",
                                                "2023-01-01T10:00:00Z",
                                                "x"))))
                .isEqualTo(
                        "conversation 123, thread 456: a chat thread needs createdBy.type customer"
                                + " or user, not 'team'");
        assertThat(
                        reason(
                                conversation(
                                        thread(
                                                456,
                                                "fax",
                                                "{\"id\": 1, \"type\": \"team\"}",
                                                "2023-01-01T10:00:00Z",
                                                "x"))))
                .isEqualTo(
                        "conversation 123, thread 456: thread type 'fax' is not one Help Scout"
                                + " documents, and its createdBy.type is neither customer nor user"
                                + " ('team'): it cannot be told whose words these are");
        assertThat(
                        reason(
                                conversation(
                                        "{\"id\": 456, \"createdAt\": \"2023-01-01T10:00:00Z\","
                                                + " \"body\": \"x\"}")))
                .isEqualTo("conversation 123, thread 456 has no type");
        assertThat(
                        reason(
                                conversation(
                                        """
                                        {"id": 456, "type": "customer", "createdBy": %s, "createdAt": "2023-01-01T10:00:00Z", "body": "x",
                                         "_embedded": {"attachments": [{"filename": "a.png", "_links": {}}]}}\
                                        """
                                                .formatted(ANN))))
                .isEqualTo(
                        "conversation 123, thread 456: attachment 'a.png' has no link"
                                + " (_links.web.href or _links.data.href) to migrate it from");
    }

    @Test
    void jsonTypeErrorsNameTheFieldPath() {
        assertThat(
                        reason(
                                json(
                                        "{\"id\": 1, \"primaryCustomer\": \"ann@example.org\","
                                                + " \"threads\": []}")))
                .isEqualTo("field 'primaryCustomer' must be an object, not a string");
        assertThat(
                        reason(
                                json(
                                        "{\"id\": 1, \"primaryCustomer\": "
                                                + ANN
                                                + ", \"_embedded\": {\"threads\": {}}}")))
                .isEqualTo("field '_embedded.threads' must be an array, not an object");
        assertThat(
                        reason(
                                conversation(
                                        thread(1, "customer", ANN, "2023-01-01T10:00:00Z", "x"),
                                        "\"text\"")))
                .isEqualTo("field '_embedded.threads[1]' must be an object, not a string");
        assertThat(
                        reason(
                                conversation(
                                        "{\"id\": 1, \"type\": \"customer\", \"createdBy\": "
                                                + ANN
                                                + ", \"createdAt\": \"2023-01-01T10:00:00Z\","
                                                + " \"body\": {\"html\": \"x\"}}")))
                .isEqualTo(
                        "field '_embedded.threads[0].body' must be a string or a number, not an"
                                + " object");
        assertThat(
                        reason(
                                conversation(
                                        "{\"id\": 1, \"type\": \"customer\", \"createdBy\": "
                                                + ANN
                                                + ", \"createdAt\": \"2023-01-01T10:00:00Z\","
                                                + " \"body\": \"x\", \"_embedded\":"
                                                + " {\"attachments\": [{\"_links\": {\"web\":"
                                                + " \"https://x.example/a\"}}]}}")))
                .isEqualTo(
                        "field '_embedded.threads[0]._embedded.attachments[0]._links.web' must be"
                                + " an object, not a string");
        assertThat(
                        reason(
                                json(
                                        "{\"id\": 1, \"primaryCustomer\": "
                                                + ANN
                                                + ", \"tags\": [true], \"threads\": []}")))
                .isEqualTo("field 'tags[0]' must be an object, not a boolean");
        assertThat(reason(json("[1, 2]")))
                .isEqualTo("expected a JSON object for the conversation, found an array");
    }

    @Test
    void aPageOfTheConversationsListIsNotTakenForAConversation() {
        assertThat(
                        reason(
                                json(
                                        "{\"_embedded\": {\"conversations\": []}, \"page\":"
                                                + " {\"size\": 25}}")))
                .startsWith("this is a page of the conversations list");
    }

    @Test
    void theSamplePlansWithoutOrderWarningsAndRejectsItsSpamAndItsBadRecord() throws Exception {
        ConversationPlanner planner =
                new ConversationPlanner(
                        ZoneOffset.UTC,
                        Clock.fixed(Instant.parse("2025-01-01T00:00:00Z"), ZoneOffset.UTC));
        List<MappedRecord> mapped = new ArrayList<>();
        for (SourceRecord record : readAll(Path.of("samples/helpscout/conversations.json"))) {
            mapped.add(planner.process(record));
        }

        assertThat(mapped).hasSize(7);
        List<MappedRecord.Rejected> rejected =
                mapped.stream()
                        .filter(MappedRecord.Rejected.class::isInstance)
                        .map(MappedRecord.Rejected.class::cast)
                        .toList();
        assertThat(rejected)
                .extracting(r -> r.origin().sourceId() + ": " + r.reason())
                .containsExactly(
                        "3100005: conversation 3100005: marked as spam in Help Scout (status"
                                + " \"spam\"); not migrated",
                        "3100006: conversation 3100006: primary customer 7006 has no email");
        List<PlannedConversation> planned =
                mapped.stream()
                        .filter(MappedRecord.Planned.class::isInstance)
                        .map(m -> ((MappedRecord.Planned) m).conversation())
                        .toList();
        assertThat(planned)
                .flatExtracting(PlannedConversation::warnings)
                .containsExactly(
                        "conversation 3100002: started by an agent; opened with a marker message"
                                + " from the contact");
        assertThat(planned)
                .extracting(PlannedConversation::sourceId)
                .allMatch(id -> id.startsWith("helpscout:"));
        PlannedConversation chat =
                planned.stream()
                        .filter(c -> c.sourceId().equals("helpscout:3100007"))
                        .findFirst()
                        .orElseThrow();
        assertThat(chat.parts())
                .extracting(PlannedPart::key)
                .containsExactly("9700001", "9700002", "9700003", "9700004", "9700005", "9700006");
    }

    @Test
    void readsJsonLinesThroughTheExportReaderWithLinesAndIdsForRejects() throws Exception {
        Path file = dir.resolve("helpscout.jsonl");
        Files.writeString(
                file,
                conversation(thread(1, "customer", ANN, "2023-01-01T10:00:00Z", "hi")).toString()
                        + "\n\n"
                        + "{\"id\": 124, \"primaryCustomer\": {\"id\": 9}, \"threads\": []}\n"
                        + "{\"id\": 125, broken\n");

        List<SourceRecord> records = readAll(file);

        assertThat(records).hasSize(3);
        assertThat(records.get(0).conversation().id()).isEqualTo("123");
        assertThat(records.get(1).origin().line()).isEqualTo(3);
        assertThat(records.get(1).origin().sourceId()).isEqualTo("124");
        assertThat(records.get(1).problem())
                .isEqualTo("conversation 124: primary customer 9 has no email");
        assertThat(records.get(2).origin().line()).isEqualTo(4);
        assertThat(records.get(2).problem()).startsWith("invalid JSON");
    }

    @Test
    void theSampleIsDetectedAsHelpScout() {
        assertThat(
                        ExportInspector.detectFormat(
                                Path.of("samples/helpscout/conversations.json"), null))
                .contains(InputFormat.HELPSCOUT);
    }

    private static List<SourceRecord> readAll(Path file) throws Exception {
        ExportReader reader =
                new ExportReader(
                        List.of(new ExportFile(file, InputFormat.HELPSCOUT.format())),
                        List.of(Sha256.ofFile(file)),
                        new ReadContext(null, null),
                        null);
        reader.open(new ExecutionContext());
        List<SourceRecord> records = new ArrayList<>();
        for (SourceRecord r = reader.read(); r != null; r = reader.read()) {
            records.add(r);
        }
        reader.close();
        return records;
    }

    @Test
    void aMissingThreadListIsNotMistakenForAnEmptyOne() {
        assertThatThrownBy(
                        () ->
                                MAPPER.toConversation(
                                        json("{\"id\": 1, \"primaryCustomer\": " + ANN + "}")))
                .hasMessage(
                        "conversation 1 has no threads: export the conversations with their threads"
                                + " (GET /v2/conversations/{id}?embed=threads)");
    }

    /**
     * Case 11 of issue 12, records that must never be migrated. Help Scout's Conversation object
     * (developer.helpscout.com/webhooks/objects/conversation) lists the statuses "active, pending,
     * closed, spam"; a conversation's {@code state} (draft, published, deleted in the Mailbox API
     * 2.0) says {@code deleted} once it is in the trash.
     */
    @Test
    void case11_aSpamOrDeletedConversationIsRejectedAndNotMigrated() {
        for (String status : List.of("spam", "Spam")) {
            JsonNode node = conversation(thread(1, "customer", ANN, "2023-01-01T10:00:00Z", "x"));
            ((tools.jackson.databind.node.ObjectNode) node).put("status", status);
            assertThat(reason(node))
                    .isEqualTo(
                            "conversation 123: marked as spam in Help Scout (status \""
                                    + status
                                    + "\"); not migrated");
        }
        JsonNode deleted = conversation(thread(1, "customer", ANN, "2023-01-01T10:00:00Z", "x"));
        ((tools.jackson.databind.node.ObjectNode) deleted).put("state", "deleted");
        assertThat(reason(deleted))
                .isEqualTo(
                        "conversation 123: deleted in Help Scout (state \"deleted\"); not"
                                + " migrated");
        JsonNode nothingElse =
                json(
                        """
                        {"id": 124, "status": "spam", "primaryCustomer": {"id": 9}}\
                        """);
        assertThat(reason(nothingElse))
                .as("said before anything else is looked at: the customer, the threads")
                .isEqualTo(
                        "conversation 124: marked as spam in Help Scout (status \"spam\"); not"
                                + " migrated");
    }

    /**
     * A thread as Help Scout's own List Threads reference shows it
     * (https://developer.helpscout.com/mailbox-api/endpoints/conversations/threads/list/, the
     * response's first thread: id 1234, "customer", "published", Vernon Bear's words, created
     * 2015-06-05T20:18:33Z), with its {@code type}, {@code state}, {@code createdBy} and {@code
     * body} given.
     */
    private static String referenceThread(
            long id, String type, String state, String createdBy, String createdAt, String body) {
        return """
        {"id": %d, "type": "%s", "status": "active", "state": "%s",
         "action": {"type": "manual-workflow", "text": "You ran the Assign to Spam workflow", "associatedEntities": {}},
         "body": %s, "source": {"type": "email", "via": "customer"},
         "customer": {"id": 29418, "first": "Vernon", "last": "Bear", "photoUrl": "http://whatever-path-to-url/image.jpg", "email": "vbear@mywork.com"},
         "createdBy": %s,
         "assignedTo": {"id": 1234, "type": "team", "first": "Jack", "last": "Sprout", "email": "jack.sprout@gmail.com"},
         "savedReplyId": 10, "to": ["to1@somewhere.com", "to2@somewhere.com"], "cc": ["cc1@somewhere.com", "cc2@somewhere.com"],
         "bcc": ["bcc1@somewhere.com", "bcc2@somewhere.com"], "createdAt": "%s", "openedAt": "2015-06-07T10:01:25Z"}\
        """
                .formatted(
                        id,
                        type,
                        state,
                        JsonValues.MAPPER.writeValueAsString(body),
                        createdBy,
                        createdAt);
    }

    private static final String VERNON =
            """
            {"id": 29418, "type": "customer", "first": "Vernon", "last": "Bear", "email": "vbear@mywork.com"}\
            """;

    /** The reference's {@code assignedTo}, Jack Sprout, as the agent who wrote a thread. */
    private static final String JACK =
            """
            {"id": 1234, "type": "user", "first": "Jack", "last": "Sprout", "email": "jack.sprout@gmail.com"}\
            """;

    /** A conversation whose primary customer is the reference's Vernon Bear. */
    private static JsonNode vernonsConversation(String... threads) {
        return json(
                """
                {"id": 123, "number": 45, "subject": "Help", "status": "active", "state": "published",
                 "createdAt": "2015-06-05T20:18:33Z", "primaryCustomer": %s, "_embedded": {"threads": [%s]}}\
                """
                        .formatted(VERNON, String.join(",", threads)));
    }

    /** The conversation as the planner makes it, with the reader's warnings and its own. */
    private static PlannedConversation planned(JsonNode node) {
        MappedRecord mapped =
                new ConversationPlanner(
                                ZoneOffset.UTC,
                                Clock.fixed(Instant.parse("2025-01-01T00:00:00Z"), ZoneOffset.UTC))
                        .process(SourceRecord.of(null, MAPPER.toConversation(node)));
        if (mapped instanceof MappedRecord.Planned planned) {
            return planned.conversation();
        }
        throw new AssertionError("rejected: " + ((MappedRecord.Rejected) mapped).reason());
    }

    /**
     * Case 2 of issue 13. Help Scout's Mailbox API 2.0 names a reply held back by Collision
     * Detection {@code review}: the thread states it documents are draft, hidden, published and
     * review (the values of the List Threads reference above, as a third-party Go client of the API
     * declares them: ThreadStateDraft, ThreadStateHidden, ThreadStatePublished, ThreadStateReview =
     * "review"; the stored copy of the reference shows only its example, whose state is
     * "published"). API 1.0 called it {@code underreview}: "A state of underreview means the thread
     * has been stopped by Collision Detection and is waiting to be confirmed (or discarded) by the
     * person that created the thread. A state of hidden means the thread was hidden (or removed)
     * from customer-facing emails."
     * (https://developer.helpscout.com/help-desk-api/objects/thread/). And the Conversation object
     * counts as published neither "line items, drafts or threads held for review by Collision
     * Detection" (https://developer.helpscout.com/webhooks/objects/conversation). No stored vendor
     * example shows a thread in review: the reference's thread is used with that state.
     *
     * <p>Before: the held reply went out as Jack's public admin reply. Now: only the published
     * threads are migrated, and a state Help Scout does not document keeps the whole conversation
     * out, naming it.
     */
    @Test
    void case2_aReplyHeldForReviewIsNeverSentAndEachDocumentedThreadStateIsHandled() {
        SourceConversation conversation =
                MAPPER.toConversation(
                        vernonsConversation(
                                referenceThread(
                                        1239,
                                        "reply",
                                        "review",
                                        JACK,
                                        "2015-06-05T20:25:00Z",
                                        "Held by Collision Detection"),
                                referenceThread(
                                        1238,
                                        "reply",
                                        "underreview",
                                        JACK,
                                        "2015-06-05T20:24:00Z",
                                        "Held, as API 1.0 says it"),
                                referenceThread(
                                        1237,
                                        "note",
                                        "hidden",
                                        JACK,
                                        "2015-06-05T20:23:00Z",
                                        "Hidden from customer-facing emails"),
                                referenceThread(
                                        1236,
                                        "reply",
                                        "draft",
                                        JACK,
                                        "2015-06-05T20:22:00Z",
                                        "Never sent"),
                                referenceThread(
                                        1235,
                                        "reply",
                                        "published",
                                        JACK,
                                        "2015-06-05T20:21:00Z",
                                        "Thanks, Vernon!"),
                                referenceThread(
                                        1234,
                                        "customer",
                                        "published",
                                        VERNON,
                                        "2015-06-05T20:18:33Z",
                                        "this is what i have to say: I love your service.")));

        assertThat(conversation.messages())
                .extracting(m -> m.id() + ":" + m.authorType() + ":" + m.body())
                .containsExactly(
                        "1234:contact:this is what i have to say: I love your service.",
                        "1235:agent:Thanks, Vernon!");

        assertThat(
                        reason(
                                vernonsConversation(
                                        referenceThread(
                                                1235,
                                                "reply",
                                                "Scheduled",
                                                JACK,
                                                "2015-06-05T20:21:00Z",
                                                "Goes out tomorrow"),
                                        referenceThread(
                                                1234,
                                                "customer",
                                                "published",
                                                VERNON,
                                                "2015-06-05T20:18:33Z",
                                                "hello"))))
                .isEqualTo(
                        "conversation 123, thread 1235: thread state \"Scheduled\" is none of"
                                + " published, draft, hidden, review, underreview; the"
                                + " conversation is not migrated");

        assertThat(
                        reason(
                                vernonsConversation(
                                        referenceThread(
                                                1235,
                                                "reply",
                                                "review",
                                                JACK,
                                                "2015-06-05T20:21:00Z",
                                                "held"))))
                .isEqualTo(
                        "conversation 123 has no published thread to migrate (1 line item(s),"
                                + " draft(s), hidden thread(s) or thread(s) held for review"
                                + " only)");
    }

    /**
     * Case 4 of issue 13. The thread types Help Scout's Mailbox API 2.0 documents are beaconchat,
     * chat, customer, forwardchild, forwardparent, lineitem, message, note, phone and reply (the
     * values of the List Threads reference above, as a third-party Go client of the API declares
     * them: ThreadTypeBeaconchat = "beaconchat" … ThreadTypeReply = "reply"). A Beacon chat is a
     * chat the customer had through the Beacon widget. No stored vendor example shows a beaconchat
     * thread: the reference's thread is used with that type, written once by the customer and once
     * by an agent.
     *
     * <p>Before: the whole conversation was rejected ("thread type 'beaconchat' is not one this
     * preset reads"). Now: read as a chat, by its {@code createdBy.type}.
     */
    @Test
    void case4_beaconChatThreadsAreMigratedAsChats() {
        PlannedConversation conversation =
                planned(
                        vernonsConversation(
                                referenceThread(
                                        1235,
                                        "beaconchat",
                                        "published",
                                        JACK,
                                        "2015-06-05T20:19:00Z",
                                        "Hi Vernon, how can I help?"),
                                referenceThread(
                                        1234,
                                        "beaconchat",
                                        "published",
                                        VERNON,
                                        "2015-06-05T20:18:33Z",
                                        "this is what i have to say: I love your service.")));

        assertThat(conversation.parts())
                .extracting(p -> p.key() + ":" + p.byContact() + ":" + p.note() + ":" + p.body())
                .containsExactly(
                        "1234:true:false:this is what i have to say: I love your service.",
                        "1235:false:false:Hi Vernon, how can I help?");
        assertThat(conversation.warnings()).isEmpty();
    }

    /**
     * The rule for a thread type Help Scout may add after these ten (see case 4): the
     * customer's words are migrated as their message, an agent's as a note (never a reply the
     * customer may not have received), each with a warning; without an author type it is rejected
     * naming the type.
     */
    @Test
    void aThreadTypeHelpScoutDoesNotDocumentIsMigratedAsTheNearestKindWithAWarning() {
        PlannedConversation conversation =
                planned(
                        vernonsConversation(
                                referenceThread(
                                        1235,
                                        "whatsapp",
                                        "published",
                                        JACK,
                                        "2015-06-05T20:19:00Z",
                                        "Agent over WhatsApp"),
                                referenceThread(
                                        1234,
                                        "whatsapp",
                                        "published",
                                        VERNON,
                                        "2015-06-05T20:18:33Z",
                                        "Customer over WhatsApp")));

        assertThat(conversation.parts())
                .extracting(p -> p.key() + ":" + p.byContact() + ":" + p.note())
                .containsExactly("1234:true:false", "1235:false:true");
        assertThat(conversation.warnings())
                .containsExactly(
                        "conversation 123, thread 1235: thread type 'whatsapp' is not one Help"
                                + " Scout documents; migrated as a note by the agent who wrote it",
                        "conversation 123, thread 1234: thread type 'whatsapp' is not one Help"
                                + " Scout documents; migrated as a message from the customer who"
                                + " wrote it");
    }

    /**
     * The conversation's own enums, as Help Scout's Get Conversation reference lists them
     * (https://developer.helpscout.com/mailbox-api/endpoints/conversations/get/): "status - Status
     * of the conversation, one of: active, all, closed, open, pending, spam" and "state - State of
     * the conversation, one of deleted, draft, published". A draft conversation was never sent; a
     * status or state outside these (and {@code all}, which only filters the list) is kept out,
     * named.
     */
    @Test
    void eachDocumentedConversationStatusAndStateIsHandledAndAnUnknownOneIsRejected() {
        for (String status : List.of("active", "pending", "open")) {
            JsonNode node =
                    vernonsConversation(
                            referenceThread(
                                    1234,
                                    "customer",
                                    "published",
                                    VERNON,
                                    "2015-06-05T20:18:33Z",
                                    "x"));
            ((tools.jackson.databind.node.ObjectNode) node).put("status", status);
            assertThat(planned(node).close()).as(status).isFalse();
        }
        JsonNode closed =
                vernonsConversation(
                        referenceThread(
                                1234,
                                "customer",
                                "published",
                                VERNON,
                                "2015-06-05T20:18:33Z",
                                "x"));
        ((tools.jackson.databind.node.ObjectNode) closed).put("status", "closed");
        assertThat(planned(closed).close()).isTrue();

        JsonNode draft =
                vernonsConversation(
                        referenceThread(
                                1234, "message", "draft", JACK, "2015-06-05T20:18:33Z", "x"));
        ((tools.jackson.databind.node.ObjectNode) draft).put("state", "draft");
        assertThat(reason(draft))
                .isEqualTo(
                        "conversation 123: a draft in Help Scout (state \"draft\"), never sent to"
                                + " the customer; not migrated");

        JsonNode archived =
                vernonsConversation(
                        referenceThread(
                                1234,
                                "customer",
                                "published",
                                VERNON,
                                "2015-06-05T20:18:33Z",
                                "x"));
        ((tools.jackson.databind.node.ObjectNode) archived).put("state", "archived");
        assertThat(reason(archived))
                .isEqualTo(
                        "conversation 123: state \"archived\" is none of published, draft,"
                                + " deleted; not migrated");

        JsonNode all =
                vernonsConversation(
                        referenceThread(
                                1234,
                                "customer",
                                "published",
                                VERNON,
                                "2015-06-05T20:18:33Z",
                                "x"));
        ((tools.jackson.databind.node.ObjectNode) all).put("status", "all");
        assertThat(reason(all))
                .isEqualTo(
                        "conversation 123: status \"all\" is none of active, pending, open,"
                                + " closed, spam; not migrated");
    }

    /** The conversation with these top-level fields beside its one customer thread. */
    private static JsonNode withDetails(String fields) {
        return json(
                """
                {"id": 123, "status": "active", "primaryCustomer": %s, %s,
                 "_embedded": {"threads": [%s]}}\
                """
                        .formatted(
                                ANN,
                                fields,
                                thread(1, "customer", ANN, "2023-01-01T10:00:00Z", "Hello")));
    }

    /**
     * The shapes of Help Scout's Get Conversation reference
     * (developer.helpscout.com/mailbox-api/endpoints/conversations/get/): "mailboxId" : 13,
     * "assignee" : {"id" : 99, "type" : "user", "first" : "Mr", "last" : "Robot", "email" :
     * "none@nowhere.com"}, "customFields" : [{"id" : 8, "name" : "Account Type", "value" : "8518",
     * "text" : "Free"}, …]. A dropdown's value is its option id, its text the label.
     */
    @Test
    void readsTheAssigneeTheMailboxAndTheCustomFieldsAsTheMailboxApiGivesThem() {
        SourceConversation conversation =
                MAPPER.toConversation(
                        withDetails(
                                """
                                "mailboxId" : 13,
                                "assignee" : {"id" : 99, "type" : "user", "first" : "Mr", "last" : "Robot", "email" : "none@nowhere.com"},
                                "customFields" : [
                                  {"id" : 8, "name" : "Account Type", "value" : "8518", "text" : "Free"},
                                  {"id" : 6688, "name" : "Seats", "value" : "12", "text" : "12"},
                                  {"id" : 6689, "name" : "Amount", "value" : "7", "text" : ""},
                                  {"id" : 6690, "name" : "Renewal", "value" : 2024, "text" : null},
                                  {"id" : 6691, "name" : "Notes", "value" : "", "text" : ""}]\
                                """));

        SourceConversation.Details details = conversation.details();
        assertThat(details.assigneeEmail()).isEqualTo("none@nowhere.com");
        assertThat(details.team()).isEqualTo("13");
        assertThat(details.fields())
                .containsExactly(
                        Map.entry("Account Type", "Free"),
                        Map.entry("Seats", "12"),
                        Map.entry("Amount", "7"),
                        Map.entry("Renewal", "2024"));
        assertThat(details.company()).as("the conversation carries no company").isNull();
        assertThat(conversation.warnings()).isEmpty();
    }

    /**
     * API 1.0 and the webhooks embed the mailbox, {"mailbox": {"id": 1234, "name": "My Mailbox"}}
     * (the Conversation object of developer.helpscout.com/webhooks/objects/conversation): its name
     * is the team then.
     */
    @Test
    void anEmbeddedMailboxIsTheTeamByName() {
        assertThat(
                        MAPPER.toConversation(
                                        withDetails(
                                                "\"mailboxId\": 1234, \"mailbox\": {\"id\": 1234,"
                                                        + " \"name\": \"My Mailbox\"}"))
                                .details()
                                .team())
                .isEqualTo("My Mailbox");
        assertThat(
                        MAPPER.toConversation(withDetails("\"mailbox\": {\"id\": 1234}"))
                                .details()
                                .team())
                .isEqualTo("1234");
    }

    @Test
    void noAssigneeNoMailboxNoFieldsIsNothingAroundTheThread() {
        assertThat(MAPPER.toConversation(withDetails("\"assignee\": null")).details())
                .isEqualTo(SourceConversation.Details.NONE);
    }

    @Test
    void aCustomFieldThatCannotBeReadIsLeftOutWithAWarningAndTheConversationMigrates() {
        SourceConversation conversation =
                MAPPER.toConversation(
                        withDetails(
                                """
                                "customFields": [{"id": 1, "value": "x"},
                                  {"id": 2, "name": "Tier", "value": {"id": 3}},
                                  {"id": 4, "name": "Tier", "value": "Gold"},
                                  {"id": 5, "name": "Tier", "value": "Silver"}]\
                                """));

        assertThat(conversation.details().fields()).containsExactly(Map.entry("Tier", "Gold"));
        assertThat(conversation.warnings())
                .containsExactly(
                        "conversation 123: customFields[0] has no name; the field is not read",
                        "conversation 123: customFields[1].value is an object, not a value; not"
                                + " read",
                        "conversation 123: two custom fields are named 'Tier'; the first one is"
                                + " read");
    }

    @Test
    void anAssigneeOrCustomFieldsOfTheWrongJsonTypeAreNamedByPath() {
        assertThat(reason(withDetails("\"assignee\": \"bob@acme.example\"")))
                .isEqualTo("field 'assignee' must be an object, not a string");
        assertThat(reason(withDetails("\"customFields\": {\"Plan\": \"Pro\"}")))
                .isEqualTo("field 'customFields' must be an array, not an object");
    }

    @Test
    void theSampleGivesSeveralConversationsAnAssigneeAMailboxAndCustomFields() throws Exception {
        List<SourceRecord> records = readAll(Path.of("samples/helpscout/conversations.json"));

        assertThat(records.get(0).conversation().details())
                .isEqualTo(
                        new SourceConversation.Details(
                                "bob@acme.example",
                                "85",
                                Map.of("Plan", "Pro", "Seats", "12", "Renewal date", "2024-03-01"),
                                null));
        assertThat(records)
                .filteredOn(r -> r.conversation() != null)
                .filteredOn(r -> r.conversation().details().assigneeEmail() != null)
                .hasSize(4);
    }
}
