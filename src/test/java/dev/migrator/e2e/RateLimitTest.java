package dev.migrator.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.migrator.bench.ExportGenerator;
import dev.migrator.testserver.FakeIntercom;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Concurrency and Intercom's rate limits: order kept, the server's limit obeyed, 429 storms
 * survived.
 */
class RateLimitTest {

    @TempDir Path workDir;

    private FakeIntercom intercom;
    private Path export;

    @BeforeEach
    void setUp() {
        intercom = FakeIntercom.builder().seed(3).start();
        Agents.addTo(intercom);
        export = workDir.resolve("export.jsonl");
    }

    @AfterEach
    void tearDown() {
        intercom.close();
    }

    private MigratorProcess.Result migrate(int conversations, String config) throws Exception {
        ExportGenerator.generate("jsonl", conversations, export, 17);
        MigratorProcess migrator =
                new MigratorProcess(workDir, intercom.baseUrl(), FakeIntercom.TOKEN, config);
        return migrator.run("migrate", "--input", export.toString());
    }

    @Test
    void partsOfAConversationAreNeverReorderedUnderConcurrency() throws Exception {
        intercom.latency(Duration.ofMillis(5), Duration.ofMillis(5)); // answers overtake each other

        MigratorProcess.Result result = migrate(80, "migration.concurrency: 16");

        assertThat(result.exitCode()).as(result.all()).isZero();
        ExactlyOnce.assertMigrated(intercom, export);
    }

    @Test
    void aServerLimitLowerThanConfiguredIsObeyedWithinOneWindow() throws Exception {
        intercom.rateLimitPerWindow(30);

        MigratorProcess.Result result = migrate(14, "intercom.requests-per-minute: 60000");

        assertThat(result.exitCode()).as(result.all()).isZero();
        assertThat(intercom.requestCount()).as("calls spanning several windows").isGreaterThan(60);
        // Only calls already in flight when the first answer told the limit can overrun it.
        assertThat(intercom.rateLimited()).as("429 answers").isLessThanOrEqualTo(8);
        ExactlyOnce.assertMigrated(intercom, export);
    }

    @Test
    void a429StormIsSurvivedWithNoRecordRejected() throws Exception {
        // Mid-run, with every worker busy, eight calls in a row are refused.
        intercom.whenRequestCount(30).thenRun(() -> intercom.tooManyRequestsRate(1.0));
        intercom.whenRequestCount(38).thenRun(() -> intercom.tooManyRequestsRate(0));

        MigratorProcess.Result result = migrate(10, "");

        assertThat(result.exitCode()).as(result.all()).isZero();
        assertThat(intercom.rateLimited()).isGreaterThanOrEqualTo(7);
        assertThat(Files.readString(workDir.resolve("state/runs/1/rejects.jsonl"))).isEmpty();
        ExactlyOnce.assertMigrated(intercom, export);
    }
}
