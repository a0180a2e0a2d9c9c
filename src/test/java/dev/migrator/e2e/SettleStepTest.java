package dev.migrator.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.migrator.testserver.FakeIntercom;
import dev.migrator.testserver.FakeIntercom.Conversation;
import dev.migrator.testserver.FakeIntercom.Part;
import dev.migrator.testserver.FakeIntercom.ReceivedRequest;
import dev.migrator.testserver.FakeIntercom.Write;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The settle step finishes exactly the records the migrate step deferred. */
class SettleStepTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

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

    /**
     * Exactly-once case 9: ten conversations in two chunks, every create done but answered with a
     * gateway's 5xx, and search three seconds behind, so the migrate step defers them all. The
     * settle step looks for all of them in one round before it looks for any a second time: it
     * waits for them together, not for one chunk after another.
     */
    @Test
    void case9_theSettleStepWaitsForEveryRecordInDoubtTogether() throws Exception {
        Path export = workDir.resolve("ten.jsonl");
        StringBuilder lines = new StringBuilder();
        for (int i = 1; i <= 10; i++) {
            lines.append(
                    """
                    {"id":"c-%d","contact":{"email":"c%d@example.org"},"messages":[\
                    {"id":"m-%d","author":{"type":"contact"},"body":"Question %d","created_at":"2024-05-%02dT09:00:00Z"}]}
                    """
                            .formatted(i, i, i, i, i));
        }
        Files.writeString(export, lines);
        intercom.searchLag(Duration.ofSeconds(3))
                .serverErrorAfterWrite(Write.CONVERSATION_CREATE, 1.0);

        MigratorProcess.Result result = migrator.run("migrate", "--input", export.toString());

        assertThat(result.exitCode()).as(result.all()).isZero();
        assertThat(intercom.requests("POST /conversations")).as("creates sent").isEqualTo(10);
        assertThat(intercom.conversations()).hasSize(10);
        // Each conversation's searches, in the order Intercom received them: the first is the
        // migrate step's, the second the settle step's first round.
        Map<Long, Integer> looks = new HashMap<>();
        List<Integer> lookNumbers = new ArrayList<>();
        for (ReceivedRequest request : intercom.receivedRequests()) {
            JsonNode conditions =
                    request.route().equals("POST /conversations/search")
                            ? JSON.readTree(request.body()).path("query").path("value")
                            : null;
            // The lost-answer searches (contact and created_at), not the preflight's look at
            // whether the workspace holds any conversation.
            if (conditions != null && conditions.isArray()) {
                long createdAt = conditions.get(1).path("value").asLong();
                lookNumbers.add(looks.merge(createdAt, 1, Integer::sum));
            }
        }
        assertThat(looks).as("conversations looked for").hasSize(10);
        assertThat(lookNumbers.subList(0, 20))
                .as("every conversation looked for twice before any a third time")
                .containsOnly(1, 2);
    }
}
