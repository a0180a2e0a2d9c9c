package dev.migrator.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.migrator.e2e.InboxWorkspace.ContactCompany;
import dev.migrator.e2e.InboxWorkspace.SourceDetails;
import dev.migrator.testserver.FakeIntercom;
import dev.migrator.testserver.FakeIntercom.Conversation;
import dev.migrator.testserver.FakeIntercom.Part;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The Zendesk sample (tickets and users exports), migrated by the real application into a fake
 * Intercom and checked ticket by ticket, comment by comment, against the export: with a workspace
 * set up as a customer would, with teams and conversation attributes, so that each ticket's title,
 * assignee, group, fields and organization are checked too.
 */
class ZendeskPresetTest {

    private static final Path TICKETS = Path.of("samples/zendesk/tickets.jsonl");
    private static final Path USERS = Path.of("samples/zendesk/users.jsonl");
    private static final JsonMapper MAPPER = JsonMapper.builder().build();
    private static final Pattern HTML_TAG = Pattern.compile("<\\s*/?\\s*[a-zA-Z][^>]*>");
    private static final Set<String> REJECTED = Set.of("105", "107");

    /** The users file's records by kind, each by Zendesk id. */
    private record UsersFile(
            Map<String, JsonNode> users,
            Map<String, JsonNode> groups,
            Map<String, JsonNode> organizations) {}

    @TempDir Path workDir;

    private FakeIntercom intercom;
    private Map<String, String> adminIds;
    private String defaultAdminId;
    private InboxWorkspace workspace;
    private MigratorProcess migrator;

    @BeforeEach
    void start() throws IOException {
        intercom = FakeIntercom.start();
        adminIds = Agents.addTo(intercom);
        defaultAdminId = intercom.addAdmin("migration@acme.example", "Migration");
        // Technical Support's team has another name in Intercom; the workspace has no team for the
        // group the users file does not name (360000123499): its tickets stay without one. A
        // dropdown's value is its option's tag: the Plan list's options are the tags.
        workspace =
                new InboxWorkspace(intercom)
                        .team("Billing")
                        .team("Tier 2")
                        .teamMapping("Technical Support", "Tier 2")
                        .listAttribute(
                                "360012345", "Plan", "plan_starter", "plan_business", "plan_pro")
                        .attribute("360012346", "Seats", "integer")
                        .attribute("360012347", "Product areas", "string")
                        .attribute("360012348", "Invoice reference", "string")
                        .listAttribute("priority", "Priority", "Low", "Normal", "High", "Urgent")
                        .listAttribute(
                                "type", "Ticket type", "Problem", "Incident", "Question", "Task");
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
    }

    @AfterEach
    void stop() {
        intercom.close();
    }

    @Test
    void migratesEveryGoodTicketWithEveryCommentAndExplainsTheRejects() throws IOException {
        MigratorProcess.Result result =
                migrator.run(
                        "migrate",
                        "--input",
                        TICKETS.toString(),
                        "--format",
                        "zendesk",
                        "--users",
                        USERS.toString());

        assertThat(result.exitCode()).as(result.all()).isEqualTo(3);
        UsersFile usersFile = usersFile();
        List<JsonNode> tickets =
                lines(TICKETS).stream().map(t -> t.has("ticket") ? t.get("ticket") : t).toList();
        for (JsonNode ticket : tickets) {
            if (!REJECTED.contains(ticket.path("id").asString())) {
                checkTicket(ticket, usersFile);
            }
        }
        assertThat(intercom.conversations()).hasSize(tickets.size() - REJECTED.size());
        assertThat(intercom.notifications()).as("customer notifications").isZero();
        workspace.checkCompaniesAndSummary(migrator.runDir(1).resolve("summary.json"));

        List<JsonNode> rejects = lines(migrator.runDir(1).resolve("rejects.jsonl"));
        assertThat(rejects)
                .extracting(r -> r.path("source_id").asString())
                .containsExactly("105", "107");
        assertThat(rejects.get(0).path("file").asString()).endsWith("tickets.jsonl");
        assertThat(rejects.get(0).path("line").asLong()).isEqualTo(5);
        assertThat(rejects.get(0).path("reason").asString())
                .isEqualTo(
                        "ticket 105: requester 9004 has neither an email nor an external_id in the"
                                + " users file");
        assertThat(rejects.get(1).path("line").asLong()).isEqualTo(7);
        assertThat(rejects.get(1).path("reason").asString())
                .isEqualTo(
                        "ticket 107: requester 9999 is not in the users file "
                                + USERS.toAbsolutePath());

        InboxWorkspace.checkRunsAgainChangeNothing(
                intercom, migrator, TICKETS, "--format", "zendesk", "--users", USERS.toString());
    }

    @Test
    void readsTheAgentStartedAndCarbonCopiedTicketsByTheDocumentedRules() {
        MigratorProcess.Result result =
                migrator.run("migrate", "--input", TICKETS.toString(), "--users", USERS.toString());
        assertThat(result.exitCode()).as(result.all()).isEqualTo(3);
        assertThat(result.out()).contains("Detected format zendesk");

        Conversation outbound = conversationOpenedAt("2021-09-01T14:00:00Z");
        assertThat(outbound.body())
                .isEqualTo("Conversation started by Carol Diaz (carol@acme.example).");
        assertThat(outbound.parts().get(0).authorId())
                .isEqualTo(adminIds.get("carol@acme.example"));
        assertThat(outbound.parts().get(0).body())
                .contains("Your order #A-5521 has shipped & should arrive by Friday");

        Conversation withCc = conversationOpenedAt("2021-11-08T09:00:00Z");
        Part ccPublic = withCc.parts().get(0);
        assertThat(ccPublic.authorType()).isEqualTo("user");
        assertThat(ccPublic.partType()).isEqualTo("comment");
        assertThat(ccPublic.body())
                .startsWith("From Dave Lin (dave.lin@example.com):")
                .contains("12 Harbour St, Leith <\u200BEH6 6LQ>");
        Part ccPrivate = withCc.parts().get(1);
        assertThat(ccPrivate.partType()).isEqualTo("note");
        assertThat(ccPrivate.authorId()).isEqualTo(defaultAdminId);
        assertThat(ccPrivate.body())
                .startsWith("Private comment from Dave Lin (dave.lin@example.com):")
                .contains("please also fix last month's invoice");
    }

    /**
     * Cases 5 and 6 of issue 13, end to end: zenpy's recorded ticket 4634 (facetoe/zenpy,
     * tests/betamax/TestTicketAPIMethods.test_show_ticket_comments-create-test-ticket.json and
     * TestTicketAPIMethods.test_show_ticket_comments.json), raised through the API by the account's
     * admin for themselves, with its users file written as the List Users API pages it ({@code
     * {"users":[…],"next_page":null,"previous_page":null,"count":1}}, the page fields of the same
     * recording).
     */
    @Test
    void aListUsersPageAndARequesterWhoIsAnAdminGiveTheContactItsOwnMessage() throws IOException {
        Path tickets = workDir.resolve("zenpy-tickets.jsonl");
        Files.writeString(
                tickets,
                """
                {"ticket":{"id":4634,"via":{"channel":"api"},"created_at":"2017-04-19T11:14:25Z","subject":"subject","description":"I am comment","status":"open","requester_id":21311632247,"submitter_id":21311632247,"assignee_id":21311632247,"tags":[],"comments":[{"id":288845689548,"type":"Comment","author_id":21311632247,"body":"I am comment","html_body":"<div class=\\"zd-comment\\"><p dir=\\"auto\\">I am comment</p></div>","plain_body":"I am comment","public":true,"attachments":[],"audit_id":288845689508,"created_at":"2017-04-19T11:14:25Z"}]}}
                """);
        Path usersPage = workDir.resolve("zenpy-users.json");
        Files.writeString(
                usersPage,
                """
                {"users":[{"id":21311632247,"name":"Facetoe","email":"stupiddumb@facetoe.com.au","role":"admin","verified":true,"external_id":null,"active":true}],"next_page":null,"previous_page":null,"count":1}
                """);

        MigratorProcess.Result result =
                migrator.run(
                        "migrate",
                        "--input",
                        tickets.toString(),
                        "--format",
                        "zendesk",
                        "--users",
                        usersPage.toString());

        assertThat(result.exitCode()).as(result.all()).isZero();
        assertThat(intercom.conversations()).hasSize(1);
        Conversation conversation = intercom.conversations().get(0);
        FakeIntercom.Contact contact =
                intercom.contacts().stream()
                        .filter(c -> c.id().equals(conversation.contactId()))
                        .findFirst()
                        .orElseThrow();
        assertThat(contact.email()).isEqualTo("stupiddumb@facetoe.com.au");
        assertThat(conversation.authorType()).isEqualTo("user");
        assertThat(conversation.body())
                .as("the requester's own words open it, with no agent-started marker")
                .isEqualTo("I am comment");
        assertThat(conversation.parts()).isEmpty();
    }

    private void checkTicket(JsonNode ticket, UsersFile usersFile) {
        Map<String, JsonNode> users = usersFile.users();
        String id = ticket.path("id").asString();
        JsonNode requester = users.get(ticket.path("requester_id").asString());
        FakeIntercom.Contact contact =
                intercom.contacts().stream()
                        .filter(c -> requester.path("email").asString().equals(c.email()))
                        .findFirst()
                        .orElseThrow();
        assertThat(contact.name())
                .as("ticket %s contact name", id)
                .isEqualTo(requester.path("name").asString());
        assertThat(contact.externalId())
                .as("ticket %s contact external id", id)
                .isEqualTo(
                        requester.path("external_id").isNull()
                                ? null
                                : requester.path("external_id").asString());

        List<JsonNode> comments = new ArrayList<>();
        ticket.path("comments").forEach(comments::add);
        boolean startedByRequester =
                comments.get(0)
                        .path("author_id")
                        .asString()
                        .equals(requester.path("id").asString());
        List<Conversation> found =
                intercom.conversationsOf(contact.id()).stream()
                        .filter(
                                c ->
                                        c.createdAt()
                                                .equals(
                                                        Instant.parse(
                                                                comments.get(0)
                                                                        .path("created_at")
                                                                        .asString())))
                        .toList();
        assertThat(found).as("ticket %s created exactly once", id).hasSize(1);
        Conversation conversation = found.get(0);
        assertThat(conversation.subject()).isEqualTo(ticket.path("subject").asString());
        List<JsonNode> replies =
                startedByRequester ? comments.subList(1, comments.size()) : comments;
        if (startedByRequester) {
            assertThat(conversation.attachments())
                    .as("ticket %s opening attachments", id)
                    .containsExactlyElementsOf(attachmentUrls(comments.get(0)));
        }
        List<Part> parts = InboxWorkspace.messages(conversation);
        assertThat(parts).as("ticket %s parts", id).hasSize(replies.size());
        for (int i = 0; i < replies.size(); i++) {
            JsonNode comment = replies.get(i);
            Part part = parts.get(i);
            String label = "ticket " + id + " comment " + comment.path("id").asString();
            JsonNode author = users.get(comment.path("author_id").asString());
            boolean agent = Set.of("agent", "admin").contains(author.path("role").asString());
            boolean isPublic = comment.path("public").asBoolean(true);
            assertThat(part.createdAt())
                    .as(label + " created_at")
                    .isEqualTo(Instant.parse(comment.path("created_at").asString()));
            assertThat(part.partType())
                    .as(label + " kind")
                    .isEqualTo(isPublic ? "comment" : "note");
            if (agent) {
                assertThat(part.authorId())
                        .as(label + " author")
                        .isEqualTo(adminIds.get(author.path("email").asString()));
            } else {
                assertThat(part.authorType())
                        .as(label + " author")
                        .isEqualTo(isPublic ? "user" : "admin");
            }
            assertThat(part.body())
                    .as(label + " body")
                    .doesNotContainPattern(HTML_TAG)
                    .isNotBlank();
            assertThat(part.attachments())
                    .as(label + " attachments")
                    .containsExactlyElementsOf(attachmentUrls(comment));
            assertThat(part.skipNotifications())
                    .as(label + " notifies nobody")
                    .isNotEqualTo(Boolean.FALSE);
        }
        assertThat(conversation.tags())
                .as("ticket %s tags", id)
                .containsExactlyInAnyOrderElementsOf(
                        ticket.path("tags").valueStream().map(JsonNode::asString).toList());
        workspace.check(conversation, sourceDetails(ticket, usersFile, requester));
    }

    /**
     * What a ticket says around its comments, read as docs/formats/zendesk.md says: its subject;
     * its assignee's email; its group's name in the users file, else the group's id; its fields;
     * solved or closed; and its organization, else its requester's, as the company (its
     * external_id, else {@code zendesk-organization-} and its id), named as the users file names
     * it.
     */
    private static SourceDetails sourceDetails(
            JsonNode ticket, UsersFile usersFile, JsonNode requester) {
        String assigneeEmail =
                ticket.hasNonNull("assignee_id")
                        ? usersFile
                                .users()
                                .get(ticket.path("assignee_id").asString())
                                .path("email")
                                .asString()
                                .toLowerCase(Locale.ROOT)
                        : null;
        String team = null;
        if (ticket.hasNonNull("group_id")) {
            String groupId = ticket.path("group_id").asString();
            JsonNode group = usersFile.groups().get(groupId);
            team = group == null ? groupId : group.path("name").asString();
        }
        String organizationId =
                ticket.hasNonNull("organization_id")
                        ? ticket.path("organization_id").asString()
                        : requester.hasNonNull("organization_id")
                                ? requester.path("organization_id").asString()
                                : null;
        ContactCompany company = null;
        if (organizationId != null) {
            JsonNode organization = usersFile.organizations().get(organizationId);
            company =
                    new ContactCompany(
                            organization != null && organization.hasNonNull("external_id")
                                    ? organization.path("external_id").asString()
                                    : "zendesk-organization-" + organizationId,
                            organization == null ? null : organization.path("name").asString());
        }
        return new SourceDetails(
                ticket.path("id").asString(),
                ticket.path("subject").asString(),
                assigneeEmail,
                team,
                fields(ticket),
                Set.of("solved", "closed").contains(ticket.path("status").asString()),
                company);
    }

    /**
     * The ticket's fields as docs/formats/zendesk.md keys them: {@code priority}, {@code type} and
     * each custom field's id, a multiselect's tags joined with ", "; empty values left out.
     */
    private static Map<String, String> fields(JsonNode ticket) {
        Map<String, String> fields = new HashMap<>();
        for (String name : List.of("priority", "type")) {
            if (ticket.hasNonNull(name)) {
                fields.put(name, ticket.path(name).asString());
            }
        }
        for (JsonNode field : ticket.path("custom_fields")) {
            InboxWorkspace.putField(fields, field.path("id").asString(), field.path("value"));
        }
        return fields;
    }

    /**
     * The users file's users, groups and organizations, in each shape docs/formats/zendesk.md
     * lists.
     */
    private static UsersFile usersFile() throws IOException {
        Map<String, JsonNode> users = new HashMap<>();
        Map<String, JsonNode> groups = new HashMap<>();
        Map<String, JsonNode> organizations = new HashMap<>();
        for (JsonNode line : lines(USERS)) {
            if (line.has("groups") || line.has("group")) {
                Stream.concat(line.path("groups").valueStream(), Stream.of(line.path("group")))
                        .filter(JsonNode::isObject)
                        .forEach(group -> groups.put(group.path("id").asString(), group));
            } else if (line.has("organizations") || line.has("organization")) {
                Stream.concat(
                                line.path("organizations").valueStream(),
                                Stream.of(line.path("organization")))
                        .filter(JsonNode::isObject)
                        .forEach(
                                organization ->
                                        organizations.put(
                                                organization.path("id").asString(), organization));
            } else {
                JsonNode user = line.has("user") ? line.get("user") : line;
                users.put(user.path("id").asString(), user);
            }
        }
        return new UsersFile(users, groups, organizations);
    }

    private Conversation conversationOpenedAt(String time) {
        return intercom.conversations().stream()
                .filter(c -> c.createdAt().equals(Instant.parse(time)))
                .findFirst()
                .orElseThrow();
    }

    private static List<String> attachmentUrls(JsonNode comment) {
        return comment.path("attachments")
                .valueStream()
                .map(a -> a.path("content_url").asString())
                .toList();
    }

    private static List<JsonNode> lines(Path file) throws IOException {
        return Files.readAllLines(file).stream()
                .filter(l -> !l.isBlank())
                .map(MAPPER::readTree)
                .toList();
    }
}
