package dev.migrator.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.migrator.bench.ExportGenerator;
import dev.migrator.testserver.FakeIntercom;
import dev.migrator.testserver.FakeIntercom.Fault;
import dev.migrator.testserver.FakeIntercom.ReceivedRequest;
import dev.migrator.testserver.FakeIntercom.Write;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged jar, killed with {@code kill -9} at random points of a migration (the trigger is the
 * n-th request reaching Intercom, so a kill can land between a create and its answer) while
 * Intercom loses answers, resets connections, fails with 5xx and 429s, and answers conversation
 * creates, replies, closes and assignments it has done with a gateway's 5xx or only after the
 * client's timeout; the same command is run again until it exits 0. Every conversation must then be
 * in Intercom exactly once with exactly its parts, in order, with their original times, its title,
 * one assignment to each of its owners, its attributes and its contact's company, and {@code
 * verify} must agree.
 */
class CrashIT {

    private static final int CONVERSATIONS = 300;
    private static final int KILLS = 5;

    /** Past the client's 3 s timeout (see {@link #config}). */
    private static final Duration BEYOND_TIMEOUT = Duration.ofSeconds(4);

    /**
     * The share of each kind of write done, then answered 5xx, and done, then answered too late:
     * fewer closes than replies are sent, so a larger share of them, that each kind meets both.
     */
    private static final Map<Write, Double> WRITE_FAULT_RATES =
            Map.of(
                    Write.CONVERSATION_CREATE, 0.02,
                    Write.REPLY, 0.01,
                    Write.CLOSE, 0.08,
                    Write.ASSIGNMENT, 0.04);

    /** The route each kind of write takes, and for parts, its message type. */
    private static final Map<Write, String> ROUTES =
            Map.of(
                    Write.CONVERSATION_CREATE, "POST /conversations",
                    Write.REPLY, "POST /conversations/{id}/reply",
                    Write.CLOSE, "POST /conversations/{id}/parts close",
                    Write.ASSIGNMENT, "POST /conversations/{id}/parts assignment");

    @TempDir Path workDir;

    private FakeIntercom intercom;
    private Path export;

    @BeforeEach
    void setUp() throws Exception {
        intercom = FakeIntercom.builder().seed(42).start();
        Agents.addTo(intercom);
        intercom.lostResponseRate(0.04)
                .connectionResetRate(0.02)
                .serverErrorRate(0.02)
                .tooManyRequestsRate(0.001);
        WRITE_FAULT_RATES.forEach(
                (write, rate) ->
                        intercom.serverErrorAfterWrite(write, rate)
                                .answerAfterTimeout(write, rate, BEYOND_TIMEOUT));
        intercom.addTeam("Billing");
        intercom.addTeam("Support");
        intercom.addListAttribute("Priority", "Low", "High");
        intercom.addConversationAttribute("Order number", "integer");
        export = workDir.resolve("export.jsonl");
        ExportGenerator.generateWithDetails("jsonl", CONVERSATIONS, export, 99);
    }

    @AfterEach
    void tearDown() {
        intercom.close();
    }

    @Test
    void killedAtRandomItResumesToExactlyOnce() throws Exception {
        crashUntilDone(config(""), "H2");
    }

    @Test
    void killedAtRandomWhileSearchLagsItResumesToExactlyOnce() throws Exception {
        intercom.searchLag(Duration.ofSeconds(2));
        crashUntilDone(config(""), "H2, search lag 2 s");
    }

    @Test
    void killedAtRandomWithThePostgresJobRepositoryItResumesToExactlyOnce() throws Exception {
        try (LocalPostgres postgres = LocalPostgres.createDatabase("migrator_crash")) {
            crashUntilDone(config(postgres.config()), "PostgreSQL");
        }
    }

    @Test
    void aSecondProcessOnTheSameMigrationIsRefused() throws Exception {
        secondProcessIsRefused(config(""), "in use by another migrator process");
    }

    @Test
    void aSecondProcessOnTheSameMigrationIsRefusedThroughThePostgresLease() throws Exception {
        try (LocalPostgres postgres = LocalPostgres.createDatabase("migrator_crash")) {
            secondProcessIsRefused(
                    config(postgres.config()), "This migration is already running: process");
        }
    }

    private void secondProcessIsRefused(Path config, String message) throws Exception {
        withoutFaults();
        // Slow answers keep the first run in flight (over a minute for its ~2,900 calls) while the
        // second starts.
        intercom.latency(Duration.ofMillis(200), Duration.ZERO);
        Process first = start(config);
        CompletableFuture<Integer> midRun = intercom.whenRequestCount(20);
        CompletableFuture.anyOf(midRun, first.onExit()).get(3, TimeUnit.MINUTES);
        assertThat(midRun).as("the first run was still going at its 20th request").isDone();

        Process second = start(config);

        assertThat(second.waitFor(2, TimeUnit.MINUTES)).isTrue();
        intercom.latency(Duration.ZERO, Duration.ZERO);
        assertThat(second.exitValue()).as(output()).isEqualTo(1);
        assertThat(output()).contains(message);
        assertThat(first.waitFor(3, TimeUnit.MINUTES)).isTrue();
        assertThat(first.exitValue()).as(output()).isZero();
        ExactlyOnce.assertMigrated(intercom, export);
        ExactlyOnce.assertAroundTheThread(intercom, export);
    }

    @Test
    void sigtermStopsCleanlyAndTheSameCommandResumes() throws Exception {
        Path config = config("");
        withoutFaults();
        Process process = start(config);
        CompletableFuture<Integer> midRun = intercom.whenRequestCount(300);
        CompletableFuture.anyOf(midRun, process.onExit()).get(3, TimeUnit.MINUTES);
        assertThat(midRun).as("the run was still going at its 300th request").isDone();
        process.destroy(); // SIGTERM

        assertThat(process.waitFor(2, TimeUnit.MINUTES)).isTrue();
        String output = output();
        assertThat(process.exitValue()).as(output).isEqualTo(1);
        assertThat(output).contains("was stopped", "run the same command again", "migrate --input");

        Process again = start(config);
        assertThat(again.waitFor(3, TimeUnit.MINUTES)).isTrue();
        assertThat(again.exitValue()).as(output()).isZero();
        ExactlyOnce.assertMigrated(intercom, export);
        ExactlyOnce.assertAroundTheThread(intercom, export);
    }

    private void withoutFaults() {
        intercom.lostResponseRate(0)
                .connectionResetRate(0)
                .serverErrorRate(0)
                .tooManyRequestsRate(0);
        for (Write write : Write.values()) {
            intercom.serverErrorAfterWrite(write, 0).answerAfterTimeout(write, 0, Duration.ZERO);
        }
    }

    private void crashUntilDone(Path config, String variant) throws Exception {
        Random random = new Random(7);
        int kills = 0;
        int runs = 0;
        int exitCode = -1;
        while (exitCode != 0) {
            assertThat(runs++).as("runs needed to finish").isLessThan(25);
            Process process = start(config);
            if (kills < KILLS) {
                CompletableFuture<Integer> trigger =
                        intercom.whenRequestCount(
                                intercom.requestCount() + 50 + random.nextInt(400));
                CompletableFuture.anyOf(trigger, process.onExit()).get(3, TimeUnit.MINUTES);
                if (trigger.isDone() && process.isAlive()) {
                    process.destroyForcibly(); // SIGKILL: no shutdown hook, no last words
                    process.waitFor(1, TimeUnit.MINUTES);
                    kills++;
                    continue;
                }
            }
            if (!process.waitFor(3, TimeUnit.MINUTES)) {
                throw new AssertionError("run " + runs + " did not finish:\n" + diagnose(process));
            }
            exitCode = process.exitValue();
            assertThat(exitCode).as(output()).isIn(0, 1);
        }
        assertThat(kills).as("kills").isEqualTo(KILLS);
        for (Fault fault : List.of(Fault.SERVER_ERROR_AFTER_WRITE, Fault.ANSWER_AFTER_TIMEOUT)) {
            assertThat(
                            intercom.receivedRequests().stream()
                                    .filter(r -> r.fault() == fault)
                                    .map(CrashIT::kindOfWrite)
                                    .distinct())
                    .as("writes done and then answered by %s", fault)
                    .containsExactlyInAnyOrderElementsOf(ROUTES.values());
        }
        ExactlyOnce.assertMigrated(intercom, export);
        ExactlyOnce.assertAroundTheThread(intercom, export);

        Process verify =
                PackagedJar.process(config, workDir.resolve("state"), "verify")
                        .redirectOutput(workDir.resolve("verify.txt").toFile())
                        .start();
        assertThat(verify.waitFor(3, TimeUnit.MINUTES)).isTrue();
        assertThat(verify.exitValue()).as(Files.readString(workDir.resolve("verify.txt"))).isZero();
        assertThat(Files.readString(workDir.resolve("verify.txt"))).contains("0 difference(s)");

        System.out.printf(
                "Crash test (%s): %d conversations, %d runs, %d kills -9, faults injected %s, "
                        + "%d requests, duplicates 0%n",
                variant,
                CONVERSATIONS,
                runs,
                kills,
                intercom.faultsInjected(),
                intercom.requestCount());
    }

    private static String kindOfWrite(ReceivedRequest request) {
        if (!request.route().equals("POST /conversations/{id}/parts")) {
            return request.route();
        }
        return request.route()
                + (request.body().contains("\"assignment\"") ? " assignment" : " close");
    }

    private Path config(String extra) throws IOException {
        Path config = workDir.resolve("config.yml");
        Files.writeString(
                config,
                """
                intercom.base-url: %s
                intercom.timeout: 3s
                intercom.search-lag: 3s
                intercom.retry.max-attempts: 5
                intercom.retry.initial-backoff: 20ms
                intercom.retry.max-backoff: 200ms
                migration.chunk-size: 10
                migration.concurrency: 8
                mapping:
                  attributes:
                    - {source: priority, intercom: Priority}
                    - {source: order, intercom: Order number}
                %s
                """
                        .formatted(intercom.baseUrl(), extra));
        return config;
    }

    private Process start(Path config) throws IOException {
        return PackagedJar.process(
                        config, workDir.resolve("state"), "migrate", "--input", export.toString())
                .redirectOutput(
                        ProcessBuilder.Redirect.appendTo(workDir.resolve("runs.txt").toFile()))
                .start();
    }

    /** What a stuck run was doing: its threads, its output and the end of its log. */
    private String diagnose(Process process) throws IOException, InterruptedException {
        Path jstack = Path.of(System.getProperty("java.home"), "bin", "jstack");
        Process dump =
                new ProcessBuilder(jstack.toString(), Long.toString(process.pid()))
                        .redirectErrorStream(true)
                        .start();
        String threads = new String(dump.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        process.destroyForcibly();
        List<String> log = Files.readAllLines(workDir.resolve("state/migrator.log"));
        String report =
                threads
                        + "\n--- output ---\n"
                        + output()
                        + "\n--- log ---\n"
                        + String.join("\n", log.subList(Math.max(0, log.size() - 80), log.size()));
        Files.createDirectories(Path.of("target/crash-diagnosis"));
        Files.writeString(Path.of("target/crash-diagnosis/run-" + process.pid() + ".txt"), report);
        return report.length() > 20_000 ? report.substring(report.length() - 20_000) : report;
    }

    private String output() throws IOException {
        return Files.readString(workDir.resolve("runs.txt"), StandardCharsets.UTF_8);
    }
}
