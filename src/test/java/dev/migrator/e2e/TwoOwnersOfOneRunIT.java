package dev.migrator.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.migrator.bench.ExportGenerator;
import dev.migrator.testserver.FakeIntercom;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 12, case 4, "two owners of one run": two processes of the packaged jar on one PostgreSQL
 * job repository, with the same command. The first is paused ({@code kill -STOP}) in the middle of
 * a call to Intercom and stays paused past its lease; the second takes the run over and finishes
 * it; the first, resumed ({@code kill -CONT}), sends nothing more and stops with the message that
 * says which process took over. Every conversation is then in Intercom exactly once, with exactly
 * its parts.
 */
class TwoOwnersOfOneRunIT {

    private static final int CONVERSATIONS = 40;

    /** Short, so that the test does not wait the default 30 s. */
    private static final Duration LEASE = Duration.ofSeconds(5);

    /** The first process is paused when this request of its run reaches Intercom. */
    private static final int PAUSED_AT_REQUEST = 60;

    @TempDir Path workDir;

    @Test
    void case4_aProcessPausedPastItsLeaseSendsNothingMoreOnceTheRunIsTakenOver() throws Exception {
        Path export = workDir.resolve("export.jsonl");
        ExportGenerator.generate("jsonl", CONVERSATIONS, export, 4);
        try (LocalPostgres postgres = LocalPostgres.createDatabase("migrator_owners");
                FakeIntercom intercom = FakeIntercom.start()) {
            Agents.addTo(intercom);
            // Every answer takes a while: the first process is caught waiting for one.
            intercom.latency(Duration.ofMillis(20), Duration.ZERO);
            Path config = config(intercom, postgres);

            Process first = start(config, export, "first.txt");
            // Paused on Intercom's side, before the request is answered: with one conversation in
            // flight, the first process is then waiting for that answer, never about to send.
            CompletableFuture<Void> paused =
                    intercom.whenRequestCount(PAUSED_AT_REQUEST)
                            .thenRun(() -> signal("STOP", first));
            CompletableFuture.anyOf(paused, first.onExit()).get(3, TimeUnit.MINUTES);
            assertThat(paused)
                    .as(
                            "the first run was still going at its request %d:\n%s",
                            PAUSED_AT_REQUEST, output("first.txt"))
                    .isDone();
            paused.get();
            String pausedIn = intercom.receivedRequests().get(PAUSED_AT_REQUEST - 1).route();
            try {
                awaitStaleLease(postgres, first);

                Process second = start(config, export, "second.txt");
                assertThat(second.waitFor(3, TimeUnit.MINUTES)).as("the second run ends").isTrue();
                assertThat(second.exitValue()).as(output("second.txt")).isZero();
                assertThat(output("second.txt")).contains("recovered it");
                int requestsOfBoth = intercom.requestCount();

                signal("CONT", first);
                assertThat(first.waitFor(2, TimeUnit.MINUTES)).as("the first run ends").isTrue();

                String said = output("first.txt");
                assertThat(first.exitValue()).as(said).isEqualTo(1);
                assertThat(said)
                        .contains(
                                "Stopped: process " + second.pid() + " on ",
                                "took this run over",
                                "Nothing was sent after that")
                        .doesNotContain("Exception", "\tat ");
                ExactlyOnce.assertMigrated(intercom, export);
                assertThat(intercom.requestCount())
                        .as(
                                "requests after the first process resumed (it was waiting on %s)",
                                pausedIn)
                        .isEqualTo(requestsOfBoth);
                System.out.printf(
                        "Two owners: first paused on its request %d (%s), the second took over"
                                + " and finished; %d requests in all, none after the first"
                                + " resumed, duplicates 0. The first said:%n%s%n",
                        PAUSED_AT_REQUEST,
                        pausedIn,
                        requestsOfBoth,
                        said.substring(said.indexOf("Stopped:")));
            } finally {
                if (first.isAlive()) {
                    signal("CONT", first);
                    first.destroyForcibly();
                }
            }
        }
    }

    /**
     * Waits until the job repository's own clock says the paused process's lease is stale: what the
     * second process will find when it starts.
     */
    private static void awaitStaleLease(LocalPostgres postgres, Process paused) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
        try (Connection connection =
                        DriverManager.getConnection(postgres.jdbcUrl(), "postgres", "");
                Statement statement = connection.createStatement()) {
            while (true) {
                try (ResultSet stale =
                        statement.executeQuery(
                                "SELECT COUNT(*) FROM MIGRATOR_LEASE WHERE HEARTBEAT_AT < "
                                        + "CAST(EXTRACT(EPOCH FROM CURRENT_TIMESTAMP) * 1000"
                                        + " AS BIGINT) - "
                                        + LEASE.toMillis())) {
                    stale.next();
                    if (stale.getInt(1) == 1) {
                        return;
                    }
                }
                assertThat(System.nanoTime())
                        .as("the paused lease goes stale")
                        .isLessThan(deadline);
                paused.waitFor(100, TimeUnit.MILLISECONDS); // a look every 100 ms
            }
        } catch (SQLException e) {
            throw new AssertionError("cannot read the job repository's leases", e);
        }
    }

    private static void signal(String signal, Process process) {
        try {
            Process kill =
                    new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid()))
                            .inheritIO()
                            .start();
            assertThat(kill.waitFor(1, TimeUnit.MINUTES) && kill.exitValue() == 0)
                    .as("kill -%s %d", signal, process.pid())
                    .isTrue();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private Path config(FakeIntercom intercom, LocalPostgres postgres) throws IOException {
        Path config = workDir.resolve("config.yml");
        Files.writeString(
                config,
                """
                intercom.base-url: %s
                intercom.timeout: 3s
                intercom.search-lag: 1s
                migration.chunk-size: 5
                migration.concurrency: 1
                migration.lease-duration: %ds
                %s
                """
                        .formatted(intercom.baseUrl(), LEASE.toSeconds(), postgres.config()));
        return config;
    }

    private Process start(Path config, Path export, String output) throws IOException {
        return PackagedJar.process(
                        config,
                        workDir.resolve("state-" + output),
                        "migrate",
                        "--input",
                        export.toString())
                .redirectOutput(workDir.resolve(output).toFile())
                .start();
    }

    private String output(String name) throws IOException {
        return Files.readString(workDir.resolve(name), StandardCharsets.UTF_8);
    }
}
