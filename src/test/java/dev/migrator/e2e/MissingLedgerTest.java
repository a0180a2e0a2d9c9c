package dev.migrator.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.migrator.testserver.FakeIntercom;
import dev.migrator.testserver.FakeIntercom.Conversation;
import dev.migrator.testserver.FakeIntercom.Part;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Exactly-once case 1: the same migration run again from another, empty state directory (another
 * machine, a fresh container, a deleted ledger) must not create every conversation again.
 */
class MissingLedgerTest {

    private static final JsonMapper MAPPER = JsonMapper.builder().build();
    private static final Path SAMPLE = Path.of("samples/conversations.json");

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

    @Test
    void case1_aSecondEmptyStateDirectorySendsNothingAndWithAdoptExistingOnlyWhatIsMissing()
            throws Exception {
        MigratorProcess first = migrator("a", "");
        assertThat(first.run("migrate", "--input", SAMPLE.toString()).exitCode()).isEqualTo(3);
        int conversations = intercom.conversations().size();
        Path later = laterExport();
        MigratorProcess second = migrator("b", "");
        int writesBefore = writes();

        MigratorProcess.Result refused = second.run("migrate", "--input", later.toString());

        assertThat(refused.exitCode()).as(refused.all()).isEqualTo(2);
        assertThat(refused.err())
                .contains("already holds conversations of these inputs", "--adopt-existing")
                .containsPattern(
                        "c-\\d+ is Intercom conversation \\d+; c-\\d+ is Intercom conversation"
                                + " \\d+")
                .doesNotContain("\tat ");
        assertThat(writes()).as("nothing sent").isEqualTo(writesBefore);

        MigratorProcess.Result adopted =
                second.run("migrate", "--input", later.toString(), "--adopt-existing");

        assertThat(adopted.exitCode()).as(adopted.all()).isEqualTo(3); // c-1007, as in the sample
        assertThat(intercom.requests("POST /conversations")).isEqualTo(conversations + 1);
        assertThat(intercom.conversations()).hasSize(conversations + 1);
        assertThat(partsWithBody("One more thing: the refund arrived twice"))
                .as("the new reply of a known conversation")
                .isEqualTo(1);
        assertThat(partsWithBody("And its answer")).as("the new conversation's reply").isEqualTo(1);
        for (Conversation conversation : intercom.conversations()) {
            List<String> messages =
                    conversation.parts().stream()
                            .filter(part -> !part.partType().equals("close"))
                            .map(Part::body)
                            .toList();
            assertThat(messages).as(conversation.id()).doesNotHaveDuplicates();
            assertThat(messages).as(conversation.id()).doesNotContain(conversation.body());
        }
        MigratorProcess.Result verified = second.run("verify");
        assertThat(verified.exitCode()).as(verified.all()).isZero();
        int writesAfter = writes();
        MigratorProcess.Result again = second.run("migrate", "--input", later.toString());
        assertThat(again.exitCode()).as(again.all()).isEqualTo(0);
        assertThat(writes()).as("the finished run sends nothing").isEqualTo(writesAfter);
    }

    @Test
    void case1_theSourceAttributeKeepsEachSourceKeyAndFindsTheConversationsAgain()
            throws Exception {
        intercom.addConversationAttribute("migrator_source", "string");
        String config = "  source-attribute: migrator_source";
        MigratorProcess first = migrator("a", config);
        assertThat(first.run("migrate", "--input", SAMPLE.toString()).exitCode()).isEqualTo(3);
        assertThat(intercom.conversations())
                .allSatisfy(
                        c ->
                                assertThat(intercom.customAttributes(c.id()))
                                        .containsOnlyKeys("migrator_source"));
        assertThat(intercom.conversations())
                .extracting(c -> intercom.customAttributes(c.id()).get("migrator_source"))
                .contains("c-1001", "c-1002")
                .doesNotHaveDuplicates();
        assertThat(intercom.requests("PUT /conversations/{id}"))
                .isEqualTo(intercom.conversations().size());
        int replies = intercom.requests("POST /conversations/{id}/reply");
        MigratorProcess second = migrator("b", config);
        int writesBefore = writes();

        MigratorProcess.Result refused = second.run("migrate", "--input", SAMPLE.toString());

        assertThat(refused.exitCode()).as(refused.all()).isEqualTo(2);
        assertThat(refused.err()).contains("c-1001 is Intercom conversation");
        assertThat(writes()).isEqualTo(writesBefore);

        MigratorProcess.Result adopted =
                second.run("migrate", "--input", SAMPLE.toString(), "--adopt-existing");

        assertThat(adopted.exitCode()).as(adopted.all()).isEqualTo(3);
        assertThat(intercom.requests("POST /conversations"))
                .isEqualTo(intercom.conversations().size());
        assertThat(intercom.requests("POST /conversations/{id}/reply"))
                .as("no reply sent again")
                .isEqualTo(replies);
    }

    @Test
    void aMissingOrMistypedSourceAttributeStopsTheRunBeforeAnythingIsSent() throws Exception {
        MigratorProcess migrator = migrator("a", "  source-attribute: migrator_source");

        MigratorProcess.Result missing = migrator.run("migrate", "--input", SAMPLE.toString());

        assertThat(missing.exitCode()).as(missing.all()).isEqualTo(2);
        assertThat(missing.err())
                .contains(
                        "no conversation attribute \"migrator_source\"",
                        "Settings > Data > Conversations",
                        "of format Text")
                .doesNotContain("\tat ");
        intercom.addConversationAttribute("migrator_source", "integer");

        MigratorProcess.Result mistyped = migrator.run("migrate", "--input", SAMPLE.toString());

        assertThat(mistyped.exitCode()).as(mistyped.all()).isEqualTo(2);
        assertThat(mistyped.err()).contains("is of type integer", "must be Text (string)");
        assertThat(writes()).isZero();
    }

    @Test
    void aDryRunShowsTheConversationUpdate() throws Exception {
        MigratorProcess migrator = migrator("a", "  source-attribute: migrator_source");

        MigratorProcess.Result dry =
                migrator.run("migrate", "--input", SAMPLE.toString(), "--dry-run");

        assertThat(dry.exitCode()).as(dry.all()).isEqualTo(3);
        assertThat(Files.readAllLines(migrator.runDir(1).resolve("requests.jsonl")))
                .anySatisfy(
                        line ->
                                assertThat(line)
                                        .contains(
                                                "\"method\":\"PUT\"",
                                                "\"custom_attributes\":{\"migrator_source\":\"c-1001\"}"));
    }

    private MigratorProcess migrator(String name, String extraConfig) throws Exception {
        Path dir = Files.createDirectories(workDir.resolve(name));
        return new MigratorProcess(dir, intercom.baseUrl(), FakeIntercom.TOKEN, extraConfig);
    }

    /** The sample a day later: one more reply in c-1001, and one new conversation. */
    private Path laterExport() throws Exception {
        ArrayNode conversations = (ArrayNode) MAPPER.readTree(SAMPLE.toFile());
        for (int i = 0; i < conversations.size(); i++) {
            ObjectNode conversation = (ObjectNode) conversations.get(i);
            if (conversation.path("id").asString().equals("c-1001")) {
                ObjectNode reply = ((ArrayNode) conversation.path("messages")).addObject();
                reply.put("id", "m-1001-4");
                reply.putObject("author").put("type", "contact");
                reply.put("body", "One more thing: the refund arrived twice");
                reply.put("created_at", "2021-03-05T08:00:00Z");
            }
        }
        conversations.add(
                MAPPER.readTree(
                        """
                        {"id":"c-2000","contact":{"email":"new.customer@example.org"},"messages":[
                          {"id":"m-2000-1","author":{"type":"contact"},"body":"A new question",
                           "created_at":"2024-01-02T09:00:00Z"},
                          {"id":"m-2000-2","author":{"type":"agent","email":"bob@acme.example"},
                           "body":"And its answer","created_at":"2024-01-02T09:30:00Z"}]}
                        """));
        Path later = workDir.resolve("later.json");
        Files.writeString(later, MAPPER.writeValueAsString(conversations));
        return later;
    }

    /** Requests that change something in Intercom. */
    private int writes() {
        return intercom.requests("POST /conversations")
                + intercom.requests("POST /conversations/{id}/reply")
                + intercom.requests("POST /conversations/{id}/parts")
                + intercom.requests("POST /conversations/{id}/tags")
                + intercom.requests("PUT /conversations/{id}")
                + intercom.requests("POST /contacts")
                + intercom.requests("POST /tags");
    }

    private long partsWithBody(String body) {
        return intercom.conversations().stream()
                .flatMap(c -> c.parts().stream())
                .filter(part -> body.equals(part.body()))
                .count();
    }
}
