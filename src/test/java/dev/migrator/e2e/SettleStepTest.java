package dev.migrator.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.migrator.testserver.FakeIntercom;
import dev.migrator.testserver.FakeIntercom.Conversation;
import dev.migrator.testserver.FakeIntercom.Part;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The settle step finishes exactly the records the migrate step deferred. */
class SettleStepTest {

    @TempDir Path workDir;

    private FakeIntercom intercom;
    private MigratorProcess migrator;

    @BeforeEach
    void setUp() throws Exception {
        intercom = FakeIntercom.start();
        Agents.addTo(intercom);
        intercom.addContact("user", "ann@example.org", null, "Ann");
        migrator = new MigratorProcess(workDir, intercom.baseUrl(), FakeIntercom.TOKEN, "");
    }

    @AfterEach
    void tearDown() {
        intercom.close();
    }

    /**
     * Exactly-once case 6: the same conversation in two inputs, its create's answer lost and search
     * behind, so the migrate step defers both records. The settle step finishes both: the message
     * only the second record holds reaches Intercom too, once.
     */
    @Test
    void case6_theSecondRecordOfADeferredConversationIsSettledToo() throws Exception {
        Path monday = workDir.resolve("monday.jsonl");
        Files.writeString(
                monday,
                """
                {"id":"c-1","contact":{"email":"ann@example.org"},"messages":[\
                {"id":"m-1","author":{"type":"contact"},"body":"My order is late","created_at":"2024-05-01T09:00:00Z"}]}
                """);
        Path tuesday = workDir.resolve("tuesday.jsonl");
        Files.writeString(
                tuesday,
                """
                {"id":"c-1","contact":{"email":"ann@example.org"},"messages":[\
                {"id":"m-1","author":{"type":"contact"},"body":"My order is late","created_at":"2024-05-01T09:00:00Z"},\
                {"id":"m-2","author":{"type":"contact"},"body":"Any news?","created_at":"2024-05-02T09:00:00Z"}]}
                """);
        // Request 4 is the conversation's create (after GET /me, GET /admins and the contact's
        // search): its answer is lost, and search shows it only after 3 s, within the migrator's
        // in-doubt window (1 s of search lag and 5 s of timeout in the test's configuration).
        intercom.searchLag(Duration.ofSeconds(3)).lostResponseRate(1.0);
        intercom.whenRequestCount(5).thenRun(() -> intercom.lostResponseRate(0));

        MigratorProcess.Result result =
                migrator.run(
                        "migrate", "--input", monday.toString(), "--input", tuesday.toString());

        assertThat(result.exitCode()).as(result.all()).isZero();
        assertThat(intercom.requests("POST /conversations")).isEqualTo(1);
        assertThat(intercom.conversations()).hasSize(1);
        Conversation conversation = intercom.conversations().get(0);
        assertThat(conversation.body()).isEqualTo("My order is late");
        assertThat(conversation.parts())
                .extracting(Part::body)
                .filteredOn("Any news?"::equals)
                .hasSize(1);
    }
}
