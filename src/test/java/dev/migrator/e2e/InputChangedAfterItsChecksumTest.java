package dev.migrator.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.migrator.testserver.FakeIntercom;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 12, case 10: the export changes between its checksum (which identifies the run) and its
 * reading. The file is rewritten when the preflight's first request reaches Intercom, after the
 * runner has checksummed it and before anything reads it for the job. The run must not complete
 * under the old checksum: it stops, naming the file, and the same command then migrates the current
 * content as a new run.
 */
class InputChangedAfterItsChecksumTest {

    private static final String BEFORE =
            """
            {"id": "c-1", "contact": {"email": "ann@example.org"}, "messages": [{"id": "m-1", "author": {"type": "contact"}, "body": "Hello", "created_at": "2021-03-04T10:15:00Z"}]}
            """;
    private static final String AFTER =
            """
            {"id": "c-1", "contact": {"email": "ann@example.org"}, "messages": [{"id": "m-1", "author": {"type": "contact"}, "body": "Hello", "created_at": "2021-03-04T10:15:00Z"}]}
            {"id": "c-2", "contact": {"email": "ben@example.org"}, "messages": [{"id": "m-1", "author": {"type": "contact"}, "body": "Hi", "created_at": "2021-03-05T10:15:00Z"}]}
            """;

    @TempDir Path workDir;

    private FakeIntercom intercom;

    @BeforeEach
    void startIntercom() {
        intercom = FakeIntercom.start();
    }

    @AfterEach
    void stopIntercom() {
        intercom.close();
    }

    @Test
    void case10_aRunWhoseInputChangedAfterItsChecksumStopsAndNeverCompletesUnderIt()
            throws Exception {
        Path export = workDir.resolve("export.jsonl");
        Files.writeString(export, BEFORE);
        MigratorProcess migrator =
                new MigratorProcess(workDir, intercom.baseUrl(), FakeIntercom.TOKEN, "");
        // Runs on the server's thread before the first request is answered: deterministic.
        intercom.whenRequestCount(1).thenRun(() -> write(export, AFTER));

        MigratorProcess.Result changed = migrator.run("migrate", "--input", export.toString());

        assertThat(changed.exitCode()).as(changed.all()).isEqualTo(1);
        assertThat(changed.err())
                .contains(
                        export
                                + " changed after the run started; run the command again to"
                                + " migrate its current content");
        assertThat(changed.all()).doesNotContain("Exception").doesNotContain("\tat ");
        // The change shows at the file's end, once its records were read: they may have been sent
        // (the migrate step sends as it reads), but none was committed under the old checksum;
        // the next run finds what was sent in the ledger and sends nothing twice (below).
        assertThat(migrator.run("status").out()).contains("run 1  FAILED");

        MigratorProcess.Result again = migrator.run("migrate", "--input", export.toString());

        assertThat(again.exitCode()).as(again.all()).isZero();
        assertThat(again.out()).contains("Run 2 COMPLETED");
        assertThat(intercom.conversations()).hasSize(2);
    }

    private static void write(Path file, String text) {
        try {
            Files.writeString(file, text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
