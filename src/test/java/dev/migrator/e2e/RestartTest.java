package dev.migrator.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.migrator.bench.ExportGenerator;
import dev.migrator.testserver.FakeIntercom;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run that fails part-way (Intercom goes down, or keeps losing answers) and is resumed by
 * the same command: every conversation ends up in Intercom once, with all its parts.
 */
class RestartTest {

    private static final int CONVERSATIONS = 60;

    @TempDir
    Path workDir;

    private FakeIntercom intercom;
    private Path export;
    private MigratorProcess migrator;

    @BeforeEach
    void setUp() throws Exception {
        intercom = FakeIntercom.start();
        Agents.addTo(intercom);
        export = workDir.resolve("export.jsonl");
        ExportGenerator.generate("jsonl", CONVERSATIONS, export, 7);
        migrator = new MigratorProcess(workDir, intercom.baseUrl(), FakeIntercom.TOKEN, "");
    }

    @AfterEach
    void tearDown() {
        intercom.close();
    }

    @Test
    void resumesAfterIntercomWentDownMidRun() throws Exception {
        intercom.goDownAfterRequests(150);

        MigratorProcess.Result failed = migrator.run("migrate", "--input", export.toString());

        assertThat(failed.exitCode()).as(failed.all()).isEqualTo(1);
        assertThat(failed.err()).contains("run the same command again").contains("migrate --input");
        assertThat(intercom.conversations().size()).isBetween(1, CONVERSATIONS - 1);

        intercom.comeBack();
        MigratorProcess.Result resumed = migrator.run("migrate", "--input", export.toString());

        assertThat(resumed.exitCode()).as(resumed.all()).isZero();
        assertThat(resumed.out()).contains("Resuming run 1");
        assertEveryConversationOnceWithAllParts();
    }

    @Test
    void neverResendsACreateWhoseAnswerWasLostWithoutCheckingFirst() throws Exception {
        intercom.seed(11).lostResponseRate(0.15).connectionResetRate(0.05).serverErrorRate(0.05);

        MigratorProcess.Result result = migrator.run("migrate", "--input", export.toString());

        assertThat(result.exitCode()).as(result.all()).isZero();
        assertThat(intercom.faultsInjected(FakeIntercom.Fault.LOST_RESPONSE)).isPositive();
        assertEveryConversationOnceWithAllParts();
    }

    private void assertEveryConversationOnceWithAllParts() throws Exception {
        ExactlyOnce.assertMigrated(intercom, export);
    }
}
