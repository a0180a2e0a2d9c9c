package dev.migrator.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.migrator.testserver.FakeIntercom;
import dev.migrator.testserver.FakeIntercom.Contact;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Case 11 of issue 12, records that must never be migrated: a tiny export of each preset, one good
 * record and its deleted or spam ones, migrated by the real application into a fake Intercom. The
 * good one arrives; the others are rejects that say why in the helpdesk's own words, and nothing of
 * them reaches Intercom, not even a search for their contact. The vendors' references are quoted in
 * the mappers' tests ({@code case11_…}).
 */
class NeverMigratedRecordsTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @TempDir Path workDir;

    private FakeIntercom intercom;
    private MigratorProcess migrator;

    @BeforeEach
    void start() throws IOException {
        intercom = FakeIntercom.start();
        migrator = new MigratorProcess(workDir, intercom.baseUrl(), FakeIntercom.TOKEN, "");
    }

    @AfterEach
    void stop() {
        intercom.close();
    }

    @Test
    void case11_aDeletedZendeskTicketIsRejectedAndSendsNothing() throws IOException {
        Path tickets =
                write(
                        "tickets.jsonl",
                        """
                        {"ticket":{"id":1,"subject":"Good","status":"open","requester_id":10,"created_at":"2023-01-01T10:00:00Z","comments":[{"id":11,"author_id":10,"body":"Hello","public":true,"created_at":"2023-01-01T10:00:00Z"}]}}
                        {"ticket":{"id":123,"subject":"Gone","status":"deleted","requester_id":20,"created_at":"2023-01-02T10:00:00Z","comments":[{"id":21,"author_id":20,"body":"Bye","public":true,"created_at":"2023-01-02T10:00:00Z"}]}}
                        """);
        Path users =
                write(
                        "users.jsonl",
                        """
                        {"user":{"id":10,"name":"Good Person","email":"good@example.org","role":"end-user"}}
                        {"user":{"id":20,"name":"Gone Person","email":"gone@example.org","role":"end-user"}}
                        """);

        migrate(tickets, "zendesk", "--users", users.toString());

        assertRejects("123: ticket 123: deleted in Zendesk (status \"deleted\"); not migrated");
        assertNothingSentFor("gone@example.org");
    }

    @Test
    void case11_aDeletedOrSpamFreshdeskTicketIsRejectedAndSendsNothing() throws IOException {
        Path tickets =
                write(
                        "tickets.jsonl",
                        freshdesk(1, "good@example.org", "")
                                + freshdesk(7, "spam@example.org", ",\"spam\":true")
                                + freshdesk(8, "gone@example.org", ",\"deleted\":true"));

        migrate(tickets, "freshdesk");

        assertRejects(
                "7: ticket 7: marked as spam in Freshdesk; not migrated",
                "8: ticket 8: deleted in Freshdesk (deleted: true); not migrated");
        assertNothingSentFor("spam@example.org");
        assertNothingSentFor("gone@example.org");
    }

    @Test
    void case11_aSpamOrDeletedHelpScoutConversationIsRejectedAndSendsNothing() throws IOException {
        Path conversations =
                write(
                        "conversations.jsonl",
                        helpScout(1, "active", "published", "good@example.org")
                                + helpScout(2, "spam", "published", "spam@example.org")
                                + helpScout(3, "closed", "deleted", "gone@example.org"));

        migrate(conversations, "helpscout");

        assertRejects(
                "2: conversation 2: marked as spam in Help Scout (status \"spam\"); not migrated",
                "3: conversation 3: deleted in Help Scout (state \"deleted\"); not migrated");
        assertNothingSentFor("spam@example.org");
        assertNothingSentFor("gone@example.org");
    }

    @Test
    void case11_aDeletedOrSpamFrontConversationIsRejectedAndSendsNothing() throws IOException {
        Path conversations =
                write(
                        "conversations.jsonl",
                        front("cnv_1", "unassigned", "good@example.org")
                                + front("cnv_2", "deleted", "gone@example.org")
                                + front("cnv_3", "spam", "spam@example.org"));

        migrate(conversations, "front");

        assertRejects(
                "cnv_2: conversation cnv_2: deleted in Front (status \"deleted\"); not migrated",
                "cnv_3: conversation cnv_3: marked as spam in Front (status \"spam\"); not"
                        + " migrated");
        assertNothingSentFor("spam@example.org");
        assertNothingSentFor("gone@example.org");
    }

    private void migrate(Path input, String format, String... more) {
        List<String> args =
                new ArrayList<>(
                        List.of("migrate", "--input", input.toString(), "--format", format));
        args.addAll(List.of(more));
        MigratorProcess.Result result = migrator.run(args.toArray(String[]::new));

        assertThat(result.exitCode()).as(result.all()).isEqualTo(3);
        assertThat(intercom.conversations()).as("the good record arrives").hasSize(1);
        assertThat(intercom.contacts())
                .extracting(Contact::email)
                .containsExactly("good@example.org");
    }

    /** Each reject as {@code source_id: reason}, in the file's order. */
    private void assertRejects(String... expected) throws IOException {
        List<String> rejects = new ArrayList<>();
        for (String line : Files.readAllLines(migrator.runDir(1).resolve("rejects.jsonl"))) {
            JsonNode reject = JSON.readTree(line);
            rejects.add(
                    reject.path("source_id").asString() + ": " + reject.path("reason").asString());
        }
        assertThat(rejects).containsExactly(expected);
    }

    /** No request of any kind (a search, a create, a reply) names the rejected record's contact. */
    private void assertNothingSentFor(String email) {
        assertThat(intercom.receivedRequests())
                .as("requests naming %s", email)
                .noneMatch(
                        r ->
                                (r.body() != null && r.body().contains(email))
                                        || r.path().contains(email));
    }

    private Path write(String name, String content) throws IOException {
        Path file = workDir.resolve(name);
        Files.writeString(file, content);
        return file;
    }

    private static String freshdesk(long id, String email, String extra) {
        return """
        {"id":%d,"subject":"Ticket %d","status":2,"source":1,"requester_id":%d,"created_at":"2023-01-0%dT10:00:00Z",\
        "description_text":"Hello from %s","requester":{"id":%d,"name":"Someone","email":"%s"},"conversations":[]%s}
        """
                .formatted(id, id, id + 100, id, email, id + 100, email, extra);
    }

    private static String helpScout(long id, String status, String state, String email) {
        return """
        {"id":%d,"subject":"Conversation %d","status":"%s","state":"%s",\
        "primaryCustomer":{"id":%d,"type":"customer","email":"%s"},\
        "threads":[{"id":%d,"type":"customer","state":"published","body":"Hello","createdAt":"2023-01-0%dT10:00:00Z",\
        "createdBy":{"id":%d,"type":"customer","email":"%s"}}]}
        """
                .formatted(id, id, status, state, id + 100, email, id * 10, id, id + 100, email);
    }

    private static String front(String id, String status, String email) {
        return """
        {"id":"%s","subject":"Conversation %s","status":"%s","recipient":{"handle":"%s","role":"from"},\
        "messages":[{"id":"msg_%s","is_inbound":true,"created_at":1672567200,"body":"Hello","author":null,\
        "recipients":[{"handle":"%s","role":"from"},{"handle":"support@acme.example","role":"to"}],"attachments":[]}],\
        "comments":[]}
        """
                .formatted(id, id, status, email, id, email);
    }
}
