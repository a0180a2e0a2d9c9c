package dev.migrator.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.migrator.e2e.InboxWorkspace.ContactCompany;
import dev.migrator.e2e.InboxWorkspace.SourceDetails;
import dev.migrator.source.Timestamps;
import dev.migrator.testserver.FakeIntercom;
import dev.migrator.testserver.FakeIntercom.Contact;
import dev.migrator.testserver.FakeIntercom.Conversation;
import dev.migrator.testserver.FakeIntercom.Part;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The Freshdesk sample (tickets with embedded conversations, and contacts, agents, groups and
 * companies as the people file) migrated by the real application into a fake Intercom, checked
 * ticket by ticket against the source files: with a workspace set up as a customer would, with
 * teams and conversation attributes, so that each ticket's title, assignee, group, fields and
 * company are checked too.
 */
class FreshdeskPresetTest {

    private static final JsonMapper MAPPER = JsonMapper.builder().build();
    private static final Path TICKETS = Path.of("samples/freshdesk/tickets.json");
    private static final Path PEOPLE = Path.of("samples/freshdesk/contacts.jsonl");
    private static final String BAD_TICKET = "1004";
    private static final Pattern HTML_TAG = Pattern.compile("<\\s*/?\\s*[a-zA-Z][^>]*>");

    /** Freshdesk's priority codes and their labels, the values of the field {@code priority}. */
    private static final Map<Integer, String> PRIORITIES =
            Map.of(1, "Low", 2, "Medium", 3, "High", 4, "Urgent");

    @TempDir Path workDir;

    private FakeIntercom intercom;
    private Map<String, String> adminIds;
    private String defaultAdminId;
    private InboxWorkspace workspace;
    private MigratorProcess migrator;

    /** The people file by Freshdesk id. */
    private final Map<String, JsonNode> people = new HashMap<>();

    /** What one Freshdesk message must be in Intercom. */
    private record Expected(
            String id,
            long createdAt,
            boolean byContact,
            boolean note,
            String adminId,
            List<String> attachments) {}

    @BeforeEach
    void setUp() throws Exception {
        intercom = FakeIntercom.start();
        adminIds = Agents.addTo(intercom);
        // Every agent is an admin; only the notes that non-agents wrote in private need the default
        // admin.
        defaultAdminId = intercom.addAdmin("migration@acme.example", "Migration");
        // Billing's team has another name in Intercom; Technical Support's is written in another
        // case, matched all the same. The admin's own ticket type "Onboarding" is not an option of
        // Ticket type: left out and counted.
        workspace =
                new InboxWorkspace(intercom)
                        .team("Finance")
                        .team("technical support")
                        .teamMapping("Billing", "Finance")
                        .listAttribute(
                                "cf_plan", "Plan", "Starter", "Pro", "Business", "Enterprise")
                        .attribute("cf_seats", "Seats", "integer")
                        .attribute("cf_order_number", "Order number", "string")
                        .listAttribute("priority", "Priority", "Low", "Medium", "High", "Urgent")
                        .listAttribute(
                                "type",
                                "Ticket type",
                                "Question",
                                "Problem",
                                "Incident",
                                "Feature Request");
        // The default admin under migration:, then the mapping: section.
        migrator =
                new MigratorProcess(
                        workDir,
                        intercom.baseUrl(),
                        FakeIntercom.TOKEN,
                        "  default-admin-id: \""
                                + defaultAdminId
                                + "\"\n"
                                + workspace.mappingSection());
        for (String line : Files.readAllLines(PEOPLE)) {
            JsonNode person = MAPPER.readTree(line);
            people.put(person.path("id").asString(), person);
        }
    }

    @AfterEach
    void tearDown() {
        intercom.close();
    }

    @Test
    void migratesEveryGoodTicketWithItsWholeThreadOnceAndRejectsTheOneWithoutEmailOrExternalId()
            throws Exception {
        MigratorProcess.Result result =
                migrator.run(
                        "migrate",
                        "--input",
                        TICKETS.toString(),
                        "--format",
                        "freshdesk",
                        "--users",
                        PEOPLE.toString());

        assertThat(result.exitCode()).as(result.all()).isEqualTo(3);
        List<JsonNode> tickets = MAPPER.readTree(TICKETS.toFile()).valueStream().toList();
        assertThat(tickets).hasSize(7);
        for (JsonNode ticket : tickets) {
            if (!ticket.path("id").asString().equals(BAD_TICKET)) {
                checkTicket(ticket);
            }
        }
        assertThat(intercom.conversations()).hasSize(tickets.size() - 1);
        assertThat(intercom.contacts())
                .extracting(Contact::email)
                .containsExactlyInAnyOrder(
                        "ann.lee@example.org",
                        "priya@northwind.example",
                        "mei.chen@example.com",
                        null,
                        "luis.ortega@example.net");
        assertThat(intercom.notifications()).as("customer notifications").isZero();
        assertThat(intercom.internalErrors()).isEmpty();
        checkBodies();

        List<String> rejects = Files.readAllLines(migrator.runDir(1).resolve("rejects.jsonl"));
        assertThat(rejects)
                .singleElement()
                .satisfies(
                        line -> {
                            JsonNode reject = MAPPER.readTree(line);
                            assertThat(reject.path("file").asString()).endsWith("tickets.json");
                            assertThat(reject.path("line").asLong())
                                    .isEqualTo(lineOfRecord("\"id\": 1004,"));
                            assertThat(reject.path("source_id").asString()).isEqualTo(BAD_TICKET);
                            assertThat(reject.path("reason").asString())
                                    .isEqualTo(
                                            "ticket 1004: requester 43000210005 has neither an"
                                                + " email nor an external id (unique_external_id)");
                        });
        assertThat(Files.readString(migrator.runDir(1).resolve("summary.json")))
                .contains("\"conversations_migrated\" : 6");
        workspace.checkCompaniesAndSummary(migrator.runDir(1).resolve("summary.json"));
        assertThat(intercom.requests("POST /conversations")).as("creates sent").isEqualTo(6);

        InboxWorkspace.checkRunsAgainChangeNothing(
                intercom, migrator, TICKETS, "--format", "freshdesk", "--users", PEOPLE.toString());
    }

    @Test
    void detectsTheFreshdeskFormatFromTheContent() throws Exception {
        MigratorProcess.Result result =
                migrator.run(
                        "migrate", "--input", TICKETS.toString(), "--users", PEOPLE.toString());

        assertThat(result.out()).contains("Detected format freshdesk for " + TICKETS);
        assertThat(result.exitCode()).as(result.all()).isEqualTo(3);
        assertThat(intercom.conversations()).hasSize(6);
    }

    private void checkTicket(JsonNode ticket) {
        String id = ticket.path("id").asString();
        JsonNode requester =
                ticket.has("requester")
                        ? ticket.path("requester")
                        : people.get(ticket.path("requester_id").asString());
        String email = requester.path("email").asString(null);
        String externalId = requester.path("unique_external_id").asString(null);
        Contact contact =
                intercom.contacts().stream()
                        .filter(
                                c ->
                                        email != null
                                                ? email.equals(c.email())
                                                : externalId.equals(c.externalId()))
                        .findFirst()
                        .orElseThrow(() -> new AssertionError("no contact for ticket " + id));
        assertThat(contact.email()).as("ticket %s contact email", id).isEqualTo(email);
        assertThat(contact.externalId())
                .as("ticket %s contact external id", id)
                .isEqualTo(externalId);
        assertThat(contact.name())
                .as("ticket %s contact name", id)
                .isEqualTo(requester.path("name").asString());
        assertThat(contact.role()).isEqualTo("user");

        List<Expected> expected = expectedMessages(ticket);
        List<Conversation> found =
                intercom.conversationsOf(contact.id()).stream()
                        .filter(c -> c.createdAt().getEpochSecond() == expected.get(0).createdAt())
                        .toList();
        assertThat(found).as("ticket %s created exactly once", id).hasSize(1);
        Conversation conversation = found.get(0);
        assertThat(conversation.subject()).isEqualTo(ticket.path("subject").asString());
        List<Expected> replies;
        Expected first = expected.get(0);
        if (first.byContact() && !first.note()) {
            assertThat(conversation.body())
                    .as("ticket %s opening", id)
                    .doesNotContainPattern(HTML_TAG)
                    .isNotBlank();
            assertThat(conversation.attachments())
                    .as("ticket %s opening attachments", id)
                    .isEqualTo(first.attachments());
            replies = expected.subList(1, expected.size());
        } else {
            assertThat(conversation.body())
                    .as("ticket %s opening", id)
                    .startsWith("Conversation started by ");
            replies = expected;
        }
        List<Part> parts = InboxWorkspace.messages(conversation);
        assertThat(parts).as("ticket %s parts", id).hasSize(replies.size());
        for (int i = 0; i < replies.size(); i++) {
            Expected want = replies.get(i);
            Part part = parts.get(i);
            String label = "ticket " + id + ", message " + want.id();
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
                assertThat(part.authorId()).as(label + " admin").isEqualTo(want.adminId());
                assertThat(part.skipNotifications()).as(label + " skip_notifications").isTrue();
            }
            assertThat(part.attachments()).as(label + " attachments").isEqualTo(want.attachments());
            assertThat(part.body())
                    .as(label + " body")
                    .doesNotContainPattern(HTML_TAG)
                    .isNotBlank();
        }
        assertThat(conversation.tags())
                .as("ticket %s tags", id)
                .containsExactlyInAnyOrderElementsOf(
                        ticket.path("tags").valueStream().map(JsonNode::asString).toList());
        workspace.check(conversation, sourceDetails(ticket));
    }

    /**
     * What a ticket says around its conversations, read as docs/formats/freshdesk.md says: its
     * subject; its responder's email when the responder is an agent; its group's name in the people
     * file, else the group's id; its fields; resolved (4) or closed (5); and its company.
     */
    private SourceDetails sourceDetails(JsonNode ticket) {
        JsonNode responder = people.get(ticket.path("responder_id").asString());
        String assigneeEmail =
                responder != null && responder.has("contact")
                        ? responder
                                .path("contact")
                                .path("email")
                                .asString()
                                .toLowerCase(Locale.ROOT)
                        : null;
        String team = null;
        if (ticket.hasNonNull("group_id")) {
            String groupId = ticket.path("group_id").asString();
            JsonNode group = people.get(groupId);
            team = group != null && isGroup(group) ? group.path("name").asString() : groupId;
        }
        return new SourceDetails(
                ticket.path("id").asString(),
                ticket.path("subject").asString(),
                assigneeEmail,
                team,
                fields(ticket),
                List.of(4, 5).contains(ticket.path("status").asInt()),
                companyOf(ticket));
    }

    /**
     * The ticket's company: its {@code company_id}, else the embedded company's, else the
     * requester's in the people file; named by the embedded company, else by the people file's;
     * null when none is named.
     */
    private ContactCompany companyOf(JsonNode ticket) {
        JsonNode embedded = ticket.path("company");
        JsonNode requester = people.get(ticket.path("requester_id").asString());
        String companyId =
                ticket.hasNonNull("company_id")
                        ? ticket.path("company_id").asString()
                        : embedded.hasNonNull("id")
                                ? embedded.path("id").asString()
                                : requester != null && requester.hasNonNull("company_id")
                                        ? requester.path("company_id").asString()
                                        : null;
        if (companyId == null) {
            return null;
        }
        JsonNode listed = people.get(companyId);
        String name =
                embedded.path("id").asString("").equals(companyId)
                        ? embedded.path("name").asString()
                        : listed != null && listed.has("domains")
                                ? listed.path("name").asString()
                                : null;
        return new ContactCompany("freshdesk-company-" + companyId, name);
    }

    /**
     * The ticket's fields as docs/formats/freshdesk.md keys them: {@code priority} by its label,
     * {@code type}, and each custom field by name, an array's values joined with ", "; empty values
     * left out.
     */
    private static Map<String, String> fields(JsonNode ticket) {
        Map<String, String> fields = new HashMap<>();
        if (ticket.hasNonNull("priority")) {
            fields.put("priority", PRIORITIES.get(ticket.path("priority").asInt()));
        }
        if (ticket.hasNonNull("type")) {
            fields.put("type", ticket.path("type").asString());
        }
        ticket.path("custom_fields")
                .properties()
                .forEach(
                        field -> InboxWorkspace.putField(fields, field.getKey(), field.getValue()));
        return fields;
    }

    /** A group of the people file: the fields docs/formats/freshdesk.md tells groups by. */
    private static boolean isGroup(JsonNode record) {
        return Stream.of("agent_ids", "escalate_to", "unassigned_for", "auto_ticket_assign")
                .anyMatch(record::has);
    }

    /**
     * The rules of docs/formats/freshdesk.md, applied to the sample: description first, then the
     * conversations.
     */
    private List<Expected> expectedMessages(JsonNode ticket) {
        List<Expected> expected = new ArrayList<>();
        boolean outbound = ticket.path("source").asInt() == 10;
        expected.add(
                new Expected(
                        "description",
                        epoch(ticket),
                        !outbound,
                        false,
                        outbound ? adminOf(ticket.path("responder_id").asString()) : null,
                        urls(ticket)));
        for (JsonNode conversation : ticket.path("conversations")) {
            JsonNode writer = people.get(conversation.path("user_id").asString());
            boolean agent = writer != null && writer.has("contact");
            boolean isPrivate = conversation.path("private").asBoolean();
            boolean byContact =
                    !isPrivate
                            && (writer != null
                                    ? !agent
                                    : conversation.path("incoming").asBoolean());
            String adminId =
                    byContact
                            ? null
                            : agent
                                    ? adminOf(conversation.path("user_id").asString())
                                    : defaultAdminId;
            expected.add(
                    new Expected(
                            conversation.path("id").asString(),
                            epoch(conversation),
                            byContact,
                            isPrivate,
                            adminId,
                            urls(conversation)));
        }
        for (int i = 1; i < expected.size(); i++) {
            assertThat(expected.get(i).createdAt())
                    .as("the sample is in time order")
                    .isGreaterThanOrEqualTo(expected.get(i - 1).createdAt());
        }
        return expected;
    }

    /** The words the rules put in, checked on the parts that show them. */
    private void checkBodies() {
        Conversation refund = conversationOpenedAt("2023-03-06T09:14:22Z");
        assertThat(refund.body())
                .contains("invoice #4471 on March 3rd \u2013 once on my Visa & once via PayPal");
        assertThat(refund.parts().get(1).body())
                .contains("re_3MqP (https://dashboard.stripe.example/refunds/re_3MqP)");

        Conversation outbound = conversationOpenedAt("2023-04-11T15:30:00Z");
        assertThat(outbound.body())
                .isEqualTo("Conversation started by Carol Diaz (carol@acme.example).");
        assertThat(outbound.parts().get(0).body())
                .contains("getting started guide (https://docs.acme.example/getting-started)");

        Conversation export = conversationOpenedAt("2023-06-19T13:45:10Z");
        assertThat(export.parts().get(1).body())
                .startsWith("From Dave Kim (dave.kim@example.com):\n")
                .contains("about 48k rows");
        Part ccNote = export.parts().get(2);
        assertThat(ccNote.body())
                .startsWith("Private comment from Dave Kim (dave.kim@example.com):\n");
        assertThat(ccNote.authorId()).isEqualTo(defaultAdminId);
        assertThat(ccNote.partType()).isEqualTo("note");

        Conversation plainText = conversationOpenedAt("2023-05-24T10:12:40Z");
        assertThat(plainText.body())
                .as("description_text, as written")
                .isEqualTo(
                        "Is the <\u200BPro> plan's API limit per user or per workspace?\n"
                                + "And does it include webhooks & exports?");
        assertThat(plainText.parts().get(1).body())
                .as("a requester's portal reply")
                .startsWith("Perfect, that answers it.");

        Conversation lost = conversationOpenedAt("2023-09-14T18:22:05Z");
        assertThat(lost.body())
                .contains("shows \"delivered\"")
                .contains("[image: https://files.acme.example/freshdesk/inline/porch-9914.jpg]");
        assertThat(lost.parts().get(1).body()).isEqualTo("(attachments only)");
    }

    private Conversation conversationOpenedAt(String time) {
        long at = Timestamps.toEpochSecond(time, ZoneOffset.UTC);
        return intercom.conversations().stream()
                .filter(c -> c.createdAt().getEpochSecond() == at)
                .findFirst()
                .orElseThrow();
    }

    private String adminOf(String freshdeskAgentId) {
        JsonNode agent = people.get(freshdeskAgentId);
        return adminIds.get(agent.path("contact").path("email").asString());
    }

    /**
     * The line a record of the sample starts on: the line of its opening brace, just above its id.
     */
    private static long lineOfRecord(String idLine) throws Exception {
        List<String> lines = Files.readAllLines(TICKETS);
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).trim().equals(idLine)) {
                assertThat(lines.get(i - 1).trim()).isEqualTo("{");
                return i; // the previous line, counted from 1
            }
        }
        throw new AssertionError(idLine + " is not in " + TICKETS);
    }

    private static List<String> urls(JsonNode node) {
        return node.path("attachments")
                .valueStream()
                .map(a -> a.path("attachment_url").asString())
                .toList();
    }

    private static long epoch(JsonNode node) {
        return Timestamps.toEpochSecond(node.path("created_at").asString(), ZoneOffset.UTC);
    }
}
