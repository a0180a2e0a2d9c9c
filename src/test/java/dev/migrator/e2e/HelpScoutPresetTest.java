package dev.migrator.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.migrator.e2e.InboxWorkspace.SourceDetails;
import dev.migrator.testserver.FakeIntercom;
import dev.migrator.testserver.FakeIntercom.Contact;
import dev.migrator.testserver.FakeIntercom.Conversation;
import dev.migrator.testserver.FakeIntercom.Part;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The Help Scout sample ({@code samples/helpscout/conversations.json}, Mailbox API v2 conversations
 * with their threads newest first) migrated by the real application into a fake Intercom, and
 * checked conversation by conversation, part by part, against what its threads say.
 */
class HelpScoutPresetTest {

    private static final String SAMPLE = "samples/helpscout/conversations.json";
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Pattern HTML_TAG = Pattern.compile("<\\s*/?\\s*[a-zA-Z][^>]*>");

    /** Who a part is by, as Intercom holds it. */
    enum Kind {
        CONTACT,
        COMMENT,
        NOTE
    }

    /**
     * One expected part: the Help Scout thread it comes from, its kind, the admin's email for
     * agents.
     */
    record Expected(
            String threadId,
            Kind kind,
            String admin,
            String bodyContains,
            List<String> attachments) {
        static Expected contact(String threadId, String bodyContains, String... attachments) {
            return new Expected(threadId, Kind.CONTACT, null, bodyContains, List.of(attachments));
        }

        static Expected comment(
                String threadId, String admin, String bodyContains, String... attachments) {
            return new Expected(threadId, Kind.COMMENT, admin, bodyContains, List.of(attachments));
        }

        static Expected note(
                String threadId, String admin, String bodyContains, String... attachments) {
            return new Expected(threadId, Kind.NOTE, admin, bodyContains, List.of(attachments));
        }
    }

    /** One expected conversation; {@code startedBy} names the agent when a marker opens it. */
    record ExpectedConversation(
            String id,
            String email,
            String name,
            boolean closed,
            List<String> tags,
            String startedBy,
            List<Expected> parts) {}

    private static final List<ExpectedConversation> EXPECTED =
            List.of(
                    new ExpectedConversation(
                            "3100001",
                            "ines.moreau@example.org",
                            "Inès Moreau",
                            true,
                            List.of("billing", "vat"),
                            null,
                            List.of(
                                    Expected.contact(
                                            "9100001",
                                            "ours ends in 045",
                                            "https://secure.helpscout.net/file/12001/9ab3c2d1/invoice-february.png"),
                                    Expected.comment(
                                            "9100003",
                                            "bob@acme.example",
                                            "here is the corrected invoice",
                                            "https://secure.helpscout.net/file/12003/5c1f0a9e/invoice-2023-0042.pdf"),
                                    Expected.contact("9100004", "Perfect, thank you!"))),
                    new ExpectedConversation(
                            "3100002",
                            "tom.becker@example.com",
                            "Tom Becker",
                            false,
                            List.of("onboarding"),
                            "Conversation started by Carol Diaz (carol@acme.example).",
                            List.of(
                                    Expected.comment(
                                            "9200001", "carol@acme.example", "- Tuesday 10am"),
                                    Expected.contact("9200002", "Tuesday 10am works for me."))),
                    new ExpectedConversation(
                            "3100003",
                            "aiko.tanaka@example.jp",
                            "Aiko Tanaka",
                            false,
                            List.of("bug", "reports"),
                            null,
                            List.of(
                                    Expected.contact(
                                            "9300001", "spins forever & nothing downloads"),
                                    Expected.comment(
                                            "9300002",
                                            "carol@acme.example",
                                            "we're looking into it"),
                                    Expected.note(
                                            "9300003",
                                            "bob@acme.example",
                                            "Reproduced on staging",
                                            "https://api.helpscout.net/v2/conversations/3100003/attachments/13001/data"),
                                    Expected.comment("9300004", "bob@acme.example", "Called Aiko"),
                                    Expected.contact("9300005", "Any news on the export?"))),
                    new ExpectedConversation(
                            "3100004",
                            "olivia.grant@example.co.uk",
                            "Olivia Grant",
                            true,
                            List.of("shipping"),
                            null,
                            List.of(
                                    Expected.contact("9400001", "crushed corner"),
                                    Expected.contact(
                                            "9400002",
                                            "From Raj Patel (raj.patel@example.co.uk):\n\n"
                                                    + "Adding photos",
                                            "https://secure.helpscout.net/file/14001/77e0aa10/box2.jpg",
                                            "https://secure.helpscout.net/file/14002/77e0aa11/box2-label.jpg"),
                                    Expected.comment(
                                            "9400003",
                                            "bob@acme.example",
                                            "A replacement ships today"),
                                    Expected.note(
                                            "9400005",
                                            "carol@acme.example",
                                            "Forwarded to the warehouse team"))),
                    new ExpectedConversation(
                            "3100007",
                            "lea.dubois@example.fr",
                            "Léa Dubois",
                            true,
                            List.of("chat", "pricing"),
                            null,
                            List.of(
                                    Expected.contact("9700001", "billed per seat"),
                                    Expected.comment(
                                            "9700002", "carol@acme.example", "Happy to help"),
                                    Expected.comment(
                                            "9700003", "carol@acme.example", "prorated to the day"),
                                    Expected.contact("9700004", "I'll upgrade then"),
                                    // Case 4 of issue 13: Beacon chat threads, read as chats.
                                    Expected.contact("9700005", "does the annual plan keep"),
                                    Expected.comment(
                                            "9700006",
                                            "carol@acme.example",
                                            "15% off every seat"))));

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

    /**
     * The workspace as a customer sets it up: the Mailbox API gives mailbox 85 by id only, so
     * {@code mapping.teams} names its team; mailbox 86 has none in Intercom and stays unassigned.
     * The sample's dropdown, number and date fields each fill an attribute of their type.
     */
    private InboxWorkspace workspace() {
        return new InboxWorkspace(intercom)
                .team("Support")
                .teamMapping("85", "Support")
                .listAttribute("Plan", "Plan", "Free", "Pro", "Enterprise")
                .attribute("Seats", "Seats", "integer")
                .attribute("Renewal date", "Renewal date", "datetime");
    }

    @Test
    void
            migratesEveryGoodConversationWithItsThreadsInTimeOrderAndRejectsTheSpamAndTheOneWithoutEmail()
                    throws Exception {
        InboxWorkspace workspace = workspace();
        MigratorProcess migrator =
                new MigratorProcess(
                        workDir,
                        intercom.baseUrl(),
                        FakeIntercom.TOKEN,
                        workspace.mappingSection());

        MigratorProcess.Result result =
                migrator.run("migrate", "--input", SAMPLE, "--format", "helpscout");

        assertThat(result.exitCode()).as(result.all()).isEqualTo(3);
        checkIntercomHoldsTheSample(workspace);

        List<String> rejects = Files.readAllLines(migrator.runDir(1).resolve("rejects.jsonl"));
        assertThat(rejects).hasSize(2);
        // Case 11 of issue 12: the spam conversation is a reject, and nothing of it reaches
        // Intercom, not even a search for its customer.
        JsonNode spam = JSON.readTree(rejects.get(0));
        assertThat(spam.path("line").asLong()).isEqualTo(lineOfConversation("3100005"));
        assertThat(spam.path("source_id").asString()).isEqualTo("3100005");
        assertThat(spam.path("reason").asString())
                .isEqualTo(
                        "conversation 3100005: marked as spam in Help Scout (status \"spam\");"
                                + " not migrated");
        assertThat(intercom.receivedRequests())
                .noneMatch(r -> r.body() != null && r.body().contains("giftcards.example"));
        // Case 2 of issue 13: Carol's reply held by Collision Detection (thread state "review",
        // Help Scout's Mailbox API 2.0 value; see HelpScoutConversationMapperTest for the sources)
        // never reaches the customer's conversation.
        assertThat(intercom.receivedRequests())
                .noneMatch(r -> r.body() != null && r.body().contains("ships tonight"));
        assertThat(rejects.subList(1, 2))
                .singleElement()
                .satisfies(
                        line -> {
                            JsonNode reject = JSON.readTree(line);
                            assertThat(reject.path("file").asString()).endsWith(SAMPLE);
                            assertThat(reject.path("line").asLong())
                                    .isEqualTo(lineOfConversation("3100006"));
                            assertThat(reject.path("source_id").asString()).isEqualTo("3100006");
                            assertThat(reject.path("reason").asString())
                                    .isEqualTo(
                                            "conversation 3100006: primary customer 7006 has no"
                                                    + " email");
                            assertThat(reject.path("record").path("number").asInt())
                                    .isEqualTo(1206);
                        });
        // Only the planner's notice for the agent-started conversation: the threads were put in
        // order by the preset.
        assertThat(Files.readString(migrator.runDir(1).resolve("summary.json")))
                .contains("\"conversations_migrated\" : 5")
                .contains("\"warnings\" : 1");
        workspace.checkCompaniesAndSummary(migrator.runDir(1).resolve("summary.json"));

        InboxWorkspace.checkRunsAgainChangeNothing(
                intercom, migrator, Path.of(SAMPLE), "--format", "helpscout");
    }

    @Test
    void detectsTheFormatWhenNoneIsGiven() throws Exception {
        MigratorProcess migrator =
                new MigratorProcess(workDir, intercom.baseUrl(), FakeIntercom.TOKEN, "");

        MigratorProcess.Result result = migrator.run("migrate", "--input", SAMPLE);

        assertThat(result.exitCode()).as(result.all()).isEqualTo(3);
        assertThat(result.out()).contains("Detected format helpscout for " + SAMPLE + ".");
        assertThat(intercom.conversations()).hasSize(EXPECTED.size());
    }

    private void checkIntercomHoldsTheSample(InboxWorkspace workspace) throws Exception {
        Map<String, Long> threadTimes = threadTimes();
        Map<String, SourceDetails> details = sourceDetails();
        assertThat(intercom.conversations()).hasSize(EXPECTED.size());
        assertThat(intercom.contacts()).hasSize(EXPECTED.size());
        assertThat(intercom.notifications()).as("customer notifications").isZero();
        for (ExpectedConversation expected : EXPECTED) {
            String id = expected.id();
            List<Contact> contacts =
                    intercom.contacts().stream()
                            .filter(c -> expected.email().equals(c.email()))
                            .toList();
            assertThat(contacts)
                    .as("%s contact", id)
                    .singleElement()
                    .satisfies(
                            c -> {
                                assertThat(c.name())
                                        .as("%s contact name", id)
                                        .isEqualTo(expected.name());
                                assertThat(c.role()).isEqualTo("user");
                                assertThat(c.externalId()).isNull();
                            });
            String contactId = contacts.get(0).id();
            List<Conversation> found = intercom.conversationsOf(contactId);
            assertThat(found).as("%s created exactly once", id).hasSize(1);
            Conversation conversation = found.get(0);
            assertThat(conversation.subject()).as("%s subject", id).isEqualTo(subjectOf(id));

            List<Expected> parts = expected.parts();
            assertThat(conversation.createdAt().getEpochSecond())
                    .as("%s opening time", id)
                    .isEqualTo(threadTimes.get(parts.get(0).threadId()));
            List<Expected> replies;
            if (expected.startedBy() != null) {
                assertThat(conversation.body()).as("%s marker", id).isEqualTo(expected.startedBy());
                assertThat(conversation.attachments()).isEmpty();
                replies = parts;
            } else {
                assertThat(conversation.body())
                        .as("%s opening body", id)
                        .contains(parts.get(0).bodyContains())
                        .doesNotContainPattern(HTML_TAG);
                assertThat(conversation.attachments())
                        .as("%s opening attachments", id)
                        .containsExactlyElementsOf(parts.get(0).attachments());
                replies = parts.subList(1, parts.size());
            }
            List<Part> sent = InboxWorkspace.messages(conversation);
            assertThat(sent).as("%s parts", id).hasSize(replies.size());
            for (int i = 0; i < replies.size(); i++) {
                Expected want = replies.get(i);
                Part part = sent.get(i);
                String label = id + " thread " + want.threadId();
                assertThat(part.createdAt().getEpochSecond())
                        .as(label + " created_at")
                        .isEqualTo(threadTimes.get(want.threadId()));
                assertThat(part.partType())
                        .as(label + " kind")
                        .isEqualTo(want.kind() == Kind.NOTE ? "note" : "comment");
                if (want.kind() == Kind.CONTACT) {
                    assertThat(part.authorType()).as(label + " author").isEqualTo("user");
                    assertThat(part.authorId()).as(label + " contact").isEqualTo(contactId);
                } else {
                    assertThat(part.authorType()).as(label + " author").isEqualTo("admin");
                    assertThat(part.authorId())
                            .as(label + " admin")
                            .isEqualTo(adminIds.get(want.admin()));
                    assertThat(part.skipNotifications()).as(label + " skip_notifications").isTrue();
                }
                assertThat(part.body())
                        .as(label + " body")
                        .contains(want.bodyContains())
                        .doesNotContainPattern(HTML_TAG);
                assertThat(part.attachments())
                        .as(label + " attachments")
                        .containsExactlyElementsOf(want.attachments());
            }
            assertThat(conversation.isOpen()).as("%s open", id).isEqualTo(!expected.closed());
            assertThat(
                            conversation.parts().stream()
                                    .filter(p -> p.partType().equals("close"))
                                    .count())
                    .as("%s closes", id)
                    .isEqualTo(expected.closed() ? 1 : 0);
            assertThat(conversation.tags())
                    .as("%s tags", id)
                    .containsExactlyInAnyOrderElementsOf(expected.tags());
            workspace.check(conversation, details.get(id));
        }
    }

    /**
     * What each conversation of the sample says around its threads, read as
     * docs/formats/helpscout.md says: the assignee's email; the embedded mailbox's name, else its
     * id as text; each custom field by name, its text else its value.
     */
    private static Map<String, SourceDetails> sourceDetails() throws Exception {
        Map<String, SourceDetails> details = new HashMap<>();
        for (JsonNode conversation : JSON.readTree(Path.of(SAMPLE).toFile())) {
            String id = conversation.path("id").asString();
            JsonNode mailbox = conversation.path("mailbox");
            String team =
                    mailbox.has("name")
                            ? mailbox.path("name").asString()
                            : conversation.path("mailboxId").asString(null);
            Map<String, String> fields = new LinkedHashMap<>();
            for (JsonNode field : conversation.path("customFields")) {
                JsonNode value = field.has("text") ? field.path("text") : field.path("value");
                fields.putIfAbsent(field.path("name").asString(), value.asString());
            }
            details.put(
                    id,
                    new SourceDetails(
                            id,
                            conversation.path("subject").asString(null),
                            conversation.path("assignee").path("email").asString(null),
                            team,
                            fields,
                            conversation.path("status").asString().equals("closed")));
        }
        return details;
    }

    /** Every thread's createdAt in the sample, in epoch seconds, by thread id. */
    private static Map<String, Long> threadTimes() throws Exception {
        Map<String, Long> times = new HashMap<>();
        for (JsonNode conversation : JSON.readTree(Path.of(SAMPLE).toFile())) {
            JsonNode threads =
                    conversation.path("_embedded").has("threads")
                            ? conversation.path("_embedded").path("threads")
                            : conversation.path("threads");
            threads.forEach(
                    t ->
                            times.put(
                                    t.path("id").asString(),
                                    Instant.parse(t.path("createdAt").asString())
                                            .getEpochSecond()));
        }
        return times;
    }

    private static String subjectOf(String id) throws Exception {
        for (JsonNode conversation : JSON.readTree(Path.of(SAMPLE).toFile())) {
            if (conversation.path("id").asString().equals(id)) {
                return conversation.path("subject").asString();
            }
        }
        throw new AssertionError("no conversation " + id + " in " + SAMPLE);
    }

    /**
     * The line of the array element holding conversation {@code id}: the line of its opening brace.
     */
    private static long lineOfConversation(String id) throws Exception {
        List<String> lines = Files.readAllLines(Path.of(SAMPLE));
        int idLine =
                IntStream.range(0, lines.size())
                        .filter(i -> lines.get(i).contains("\"id\": " + id + ","))
                        .findFirst()
                        .orElseThrow();
        int brace = idLine;
        while (!lines.get(brace).trim().equals("{")) {
            brace--;
        }
        return brace + 1;
    }
}
