package dev.migrator.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import dev.migrator.job.GracefulShutdown;
import dev.migrator.job.MigrationRunner;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The watcher's scans, driven without waiting: the wait between two scans is the test's, which
 * changes the inbox there (or not) and says when the signal comes.
 */
class WatchCommandTest {

    @TempDir Path workDir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private final MigrationRunner runner = mock(MigrationRunner.class);
    private final RunConsole runConsole = mock(RunConsole.class);
    private final GracefulShutdown shutdown = mock(GracefulShutdown.class);

    /** What happens during each wait between two scans; the watch stops when none is left. */
    private final Deque<Callable<Void>> betweenScans = new ArrayDeque<>();

    private Path inbox;

    @BeforeEach
    void setUp() throws Exception {
        inbox = Files.createDirectories(workDir.resolve("inbox"));
        when(runConsole.exitCode(any(), any())).thenReturn(ExitCode.OK);
        when(shutdown.awaitSignal(any()))
                .thenAnswer(
                        call -> {
                            Callable<Void> next = betweenScans.poll();
                            if (next == null) {
                                return true; // the signal
                            }
                            next.call();
                            return false;
                        });
    }

    @Test
    void aFileThatDisappearsMidScanDoesNotEndTheWatch() throws Exception {
        Path monday = export("monday.jsonl", 1);
        Path tuesday = export("tuesday.jsonl", 2);
        when(runner.migrate(any(), any()))
                .thenAnswer(
                        call -> {
                            // Taken away while monday's run goes on: gone before the scan reads it.
                            Files.deleteIfExists(tuesday);
                            return null;
                        });
        Path wednesday = workDir.resolve("wednesday.jsonl");
        nothingBetweenScans(); // the first scan has seen both; the second migrates monday
        betweenScans.add(
                () -> {
                    Files.writeString(wednesday, "{}\n");
                    Files.setLastModifiedTime(wednesday, FileTime.fromMillis(3_000));
                    Files.move(wednesday, inbox.resolve("wednesday.jsonl"));
                    return null;
                });
        nothingBetweenScans();

        ExitCode exitCode = watch();

        assertThat(exitCode).isEqualTo(ExitCode.OK);
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("Stopped watching");
        assertThat(inbox.resolve("done/monday.jsonl")).exists();
        assertThat(monday).doesNotExist();
        assertThat(inbox.resolve("done/wednesday.jsonl"))
                .as("the scans after the one that failed go on")
                .exists();
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("tuesday.jsonl");
    }

    @Test
    void anInboxBrieflyUnreadableDoesNotEndTheWatch() throws Exception {
        when(runner.migrate(any(), any())).thenReturn(null);
        Path away = workDir.resolve("away");
        betweenScans.add(
                () -> {
                    Files.move(inbox, away);
                    return null;
                });
        betweenScans.add(
                () -> {
                    Files.move(away, inbox);
                    export("monday.jsonl", 1);
                    return null;
                });
        nothingBetweenScans();
        nothingBetweenScans();

        ExitCode exitCode = watch();

        assertThat(exitCode).isEqualTo(ExitCode.OK);
        assertThat(err.toString(StandardCharsets.UTF_8))
                .as("the failed scan is reported")
                .contains("scan of " + inbox + " failed");
        assertThat(inbox.resolve("done/monday.jsonl")).exists();
    }

    @Test
    void symlinksAndDirectoriesInTheInboxAreSkippedAndSaidOnce() throws Exception {
        Path outside = Files.writeString(workDir.resolve("elsewhere.jsonl"), "{}\n");
        Path link = inbox.resolve("linked.jsonl");
        try {
            Files.createSymbolicLink(link, outside);
        } catch (UnsupportedOperationException | IOException e) {
            assumeTrue(false, "this file system cannot make symbolic links: " + e);
        }
        Files.createDirectories(inbox.resolve("nested"));
        nothingBetweenScans();
        nothingBetweenScans();
        nothingBetweenScans();

        ExitCode exitCode = watch();

        assertThat(exitCode).isEqualTo(ExitCode.OK);
        verify(runner, never()).migrate(any(), any());
        assertThat(outside).as("the file the link points at stays where it is").exists();
        assertThat(Files.isSymbolicLink(link)).as("the link stays in the inbox").isTrue();
        assertThat(inbox.resolve("done")).isEmptyDirectory();
        String said = out.toString(StandardCharsets.UTF_8) + err.toString(StandardCharsets.UTF_8);
        assertThat(occurrences(said, "linked.jsonl skipped"))
                .as("said once, whatever the number of scans:\n" + said)
                .isEqualTo(1);
        assertThat(said).contains("linked.jsonl skipped: a symbolic link");
        assertThat(occurrences(said, "nested skipped")).as(said).isEqualTo(1);
        assertThat(said).doesNotContain("done skipped").doesNotContain("failed skipped");
    }

    private ExitCode watch() throws Exception {
        WatchCommand watcher =
                new WatchCommand(
                        new Console(
                                new PrintStream(out, true, StandardCharsets.UTF_8),
                                new PrintStream(err, true, StandardCharsets.UTF_8)),
                        runner,
                        runConsole,
                        shutdown,
                        Clock.fixed(Instant.EPOCH, ZoneOffset.UTC),
                        new Launcher("migrator"));
        return watcher.watch(
                new Invocation(
                        Invocation.Command.WATCH,
                        List.of(),
                        null,
                        null,
                        null,
                        null,
                        false,
                        false,
                        null,
                        inbox,
                        Duration.ofMinutes(1),
                        null,
                        List.of("watch", "--inbox", inbox.toString())));
    }

    private void nothingBetweenScans() {
        betweenScans.add(() -> null);
    }

    /** An export in the inbox, modified at {@code second} so that the scans take them in order. */
    private Path export(String name, long second) throws IOException {
        Path file = Files.writeString(inbox.resolve(name), "{}\n");
        Files.setLastModifiedTime(file, FileTime.fromMillis(second * 1000));
        return file;
    }

    private static int occurrences(String text, String part) {
        int count = 0;
        for (int at = text.indexOf(part); at >= 0; at = text.indexOf(part, at + 1)) {
            count++;
        }
        return count;
    }
}
