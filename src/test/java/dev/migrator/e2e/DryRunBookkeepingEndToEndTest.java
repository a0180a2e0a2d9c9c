package dev.migrator.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Issue 14: a dry run remembers what it sent in memory only. A conversation in two records is
 * created once, then gets its new reply; a contact is created once; the summary and {@code status}
 * count from that memory; and the ledger's tables hold nothing of it, during the run or after.
 */
class DryRunBookkeepingEndToEndTest {

    private static final String EXPORT =
            """
            {"id": "c-1", "contact": {"email": "ann@example.org"}, "messages": [{"id": "m-1", "author": {"type": "contact"}, "body": "Hello", "created_at": "2021-03-04T10:15:00Z"}]}
            {"id": "c-2", "contact": {"email": "ann@example.org"}, "messages": [{"id": "m-2", "author": {"type": "contact"}, "body": "Another thing", "created_at": "2021-03-05T10:15:00Z"}]}
            {"id": "c-1", "contact": {"email": "ann@example.org"}, "messages": [{"id": "m-1", "author": {"type": "contact"}, "body": "Hello", "created_at": "2021-03-04T10:15:00Z"}, {"id": "m-3", "author": {"type": "contact"}, "body": "Any news?", "created_at": "2021-03-06T10:15:00Z"}]}
            """;

    @TempDir Path workDir;

    @Test
    void aDryRunCountsFromMemoryAndLeavesTheLedgerEmpty() throws Exception {
        Path export = workDir.resolve("export.jsonl");
        Files.writeString(export, EXPORT);
        MigratorProcess migrator = new MigratorProcess(workDir, "http://127.0.0.1:9", null, "");

        MigratorProcess.Result dry =
                migrator.run("migrate", "--input", export.toString(), "--dry-run");

        assertThat(dry.exitCode()).as(dry.all()).isZero();
        List<String> requests =
                Files.readAllLines(migrator.runDir(1).resolve("requests.jsonl")).stream()
                        .map(DryRunBookkeepingEndToEndTest::methodAndPath)
                        .toList();
        assertThat(requests).filteredOn("POST /contacts"::equals).hasSize(1);
        assertThat(requests).filteredOn("POST /conversations"::equals).hasSize(2);
        assertThat(requests).filteredOn(r -> r.endsWith("/reply")).hasSize(1);
        JsonNode summary =
                JsonMapper.builder()
                        .build()
                        .readTree(migrator.runDir(1).resolve("summary.json").toFile());
        assertThat(summary.path("conversations_migrated").asLong()).isEqualTo(2);
        assertThat(summary.path("replies_sent").asLong()).isEqualTo(1);
        assertThat(migrator.run("status").out()).contains("read 3, migrated 2, rejected 0");
        assertThat(rows(migrator.stateDir(), "MIGRATOR_CONVERSATION")).isZero();
        assertThat(rows(migrator.stateDir(), "MIGRATOR_PART")).isZero();
        assertThat(rows(migrator.stateDir(), "MIGRATOR_CONTACT")).isZero();
        assertThat(rows(migrator.stateDir(), "MIGRATOR_PROGRESS"))
                .as("kept as before")
                .isPositive();
    }

    @Test
    void aDryRunThatDidNotFinishStartsOverFromItsFirstRecord() throws Exception {
        Path export = workDir.resolve("export.jsonl");
        Files.writeString(export, EXPORT);
        MigratorProcess migrator = new MigratorProcess(workDir, "http://127.0.0.1:9", null, "");
        // A directory where its requests file goes: the run fails as it starts its step.
        Path inTheWay =
                Files.createDirectories(
                        migrator.runDir(1).resolve("requests.jsonl").resolve("in-the-way"));

        MigratorProcess.Result failed =
                migrator.run("migrate", "--input", export.toString(), "--dry-run");

        assertThat(failed.exitCode()).as(failed.all()).isEqualTo(1);
        Files.delete(inTheWay);

        MigratorProcess.Result again =
                migrator.run("migrate", "--input", export.toString(), "--dry-run");

        assertThat(again.exitCode()).as(again.all()).isZero();
        assertThat(again.out())
                .contains("Dry run 1 did not finish: it starts over from the first record")
                .doesNotContain("Resuming run 1 from its last committed chunk");
        assertThat(Files.readAllLines(migrator.runDir(1).resolve("requests.jsonl")))
                .filteredOn(line -> methodAndPath(line).equals("POST /conversations"))
                .hasSize(2);
        assertThat(migrator.run("status").out()).contains("run 1  COMPLETED", "migrated 2");
    }

    private static String methodAndPath(String line) {
        JsonNode request = JsonMapper.builder().build().readTree(line);
        return request.path("method").asString() + " " + request.path("path").asString();
    }

    private static long rows(Path stateDir, String table) throws Exception {
        try (Connection connection =
                        DriverManager.getConnection(
                                "jdbc:h2:file:" + stateDir.resolve("migrator").toAbsolutePath(),
                                "sa",
                                "");
                Statement statement = connection.createStatement();
                ResultSet count = statement.executeQuery("SELECT COUNT(*) FROM " + table)) {
            count.next();
            return count.getLong(1);
        }
    }
}
