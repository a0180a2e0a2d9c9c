package dev.migrator.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.migrator.bench.ExportGenerator;
import dev.migrator.testserver.FakeIntercom;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The access token, after a real migration, a refused token and a run that stopped with an error:
 * in no console line, no log line, no table of the job repository and no report. And the state
 * directory, whose rejects hold customer data, is its owner's only.
 */
class SecrecyTest {

    private static final String TOKEN = "dG9rOjE2ZGQ0-secret-token-that-must-never-leak";

    @TempDir Path workDir;

    @Test
    void theTokenIsWrittenNowhere() throws Exception {
        StringBuilder console = new StringBuilder();
        try (FakeIntercom intercom = FakeIntercom.start(TOKEN)) {
            Agents.addTo(intercom);
            MigratorProcess migrator = new MigratorProcess(workDir, intercom.baseUrl(), TOKEN, "");
            MigratorProcess.Result migrated =
                    migrator.run("migrate", "--input", "samples/conversations.json");
            assertThat(migrated.exitCode()).as(migrated.all()).isEqualTo(3);
            console.append(migrated.all());

            Path more = workDir.resolve("more.jsonl");
            ExportGenerator.generate("jsonl", 30, more, 5);
            intercom.goDownAfterRequests(40);
            MigratorProcess.Result failed = migrator.run("migrate", "--input", more.toString());
            assertThat(failed.exitCode()).as(failed.all()).isEqualTo(1);
            console.append(failed.all());
            intercom.comeBack();

            for (String command : List.of("status", "report", "verify")) {
                console.append(migrator.run(command).all());
            }
            MigratorProcess refused =
                    new MigratorProcess(
                            Files.createDirectories(workDir.resolve("other")),
                            intercom.baseUrl(),
                            TOKEN + "-revoked",
                            "");
            console.append(refused.run("migrate", "--input", "samples/conversations.json").all());
            assertThat(console).doesNotContain(TOKEN);

            for (Path stateDir : List.of(migrator.stateDir(), refused.stateDir())) {
                assertThat(textFilesIn(stateDir))
                        .as("log, summaries, rejects and requests")
                        .isNotEmpty()
                        .allSatisfy(
                                file ->
                                        assertThat(
                                                        Files.readString(
                                                                file, StandardCharsets.ISO_8859_1))
                                                .as(file.toString())
                                                .doesNotContain(TOKEN));
                assertThat(databaseScript(stateDir))
                        .as("every table of the job repository")
                        .doesNotContain(TOKEN);
            }
        }
    }

    @Test
    void theStateDirectoryIsReadableByItsOwnerOnly() throws Exception {
        assumePosix();
        MigratorProcess migrator = new MigratorProcess(workDir, "http://127.0.0.1:9", null, "");

        MigratorProcess.Result result =
                migrator.run("migrate", "--input", "samples/conversations.json", "--dry-run");

        assertThat(result.exitCode()).as(result.all()).isEqualTo(3);
        assertThat(
                        PosixFilePermissions.toString(
                                Files.getPosixFilePermissions(migrator.stateDir())))
                .isEqualTo("rwx------");
    }

    @Test
    void theStateDirectoryIsOwnerOnlyFromTheStart() throws Exception {
        assumePosix();
        // A configuration refused once the log is open: the command itself never runs.
        MigratorProcess migrator =
                new MigratorProcess(
                        workDir, "http://127.0.0.1:9", null, "  timezone: Nowhere/Atlantis");

        MigratorProcess.Result result =
                migrator.run("migrate", "--input", "samples/conversations.json", "--dry-run");

        assertThat(result.exitCode()).as(result.all()).isEqualTo(2);
        assertThat(migrator.stateDir().resolve("migrator.log")).exists();
        assertThat(
                        PosixFilePermissions.toString(
                                Files.getPosixFilePermissions(migrator.stateDir())))
                .as("made owner-only before the log and the database are in it")
                .isEqualTo("rwx------");
    }

    @Test
    void theReportsAreReadableByTheirOwnerOnly() throws Exception {
        assumePosix();
        MigratorProcess migrator = new MigratorProcess(workDir, "http://127.0.0.1:9", null, "");
        MigratorProcess.Result migrated =
                migrator.run("migrate", "--input", "samples/conversations.json", "--dry-run");
        assertThat(migrated.exitCode()).as(migrated.all()).isEqualTo(3);
        Path html = workDir.resolve("shared").resolve("report.html");

        MigratorProcess.Result reported = migrator.run("report", "--html", html.toString());

        assertThat(reported.exitCode()).as(reported.all()).isZero();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(html)))
                .as("report --html FILE, outside the state directory")
                .isEqualTo("rw-------");
        try (Stream<Path> files = Files.walk(migrator.stateDir().resolve("runs"))) {
            assertThat(files.filter(Files::isRegularFile).toList())
                    .as("the run files")
                    .isNotEmpty()
                    .allSatisfy(
                            file ->
                                    assertThat(
                                                    PosixFilePermissions.toString(
                                                            Files.getPosixFilePermissions(file)))
                                            .as(file.toString())
                                            .isEqualTo("rw-------"));
        }
    }

    private static void assumePosix() {
        assumeTrue(
                FileSystems.getDefault().supportedFileAttributeViews().contains("posix"),
                "POSIX file permissions are not supported on this file system: owner-only"
                        + " permissions cannot be checked here");
    }

    private static List<Path> textFilesIn(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile)
                    .filter(f -> !f.getFileName().toString().endsWith(".db"))
                    .toList();
        }
    }

    /** The whole H2 database as SQL (schema and every row), as H2's SCRIPT command writes it. */
    private static String databaseScript(Path stateDir) throws Exception {
        Path database = stateDir.resolve("migrator");
        if (!Files.exists(stateDir.resolve("migrator.mv.db"))) {
            return "";
        }
        StringBuilder script = new StringBuilder();
        try (Connection connection =
                        DriverManager.getConnection(
                                "jdbc:h2:file:" + database.toAbsolutePath(), "sa", "");
                Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery("SCRIPT")) {
            while (rows.next()) {
                script.append(rows.getString(1)).append('\n');
            }
        }
        assertThat(script).contains("MIGRATOR_CONVERSATION", "BATCH_JOB_EXECUTION_PARAMS");
        return script.toString();
    }
}
