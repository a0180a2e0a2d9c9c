package dev.migrator.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.migrator.testserver.FakeIntercom;
import dev.migrator.testserver.FakeIntercom.Part;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Exactly-once case 3, delivery side: a part the ledger does not know, of a conversation already in
 * Intercom (its key changed with an upgrade or a corrected export), is looked for there before it
 * is sent.
 */
class UnknownPartsTest {

    private static final String MONDAY =
            """
            {"id":"c-1","contact":{"email":"ann@example.org"},"messages":[\
            {"id":"%s1","author":{"type":"contact"},"body":"My order is late","created_at":"2024-05-02T10:00:00Z"},\
            {"id":"%s2","author":{"type":"agent","email":"bob@acme.example"},"body":"It ships today",\
            "created_at":"2024-05-02T11:00:00Z"},\
            {"id":"%s3","author":{"type":"agent","email":"bob@acme.example"},"body":"Checked with the warehouse",\
            "created_at":"2024-05-02T11:05:00Z","internal":true}%s]}
            """;

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

    @Test
    void case3_partsUnderChangedKeysAreFoundInIntercomAndOnlyNewOnesSent() throws Exception {
        Path monday = workDir.resolve("monday.jsonl");
        Files.writeString(monday, MONDAY.formatted("m-", "m-", "m-", ""));
        assertThat(migrator.run("migrate", "--input", monday.toString()).exitCode()).isZero();
        Path tuesday = workDir.resolve("tuesday.jsonl");
        // Every key changed (the opening's too); one message is new, one is older than the
        // conversation's latest.
        Files.writeString(
                tuesday,
                MONDAY.formatted(
                        "k-",
                        "k-",
                        "k-",
                        """
                        ,{"id":"k-4","author":{"type":"contact"},"body":"Thanks, it arrived",\
                        "created_at":"2024-05-03T09:00:00Z"},\
                        {"id":"k-0","author":{"type":"contact"},"body":"Forgot: gift wrap please",\
                        "created_at":"2024-05-02T10:30:00Z"}\
                        """
                                .strip()));
        int repliesBefore = intercom.requests("POST /conversations/{id}/reply");
        int readsBefore = intercom.requests("GET /conversations/{id}");

        MigratorProcess.Result result = migrator.run("migrate", "--input", tuesday.toString());

        assertThat(result.exitCode()).as(result.all()).isZero();
        assertThat(intercom.requests("POST /conversations/{id}/reply") - repliesBefore)
                .isEqualTo(2);
        assertThat(intercom.conversations()).singleElement();
        assertThat(intercom.conversations().get(0).parts())
                .extracting(Part::body)
                .containsExactly(
                        "It ships today",
                        "Checked with the warehouse",
                        "Forgot: gift wrap please",
                        "Thanks, it arrived");
        assertThat(intercom.requests("GET /conversations/{id}") - readsBefore)
                .as("one look at the conversation, not one per part")
                .isEqualTo(1);
        assertThat(Files.readString(migrator.stateDir().resolve("migrator.log")))
                .contains("1 message(s) older than its latest one there");
        MigratorProcess.Result verified = migrator.run("verify");
        assertThat(verified.exitCode())
                .as("the ledger says what Intercom holds: " + verified.all())
                .isZero();
    }
}
