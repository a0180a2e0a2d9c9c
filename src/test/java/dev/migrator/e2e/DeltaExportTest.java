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

/** A later export of a conversation already in Intercom adds only what is new, where it belongs. */
class DeltaExportTest {

    @TempDir Path workDir;

    private FakeIntercom intercom;
    private MigratorProcess migrator;

    @BeforeEach
    void setUp() throws Exception {
        intercom = FakeIntercom.start();
        Agents.addTo(intercom);
        migrator = new MigratorProcess(workDir, intercom.baseUrl(), FakeIntercom.TOKEN, "");
    }

    @AfterEach
    void tearDown() {
        intercom.close();
    }

    /**
     * Exactly-once case 5: the "Conversation started by …" marker opens only a conversation not yet
     * in Intercom. A later export whose first message is now an agent's (older history exported)
     * sends that message as the agent's reply, and no marker in the middle of the thread.
     */
    @Test
    void case5_aKnownConversationNowStartedByAnAgentGetsNoMarker() throws Exception {
        Path monday = workDir.resolve("monday.jsonl");
        Files.writeString(
                monday,
                """
                {"id":"c-1","contact":{"email":"ann@example.org"},"messages":[\
                {"id":"m-2","author":{"type":"contact"},"body":"My order is late","created_at":"2024-05-02T10:00:00Z"}]}
                """);
        assertThat(migrator.run("migrate", "--input", monday.toString()).exitCode()).isZero();
        Path tuesday = workDir.resolve("tuesday.jsonl");
        Files.writeString(
                tuesday,
                """
                {"id":"c-1","contact":{"email":"ann@example.org"},"messages":[\
                {"id":"m-1","author":{"type":"agent","email":"%s","name":"Bob"},"body":"Your order has shipped",\
                "created_at":"2024-05-01T09:00:00Z"},\
                {"id":"m-2","author":{"type":"contact"},"body":"My order is late","created_at":"2024-05-02T10:00:00Z"}]}
                """
                        .formatted("bob@acme.example"));

        MigratorProcess.Result result = migrator.run("migrate", "--input", tuesday.toString());

        assertThat(result.exitCode()).as(result.all()).isZero();
        Conversation conversation = intercom.conversations().get(0);
        assertThat(intercom.conversations()).hasSize(1);
        assertThat(conversation.body()).isEqualTo("My order is late");
        assertThat(conversation.parts())
                .extracting(Part::body)
                .noneMatch(body -> body.contains("Conversation started by"));
        assertThat(conversation.parts())
                .filteredOn(part -> part.body().equals("Your order has shipped"))
                .singleElement()
                .extracting(Part::authorType)
                .isEqualTo("admin");
    }
}
