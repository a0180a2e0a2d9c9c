package dev.migrator.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.migrator.testserver.FakeIntercom;
import dev.migrator.testserver.FakeIntercom.Conversation;
import dev.migrator.testserver.FakeIntercom.Part;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 12, smaller case: a contact or conversation deleted in Intercom between two runs was
 * retried for minutes (a contact's 404 taken for one not visible yet), then rejected on every later
 * run with Intercom's bare 404. Now it is found out with one look, said clearly, and created again
 * only when {@code migration.recreate-deleted} asks for it.
 */
class DeletedInIntercomTest {

    @TempDir Path workDir;

    private FakeIntercom intercom;

    @BeforeEach
    void setUp() {
        intercom = FakeIntercom.start();
        Agents.addTo(intercom);
    }

    @AfterEach
    void tearDown() {
        intercom.close();
    }

    private static final String MONDAY =
            """
            {"id":"c-1","contact":{"email":"ann@example.org"},"messages":[\
            {"id":"m-1","author":{"type":"contact"},"body":"My order is late","created_at":"2024-05-02T10:00:00Z"}]}
            {"id":"c-2","contact":{"email":"bob@example.org"},"messages":[\
            {"id":"m-1","author":{"type":"contact"},"body":"Refund please","created_at":"2024-05-02T11:00:00Z"}]}
            """;

    /** Monday's conversations, each with a new reply, and Bob's second conversation. */
    private static final String TUESDAY =
            """
            {"id":"c-1","contact":{"email":"ann@example.org"},"messages":[\
            {"id":"m-1","author":{"type":"contact"},"body":"My order is late","created_at":"2024-05-02T10:00:00Z"},\
            {"id":"m-2","author":{"type":"contact"},"body":"Any news?","created_at":"2024-05-03T10:00:00Z"}]}
            {"id":"c-2","contact":{"email":"bob@example.org"},"messages":[\
            {"id":"m-1","author":{"type":"contact"},"body":"Refund please","created_at":"2024-05-02T11:00:00Z"},\
            {"id":"m-2","author":{"type":"contact"},"body":"Still waiting","created_at":"2024-05-03T11:00:00Z"}]}
            {"id":"c-3","contact":{"email":"bob@example.org"},"messages":[\
            {"id":"m-1","author":{"type":"contact"},"body":"Another question","created_at":"2024-05-03T12:00:00Z"}]}
            """;

    @Test
    void whatAnAdminDeletedIsRefusedSayingSoWithOneLookThenCreatedAgainWhenAsked()
            throws Exception {
        MigratorProcess migrator =
                new MigratorProcess(workDir, intercom.baseUrl(), FakeIntercom.TOKEN, "");
        Path monday = workDir.resolve("monday.jsonl");
        Files.writeString(monday, MONDAY);
        assertThat(migrator.run("migrate", "--input", monday.toString()).exitCode()).isZero();
        String ann = conversationOf("ann@example.org").id();
        Conversation bobs = conversationOf("bob@example.org");
        // An admin deletes Ann's conversation, and Bob with his conversation.
        intercom.deleteConversation(ann);
        intercom.deleteConversation(bobs.id());
        intercom.deleteContact(bobs.contactId());
        int createsBefore = intercom.requests("POST /conversations");
        Path tuesday = workDir.resolve("tuesday.jsonl");
        Files.writeString(tuesday, TUESDAY);

        MigratorProcess.Result refused = migrator.run("migrate", "--input", tuesday.toString());

        assertThat(refused.exitCode()).as(refused.all()).isEqualTo(3);
        assertThat(intercom.conversations()).isEmpty();
        // c-3's create was answered "User Not Found" once: no waiting for a contact that is gone.
        assertThat(intercom.requests("POST /conversations") - createsBefore).isEqualTo(1);
        String rejects = Files.readString(migrator.runDir(2).resolve("rejects.jsonl"));
        assertThat(rejects)
                .contains("c-1: its conversation " + ann + " was deleted in Intercom")
                .contains("c-2: its conversation " + bobs.id() + " was deleted in Intercom")
                .contains("c-3: its contact " + bobs.contactId() + " was deleted in Intercom")
                .contains("Set migration.recreate-deleted: true to create it again");

        MigratorProcess recreating =
                new MigratorProcess(
                        workDir,
                        intercom.baseUrl(),
                        FakeIntercom.TOKEN,
                        "migration.recreate-deleted: true");
        MigratorProcess.Result recreated = recreating.run("migrate", "--input", tuesday.toString());

        assertThat(recreated.exitCode()).as(recreated.all()).isZero();
        assertThat(intercom.conversations()).hasSize(3);
        assertThat(conversationOf("ann@example.org").parts())
                .extracting(Part::body)
                .containsExactly("Any news?");
        assertThat(intercom.contacts())
                .filteredOn(contact -> "bob@example.org".equals(contact.email()))
                .singleElement()
                .extracting(FakeIntercom.Contact::id)
                .isNotEqualTo(bobs.contactId());
        assertThat(recreating.run("migrate", "--input", tuesday.toString()).out())
                .contains("nothing to send");
    }

    private Conversation conversationOf(String email) {
        String contactId =
                intercom.contacts().stream()
                        .filter(contact -> email.equals(contact.email()))
                        .findFirst()
                        .orElseThrow()
                        .id();
        return intercom.conversationsOf(contactId).get(0);
    }
}
