package dev.migrator.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.migrator.bench.ExportGenerator;
import dev.migrator.testserver.FakeIntercom;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A run that fails part-way (Intercom goes down, or keeps losing answers) and is resumed, by the
 * same command or by {@code resume}: every conversation ends up in Intercom once, with all its
 * parts. On the H2 job repository, and on the local PostgreSQL where there is one.
 */
class RestartTest {

    private static final int CONVERSATIONS = 60;

    @TempDir Path workDir;

    private FakeIntercom intercom;
    private Path export;

    @BeforeEach
    void setUp() throws Exception {
        intercom = FakeIntercom.start();
        Agents.addTo(intercom);
        export = workDir.resolve("export.jsonl");
        ExportGenerator.generate("jsonl", CONVERSATIONS, export, 7);
    }

    @AfterEach
    void tearDown() {
        intercom.close();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"H2", "PostgreSQL"})
    void resumesAfterIntercomWentDownMidRun(String jobRepository) throws Exception {
        try (LocalPostgres postgres =
                jobRepository.equals("PostgreSQL")
                        ? LocalPostgres.createDatabase("migrator_restart")
                        : null) {
            MigratorProcess migrator =
                    new MigratorProcess(
                            workDir,
                            intercom.baseUrl(),
                            FakeIntercom.TOKEN,
                            postgres == null ? "" : postgres.config());
            intercom.goDownAfterRequests(150);

            MigratorProcess.Result failed = migrator.run("migrate", "--input", export.toString());

            assertThat(failed.exitCode()).as(failed.all()).isEqualTo(1);
            assertThat(failed.err())
                    .contains("run the same command again")
                    .contains("migrate --input");
            assertThat(intercom.conversations().size()).isBetween(1, CONVERSATIONS - 1);

            intercom.comeBack();
            MigratorProcess.Result resumed = migrator.run("migrate", "--input", export.toString());

            assertThat(resumed.exitCode()).as(resumed.all()).isZero();
            assertThat(resumed.out()).contains("Resuming run 1");
            ExactlyOnce.assertMigrated(intercom, export);
            // verify streams the ledger (on PostgreSQL, outside auto-commit with a fetch size)
            MigratorProcess.Result verified = migrator.run("verify");
            assertThat(verified.exitCode()).as(verified.all()).isZero();
            assertThat(verified.out()).contains("Checked " + CONVERSATIONS + " conversations");
        }
    }

    @Test
    void statusSaysWhyARunFailedAndHowToResumeItAndResumeFinishesIt() throws Exception {
        MigratorProcess migrator =
                new MigratorProcess(workDir, intercom.baseUrl(), FakeIntercom.TOKEN, "");
        intercom.goDownAfterRequests(150);
        MigratorProcess.Result failed = migrator.run("migrate", "--input", export.toString());
        assertThat(failed.exitCode()).as(failed.all()).isEqualTo(1);

        MigratorProcess.Result status = migrator.run("status");

        assertThat(status.exitCode()).as(status.all()).isZero();
        assertThat(status.out())
                .containsPattern(
                        "run 1 +FAILED +workspace "
                                + intercom.appId()
                                + " +"
                                + export.toAbsolutePath())
                .containsPattern("read \\d+, migrated \\d+, rejected 0")
                .contains(
                        "last error: "
                                + failed.err()
                                        .lines()
                                        .filter(l -> l.startsWith("The run failed: "))
                                        .findFirst()
                                        .orElseThrow()
                                        .substring("The run failed: ".length())
                                        .replaceFirst("\\.$", ""))
                .contains(
                        "to resume:  java -jar target/conversation-migrator.jar migrate --input "
                                + export)
                .contains("resume --state-dir " + migrator.stateDir().toAbsolutePath());
        assertThat(status.all()).doesNotContain("\tat ");

        intercom.comeBack();
        MigratorProcess.Result resumed = migrator.run("resume");

        assertThat(resumed.exitCode()).as(resumed.all()).isZero();
        assertThat(resumed.out()).contains("Resuming run 1");
        ExactlyOnce.assertMigrated(intercom, export);
        assertThat(migrator.run("status").out())
                .containsPattern("run 1 +COMPLETED")
                .doesNotContain("last error");
    }

    @Test
    void neverResendsACreateWhoseAnswerWasLostWithoutCheckingFirst() throws Exception {
        MigratorProcess migrator =
                new MigratorProcess(workDir, intercom.baseUrl(), FakeIntercom.TOKEN, "");
        intercom.seed(11).lostResponseRate(0.15).connectionResetRate(0.05).serverErrorRate(0.05);

        MigratorProcess.Result result = migrator.run("migrate", "--input", export.toString());

        assertThat(result.exitCode()).as(result.all()).isZero();
        assertThat(intercom.faultsInjected(FakeIntercom.Fault.LOST_RESPONSE)).isPositive();
        ExactlyOnce.assertMigrated(intercom, export);
    }
}
