package dev.migrator.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.migrator.e2e.InboxWorkspace.SourceDetails;
import dev.migrator.source.Timestamps;
import dev.migrator.testserver.FakeIntercom;
import dev.migrator.testserver.FakeIntercom.Contact;
import dev.migrator.testserver.FakeIntercom.Conversation;
import dev.migrator.testserver.FakeIntercom.Part;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The Front sample (conversations with their messages, newest first, and comments) migrated by the
 * real application into a fake Intercom, checked conversation by conversation against the source.
 */
class FrontPresetTest {

    private static final JsonMapper MAPPER = JsonMapper.builder().build();
    private static final Path EXPORT = Path.of("samples/front/conversations.json");
    private static final String BAD_CONVERSATION = "cnv_6p1k2e";
    private static final Pattern HTML_TAG = Pattern.compile("<\\s*/?\\s*[a-zA-Z][^>]*>");
    private static final Pattern EMAIL = Pattern.compile("[^@\\s]+@[^@\\s]+");

    @TempDir Path workDir;

    private FakeIntercom intercom;
    private Map<String, String> adminIds;
    private InboxWorkspace workspace;
    private MigratorProcess migrator;

    /** What one Front message or comment must be in Intercom. */
    private record Expected(
            String id,
            BigDecimal time,
            boolean byContact,
            boolean note,
            String adminId,
            List<String> attachments) {
        long createdAt() {
            return Timestamps.toEpochSecond(time.toPlainString(), ZoneOffset.UTC);
        }
    }

    @BeforeEach
    void setUp() throws Exception {
        intercom = FakeIntercom.start();
        adminIds = Agents.addTo(intercom);
        // The Support inbox has its team in Intercom, Billing has none (left unassigned); the
        // sample's enum, number and boolean fields each fill an attribute of their type.
        workspace =
                new InboxWorkspace(intercom)
                        .team("Support")
                        .listAttribute("Plan", "Plan", "Free", "Pro", "Enterprise")
                        .attribute("Seats", "Seats", "integer")
                        .attribute("VIP", "VIP", "boolean");
        // Every teammate of the sample is an admin: no default admin is needed.
        migrator =
                new MigratorProcess(
                        workDir,
                        intercom.baseUrl(),
                        FakeIntercom.TOKEN,
                        workspace.mappingSection());
    }

    @AfterEach
    void tearDown() {
        intercom.close();
    }

    @Test
    void migratesEveryConversationWithAContactEmailWithItsMessagesAndCommentsOnce()
            throws Exception {
        MigratorProcess.Result result =
                migrator.run("migrate", "--input", EXPORT.toString(), "--format", "front");

        assertThat(result.exitCode()).as(result.all()).isEqualTo(3);
        List<JsonNode> conversations = MAPPER.readTree(EXPORT.toFile()).valueStream().toList();
        assertThat(conversations).hasSize(7);
        for (JsonNode conversation : conversations) {
            if (!conversation.path("id").asString().equals(BAD_CONVERSATION)) {
                checkConversation(conversation);
            }
        }
        assertThat(intercom.conversations()).hasSize(conversations.size() - 1);
        assertThat(intercom.contacts())
                .extracting(Contact::email)
                .containsExactlyInAnyOrder(
                        "ann.lee@example.org",
                        "priya@northwind.example",
                        "mei.chen@example.com",
                        "erin.park@example.net",
                        "luis.ortega@example.net",
                        "jonas.weber@example.de");
        assertThat(intercom.contacts()).extracting(Contact::externalId).containsOnlyNulls();
        assertThat(intercom.notifications()).as("customer notifications").isZero();
        assertThat(intercom.internalErrors()).isEmpty();
        checkBodies();

        List<String> rejects = Files.readAllLines(migrator.runDir(1).resolve("rejects.jsonl"));
        assertThat(rejects)
                .singleElement()
                .satisfies(
                        line -> {
                            JsonNode reject = MAPPER.readTree(line);
                            assertThat(reject.path("file").asString())
                                    .endsWith("conversations.json");
                            assertThat(reject.path("line").asLong())
                                    .isEqualTo(
                                            lineOfRecord("\"id\": \"" + BAD_CONVERSATION + "\","));
                            assertThat(reject.path("source_id").asString())
                                    .isEqualTo(BAD_CONVERSATION);
                            assertThat(reject.path("reason").asString())
                                    .isEqualTo(
                                            "conversation cnv_6p1k2e: no contact email (recipient"
                                                + " '+14155550199' is not an email address, and no"
                                                + " inbound message is from an email address)");
                        });
        assertThat(Files.readString(migrator.runDir(1).resolve("summary.json")))
                .contains("\"conversations_migrated\" : 6");
        workspace.checkCompaniesAndSummary(migrator.runDir(1).resolve("summary.json"));
        // Case 1 of issue 13: the sample's shared draft (draft_mode "shared", as Front's Core API
        // marks one: frontapp/front-api-specs, core-api/core-api.json, MessageResponse) is never
        // sent, and the run says so.
        assertThat(intercom.conversations())
                .flatExtracting(Conversation::parts)
                .extracting(Part::body)
                .noneMatch(body -> body != null && body.contains("DRAFT, do not send yet"));
        assertThat(Files.readString(migrator.stateDir().resolve("migrator.log")))
                .contains(
                        "conversation cnv_6p1k2b: message msg_1k2b04 is a draft, never sent"
                                + " (draft_mode \"shared\"); not migrated");

        assertThat(intercom.requests("POST /conversations")).as("creates sent").isEqualTo(6);

        InboxWorkspace.checkRunsAgainChangeNothing(intercom, migrator, EXPORT, "--format", "front");
    }

    @Test
    void detectsTheFrontFormatFromTheContent() throws Exception {
        MigratorProcess.Result result = migrator.run("migrate", "--input", EXPORT.toString());

        assertThat(result.out()).contains("Detected format front for " + EXPORT);
        assertThat(result.exitCode()).as(result.all()).isEqualTo(3);
        assertThat(intercom.conversations()).hasSize(6);
    }

    private void checkConversation(JsonNode source) {
        String id = source.path("id").asString();
        List<Expected> expected = expectedMessages(source);
        JsonNode person = contactOf(source, expected);
        String email = person.path("handle").asString().toLowerCase();
        Contact contact =
                intercom.contacts().stream()
                        .filter(c -> email.equals(c.email()))
                        .findFirst()
                        .orElseThrow(() -> new AssertionError("no contact for " + id));
        assertThat(contact.name())
                .as("%s contact name", id)
                .isEqualTo(person.path("name").asString());
        assertThat(contact.role()).isEqualTo("user");

        List<Conversation> found =
                intercom.conversationsOf(contact.id()).stream()
                        .filter(c -> c.createdAt().getEpochSecond() == expected.get(0).createdAt())
                        .toList();
        assertThat(found).as("%s created exactly once", id).hasSize(1);
        Conversation conversation = found.get(0);
        assertThat(conversation.subject()).isEqualTo(source.path("subject").asString());

        List<Expected> replies;
        Expected first = expected.get(0);
        if (first.byContact()) {
            assertThat(conversation.body())
                    .as("%s opening", id)
                    .doesNotContainPattern(HTML_TAG)
                    .isNotBlank();
            assertThat(conversation.attachments())
                    .as("%s opening attachments", id)
                    .isEqualTo(first.attachments());
            replies = expected.subList(1, expected.size());
        } else {
            assertThat(conversation.body())
                    .as("%s opening", id)
                    .startsWith("Conversation started by ");
            replies = expected;
        }
        List<Part> parts = InboxWorkspace.messages(conversation);
        assertThat(parts).as("%s parts", id).hasSize(replies.size());
        for (int i = 0; i < replies.size(); i++) {
            Expected want = replies.get(i);
            Part part = parts.get(i);
            String label = id + ", " + want.id();
            assertThat(part.createdAt().getEpochSecond())
                    .as(label + " created_at")
                    .isEqualTo(want.createdAt());
            assertThat(part.partType())
                    .as(label + " kind")
                    .isEqualTo(want.note() ? "note" : "comment");
            assertThat(part.authorType())
                    .as(label + " author")
                    .isEqualTo(want.byContact() ? "user" : "admin");
            if (!want.byContact()) {
                assertThat(part.authorId())
                        .as(label + " admin")
                        .isEqualTo(want.adminId())
                        .isNotNull();
                assertThat(part.skipNotifications()).as(label + " skip_notifications").isTrue();
            }
            assertThat(part.attachments()).as(label + " attachments").isEqualTo(want.attachments());
            assertThat(part.body()).as(label + " body").isNotBlank();
        }
        boolean closed = "archived".equals(source.path("status").asString());
        assertThat(conversation.isOpen()).as("%s open", id).isEqualTo(!closed);
        assertThat(conversation.tags())
                .as("%s tags", id)
                .containsExactlyInAnyOrderElementsOf(
                        source.path("tags")
                                .valueStream()
                                .map(t -> t.path("name").asString())
                                .toList());
        workspace.check(conversation, sourceDetails(source));
    }

    /**
     * What a conversation of the sample says around its messages, read as docs/formats/front.md
     * says: the assignee's email, the first inbox's name (else its id), each custom field as text.
     */
    private static SourceDetails sourceDetails(JsonNode source) {
        JsonNode inbox = source.path("inboxes").path(0);
        Map<String, String> fields = new LinkedHashMap<>();
        source.path("custom_fields")
                .properties()
                .forEach(
                        field -> {
                            if (field.getValue().isValueNode() && !field.getValue().isNull()) {
                                fields.put(field.getKey(), field.getValue().asString());
                            }
                        });
        return new SourceDetails(
                source.path("id").asString(),
                source.path("subject").asString(null),
                source.path("assignee").path("email").asString(null),
                inbox.has("name") ? inbox.path("name").asString() : inbox.path("id").asString(null),
                fields,
                "archived".equals(source.path("status").asString()));
    }

    /**
     * docs/formats/front.md's rules applied to the sample: messages and comments merged by their
     * exact times, drafts left out.
     */
    private List<Expected> expectedMessages(JsonNode source) {
        List<Expected> expected = new ArrayList<>();
        for (JsonNode message : source.path("messages")) {
            if (!message.path("draft_mode").isNull()
                    && !message.path("draft_mode").isMissingNode()) {
                continue; // a draft is never sent
            }
            boolean inbound = message.path("is_inbound").asBoolean();
            expected.add(
                    new Expected(
                            message.path("id").asString(),
                            time(message.path("created_at")),
                            inbound,
                            false,
                            inbound
                                    ? null
                                    : adminIds.get(message.path("author").path("email").asString()),
                            urls(message)));
        }
        for (JsonNode comment : source.path("comments")) {
            expected.add(
                    new Expected(
                            comment.path("id").asString(),
                            time(comment.path("posted_at")),
                            false,
                            true,
                            adminIds.get(comment.path("author").path("email").asString()),
                            urls(comment)));
        }
        expected.sort(Comparator.comparing(Expected::time));
        return expected;
    }

    /** The recipient when it is an email address, else the sender of the first inbound message. */
    private static JsonNode contactOf(JsonNode source, List<Expected> expected) {
        JsonNode recipient = source.path("recipient");
        if (EMAIL.matcher(recipient.path("handle").asString()).matches()) {
            return recipient;
        }
        String firstInbound =
                expected.stream().filter(Expected::byContact).findFirst().orElseThrow().id();
        JsonNode message =
                source.path("messages")
                        .valueStream()
                        .filter(m -> m.path("id").asString().equals(firstInbound))
                        .findFirst()
                        .orElseThrow();
        return message.path("recipients")
                .valueStream()
                .filter(r -> r.path("role").asString().equals("from"))
                .findFirst()
                .orElseThrow();
    }

    /**
     * The words the rules put in, checked on the parts that show them ({@code <} before a letter
     * gets a zero-width space).
     */
    private void checkBodies() {
        Conversation login = conversationOpenedAt(1678872541);
        assertThat(login.body()).contains("I get \"Invalid credentials\" every time.");
        assertThat(login.parts().get(0).body())
                .as("Carol's comment, plain text")
                .isEqualTo(
                        "Locked after 5 failed attempts, see"
                                + " <\u200Bhttps://admin.acme.example/users/ann.lee> & unlock it"
                                + " there.");
        assertThat(login.parts().get(1).body())
                .contains("I've unlocked it & sent you a new reset link")
                .contains("30 minutes \u2014 please");

        Conversation trial = conversationOpenedAt(1681290000);
        assertThat(trial.body())
                .isEqualTo("Conversation started by Carol Diaz (carol@acme.example).");
        assertThat(trial.parts().get(0).body()).contains("plans (https://acme.example/pricing)");

        Conversation export = conversationOpenedAt(1687182310);
        assertThat(export.parts().get(2).body())
                .isEqualTo("Asked engineering to raise the limit to 100k.\nTicket: ENG-4410");
        assertThat(export.parts().get(1).body())
                .startsWith("From Dave Kim (dave.kim@example.com):\n")
                .contains("about 48k rows");

        Conversation parcel = conversationOpenedAt(1694715725);
        assertThat(parcel.parts().get(1).body())
                .isEqualTo(
                        "From Erin Park (+14155550134):\n\n"
                                + "Still nothing today. Can I pick it up at the depot?");

        Conversation unsubscribe = conversationOpenedAt(1700000000);
        assertThat(unsubscribe.body())
                .isEqualTo(
                        "Please unsubscribe me from the newsletter"
                                + " <\u200Bjonas.weber@example.de>.\n"
                                + "Thanks & regards");
    }

    private Conversation conversationOpenedAt(long epochSecond) {
        return intercom.conversations().stream()
                .filter(c -> c.createdAt().getEpochSecond() == epochSecond)
                .findFirst()
                .orElseThrow(() -> new AssertionError("no conversation opened at " + epochSecond));
    }

    /** The line a record of the sample starts on: the line of its opening brace, above its id. */
    private static long lineOfRecord(String idLine) throws Exception {
        List<String> lines = Files.readAllLines(EXPORT);
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).trim().equals(idLine)) {
                for (int j = i - 1; j >= 0; j--) {
                    if (lines.get(j).equals("  {")) {
                        return j + 1;
                    }
                }
            }
        }
        throw new AssertionError(idLine + " is not in " + EXPORT);
    }

    private static List<String> urls(JsonNode node) {
        return node.path("attachments").valueStream().map(a -> a.path("url").asString()).toList();
    }

    private static BigDecimal time(JsonNode epochSeconds) {
        return epochSeconds.decimalValue();
    }
}
