package dev.migrator.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.migrator.bench.ExportGenerator;
import dev.migrator.testserver.FakeIntercom;
import dev.migrator.testserver.FakeIntercom.Conversation;
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
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** Scheduled re-imports send only what is new; {@code verify} proves what is in Intercom. */
class ReRunAndVerifyTest {

    private static final JsonMapper MAPPER = JsonMapper.builder().build();

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
    void aLaterExportSendsOnlyItsNewConversationsAndMessages() throws Exception {
        Path first = workDir.resolve("monday.jsonl");
        ExportGenerator.generate("jsonl", 22, first, 3);
        List<String> lines = Files.readAllLines(first);
        Path second = workDir.resolve("tuesday.jsonl");
        List<String> tuesday = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            JsonNode conversation = MAPPER.readTree(lines.get(i));
            if (i == 5) {
                // An earlier message than the one the conversation was opened with: sent as a
                // reply, the opening kept.
                ObjectNode earlier = ((ArrayNode) conversation.path("messages")).insertObject(0);
                earlier.put("id", "earlier-5");
                earlier.putObject("author").put("type", "contact");
                earlier.put("body", "Before all that, a question");
                earlier.put("created_at", "2010-01-01T00:00:00Z");
            }
            if (i < 3) {
                ArrayNode messages = (ArrayNode) conversation.path("messages");
                ObjectNode added = messages.addObject();
                added.put("id", "new-" + i);
                added.putObject("author").put("type", "contact");
                added.put("body", "One more question, " + i);
                added.put("created_at", "2025-06-01T10:00:0" + i + "Z");
            }
            tuesday.add(MAPPER.writeValueAsString(conversation));
        }
        tuesday.addAll(lines.subList(20, 22)); // two conversations Monday's export did not have...
        Files.write(second, tuesday);
        Files.write(first, lines.subList(0, 20)); // ...because Monday's ends at 20

        assertThat(migrator.run("migrate", "--input", first.toString()).exitCode()).isZero();
        int conversationsBefore = intercom.requests("POST /conversations");
        int repliesBefore = intercom.requests("POST /conversations/{id}/reply");
        assertThat(conversationsBefore).isEqualTo(20);

        MigratorProcess.Result again = migrator.run("migrate", "--input", second.toString());

        assertThat(again.exitCode()).as(again.all()).isZero();
        assertThat(intercom.requests("POST /conversations") - conversationsBefore).isEqualTo(2);
        int newConversationReplies =
                lines.subList(20, 22).stream()
                        .mapToInt(l -> MAPPER.readTree(l).path("messages").size() - 1)
                        .sum();
        assertThat(intercom.requests("POST /conversations/{id}/reply") - repliesBefore)
                .isEqualTo(3 + 1 + newConversationReplies);
        assertThat(intercom.conversations()).hasSize(22);
        assertThat(intercom.conversations())
                .filteredOn(
                        c ->
                                c.parts().stream()
                                        .anyMatch(
                                                p ->
                                                        "Before all that, a question"
                                                                .equals(p.body())))
                .singleElement()
                .satisfies(
                        c ->
                                assertThat(c.parts())
                                        .extracting(FakeIntercom.Part::body)
                                        .doesNotContain(c.body()));
        for (int i = 0; i < 3; i++) {
            String body = "One more question, " + i;
            assertThat(intercom.conversations())
                    .filteredOn(c -> c.parts().stream().anyMatch(p -> body.equals(p.body())))
                    .singleElement()
                    .satisfies(
                            c ->
                                    assertThat(
                                                    c.parts().stream()
                                                            .filter(
                                                                    p ->
                                                                            !p.partType()
                                                                                    .equals(
                                                                                            "close"))
                                                            .reduce((a, b) -> b)
                                                            .orElseThrow()
                                                            .body())
                                            .isEqualTo(body));
        }

        int before = intercom.requestCount();
        MigratorProcess.Result finished = migrator.run("migrate", "--input", second.toString());
        assertThat(finished.exitCode()).isZero();
        assertThat(finished.out()).contains("already migrated");
        assertThat(intercom.requestCount() - before)
                .as("only the preflight's GET /me and GET /admins")
                .isEqualTo(2);
    }

    @Test
    void verifyFindsNoDifferenceAfterAMigrationAndNamesALostPart() throws Exception {
        Path export = workDir.resolve("export.jsonl");
        ExportGenerator.generate("jsonl", 30, export, 5);
        assertThat(migrator.run("migrate", "--input", export.toString()).exitCode()).isZero();

        MigratorProcess.Result clean = migrator.run("verify");

        assertThat(clean.exitCode()).as(clean.all()).isZero();
        assertThat(clean.out()).contains("Checked 30 conversations", "0 difference(s)");

        Conversation damaged =
                intercom.conversations().stream()
                        .filter(c -> !c.parts().isEmpty())
                        .filter(c -> c.parts().get(0).partType().equals("comment"))
                        .findFirst()
                        .orElseThrow();
        intercom.removePart(damaged.id(), 0);

        MigratorProcess.Result found = migrator.run("verify");

        assertThat(found.exitCode()).as(found.all()).isEqualTo(3);
        assertThat(found.out()).contains("1 difference(s)");
        String line = Files.readString(migrator.stateDir().resolve("verify.jsonl"));
        assertThat(MAPPER.readTree(line).path("intercom_id").asString()).isEqualTo(damaged.id());
        assertThat(MAPPER.readTree(line).path("difference").asString()).contains("message part(s)");
    }

    @Test
    void verifyWhenTheTokenIsRevokedOrIntercomIsDownSaysSoWithoutAStackTrace() throws Exception {
        Path export = workDir.resolve("export.jsonl");
        ExportGenerator.generate("jsonl", 5, export, 2);
        assertThat(migrator.run("migrate", "--input", export.toString()).exitCode()).isZero();

        intercom.revokeTokenAfterRequests(
                1); // GET /me passes; the conversations' checks are refused
        MigratorProcess.Result refused = migrator.run("verify");

        assertThat(refused.exitCode()).as(refused.all()).isEqualTo(2);
        assertThat(refused.err())
                .contains("error: Intercom refused the access token")
                .doesNotContain("CompletionException", "\tat ");

        intercom.restoreToken();
        intercom.goDownAfterRequests(1);
        MigratorProcess.Result down = migrator.run("verify");

        assertThat(down.exitCode()).as(down.all()).isEqualTo(1);
        assertThat(down.err())
                .contains("error: Intercom did not answer", "To resume, run the same command again")
                .doesNotContain("CompletionException", "\tat ");
    }
}
