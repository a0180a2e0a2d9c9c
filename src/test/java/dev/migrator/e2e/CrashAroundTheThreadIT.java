package dev.migrator.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.migrator.testserver.FakeIntercom;
import dev.migrator.testserver.FakeIntercom.Conversation;
import dev.migrator.testserver.FakeIntercom.Part;
import dev.migrator.testserver.FakeIntercom.Write;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged jar, killed with {@code kill -9} at the seams of what agents see around the thread:
 * between a conversation's create and its update (title, attributes), between its replies and its
 * assignment, and after an assignment was done but before its answer came. The same command is run
 * again until it exits 0: each conversation must then have exactly one title, one assignment to its
 * admin and one to its team, its attributes and company, and none of its parts twice.
 */
class CrashAroundTheThreadIT {

    private static final int CONVERSATIONS = 6;
    private static final long START = Instant.parse("2024-05-01T09:00:00Z").getEpochSecond();

    @TempDir Path workDir;

    private FakeIntercom intercom;
    private Map<String, String> adminIds;
    private String teamId;
    private Path export;

    @BeforeEach
    void setUp() throws IOException {
        intercom = FakeIntercom.start();
        adminIds = Agents.addTo(intercom);
        teamId = intercom.addTeam("Billing");
        intercom.addListAttribute("Priority", "Low", "High");
        intercom.addConversationAttribute("Order number", "integer");
        export = workDir.resolve("export.jsonl");
        List<String> lines = new ArrayList<>();
        for (int i = 1; i <= CONVERSATIONS; i++) {
            lines.add(conversation(i));
        }
        Files.write(export, lines);
    }

    @AfterEach
    void tearDown() {
        intercom.close();
    }

    @Test
    void killedBetweenTheCreateAndTheUpdate() throws Exception {
        killAt(intercom -> intercom.holdFirst("PUT /conversations/{id}"));
    }

    @Test
    void killedBetweenTheRepliesAndTheAssignment() throws Exception {
        killAt(intercom -> intercom.holdFirst(Write.ASSIGNMENT));
    }

    @Test
    void killedAfterAnAssignmentWasDoneBeforeItsAnswer() throws Exception {
        killAt(intercom -> intercom.holdAnswerOfFirst(Write.ASSIGNMENT));
    }

    private void killAt(Function<FakeIntercom, CompletableFuture<Void>> hold) throws Exception {
        CompletableFuture<Void> held = hold.apply(intercom);
        Process first = start();
        CompletableFuture.anyOf(held, first.onExit()).get(3, TimeUnit.MINUTES);
        assertThat(held).as("the run reached the seam:\n" + output()).isDone();
        first.destroyForcibly(); // SIGKILL: no shutdown hook, no last words
        assertThat(first.waitFor(1, TimeUnit.MINUTES)).isTrue();
        intercom.releaseHeld();

        int runs = 0;
        int exitCode = -1;
        while (exitCode != 0) {
            assertThat(runs++).as("runs needed to finish:\n" + output()).isLessThan(5);
            Process again = start();
            assertThat(again.waitFor(3, TimeUnit.MINUTES)).as(output()).isTrue();
            exitCode = again.exitValue();
            assertThat(exitCode).as(output()).isIn(0, 1);
        }

        for (int i = 1; i <= CONVERSATIONS; i++) {
            assertAroundTheThread(i);
        }
        assertThat(intercom.notifications()).as("customers notified").isZero();
        Process verify = PackagedJar.process(config(), workDir.resolve("state"), "verify").start();
        verify.getOutputStream().close();
        String verified =
                new String(verify.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(verify.waitFor(3, TimeUnit.MINUTES)).isTrue();
        assertThat(verify.exitValue()).as(verified).isZero();
        assertThat(verified).contains("0 difference(s)");
    }

    private void assertAroundTheThread(int i) {
        String contactId =
                intercom.contacts().stream()
                        .filter(c -> ("u-" + i).equals(c.externalId()))
                        .findFirst()
                        .orElseThrow()
                        .id();
        List<Conversation> conversations = intercom.conversationsOf(contactId);
        assertThat(conversations).as("conversation c-%d in Intercom", i).hasSize(1);
        Conversation conversation = conversations.get(0);
        String id = conversation.id();
        assertThat(intercom.title(id)).as("title of c-%d", i).contains("Order " + i);
        assertThat(intercom.adminAssignee(id)).contains(adminIds.get("bob@acme.example"));
        assertThat(intercom.teamAssignee(id)).contains(teamId);
        assertThat(intercom.customAttributes(id))
                .as("attributes of c-%d", i)
                .isEqualTo(
                        Map.of("Priority", i % 2 == 0 ? "High" : "Low", "Order number", 1000L + i));
        assertThat(conversation.parts())
                .as("parts of c-%d", i)
                .extracting(Part::partType)
                .filteredOn(type -> type.startsWith("assign"))
                .hasSize(2);
        assertThat(conversation.parts())
                .filteredOn(p -> p.partType().equals("comment") || p.partType().equals("note"))
                .extracting(p -> p.createdAt().getEpochSecond())
                .as("message parts of c-%d, once each, in order", i)
                .containsExactly(time(i, 2), time(i, 3));
        assertThat(conversation.isOpen()).as("c-%d closed", i).isEqualTo(i % 2 == 1);
        assertThat(intercom.companiesOf(contactId))
                .extracting(FakeIntercom.Company::companyId)
                .containsExactly("acme-" + (i % 3));
    }

    private static long time(int conversation, int message) {
        return START + conversation * 3_600L + message * 60L;
    }

    /** Closed when even; three messages: the contact's, Bob's reply, the contact's again. */
    private static String conversation(int i) {
        return """
        {"id":"c-%1$d","subject":"Order %1$d","status":"%2$s",\
        "assignee_email":"bob@acme.example","team":"billing",\
        "attributes":{"priority":"%3$s","order":%4$d},\
        "contact":{"email":"customer%1$d@example.org","external_id":"u-%1$d","name":"Customer %1$d",\
        "company":{"id":"acme-%5$d","name":"Acme %5$d"}},\
        "messages":[\
        {"id":"m-1","author":{"type":"contact"},"body":"Where is order %1$d?","created_at":%6$d},\
        {"id":"m-2","author":{"type":"agent","email":"bob@acme.example","name":"Bob"},"body":"On its way.","created_at":%7$d},\
        {"id":"m-3","author":{"type":"contact"},"body":"Thanks!","created_at":%8$d}]}\
        """
                .formatted(
                        i,
                        i % 2 == 0 ? "closed" : "open",
                        i % 2 == 0 ? "high" : "low",
                        1000 + i,
                        i % 3,
                        time(i, 1),
                        time(i, 2),
                        time(i, 3));
    }

    private Process start() throws IOException {
        return PackagedJar.process(
                        config(), workDir.resolve("state"), "migrate", "--input", export.toString())
                .redirectOutput(
                        ProcessBuilder.Redirect.appendTo(workDir.resolve("runs.txt").toFile()))
                .start();
    }

    private Path config() throws IOException {
        Path config = workDir.resolve("config.yml");
        Files.writeString(
                config,
                """
                intercom.base-url: %s
                intercom.timeout: 3s
                intercom.search-lag: 3s
                migration.chunk-size: 2
                migration.concurrency: 2
                mapping:
                  teams:
                    - {source: billing, intercom: Billing}
                  attributes:
                    - {source: priority, intercom: Priority}
                    - {source: order, intercom: Order number}
                """
                        .formatted(intercom.baseUrl()));
        return config;
    }

    private String output() {
        try {
            Path runs = workDir.resolve("runs.txt");
            return Files.exists(runs) ? Files.readString(runs, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            return e.toString();
        }
    }
}
