package dev.migrator.cli;

import dev.migrator.intercom.IntercomUnavailableException;
import dev.migrator.job.GracefulShutdown;
import dev.migrator.job.MigrationRunner;
import dev.migrator.job.Preflight.PreflightException;
import dev.migrator.source.UnusableInputException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * {@code watch}: scheduled imports. Every {@code --every}, each export that has appeared in the
 * inbox is migrated once, as {@code migrate --input FILE} would, then moved to {@code done/}
 * (migrated, with or without rejects) or {@code failed/} (unusable, with the reason beside it).
 * Overlapping exports send only what is new, as any later export does. A run that fails (Intercom
 * down, say) leaves its file in the inbox: the next scan resumes it.
 */
public class WatchCommand {

    private final Console console;
    private final MigrationRunner runner;
    private final RunConsole runConsole;
    private final GracefulShutdown shutdown;
    private final Clock clock;
    private final Launcher launcher;

    public WatchCommand(
            Console console,
            MigrationRunner runner,
            RunConsole runConsole,
            GracefulShutdown shutdown,
            Clock clock,
            Launcher launcher) {
        this.console = console;
        this.runner = runner;
        this.runConsole = runConsole;
        this.shutdown = shutdown;
        this.clock = clock;
        this.launcher = launcher;
    }

    /**
     * A file's size and modification time: unchanged between two scans means its writer has
     * finished.
     */
    private record Snapshot(long size, FileTime modified) {
        static Snapshot of(Path file) throws IOException {
            return new Snapshot(Files.size(file), Files.getLastModifiedTime(file));
        }
    }

    public ExitCode watch(Invocation invocation) throws Exception {
        Path inbox = invocation.inbox();
        Path done = Files.createDirectories(inbox.resolve("done"));
        Path failed = Files.createDirectories(inbox.resolve("failed"));
        console.say(
                "Watching "
                        + inbox
                        + " every "
                        + invocation.every().toSeconds()
                        + " s: each new export is migrated "
                        + "once, then moved to done/ or failed/. Ctrl-C or SIGTERM stops.");
        Map<Path, Snapshot> previousScan = new HashMap<>();
        while (true) {
            Map<Path, Snapshot> scan = new HashMap<>();
            for (Path file : exports(inbox)) {
                Snapshot now = Snapshot.of(file);
                scan.put(file, now);
                if (!now.equals(previousScan.get(file))) {
                    continue; // new, or still being written: taken at the next scan if it stays the
                    // same
                }
                ExitCode exitCode = migrate(file, invocation, done, failed);
                scan.remove(file);
                if (shutdown.signalled()) {
                    return exitCode == ExitCode.FAILED ? ExitCode.FAILED : ExitCode.OK;
                }
            }
            previousScan = scan;
            if (shutdown.awaitSignal(invocation.every())) {
                console.say("Stopped watching " + inbox + ".");
                return ExitCode.OK;
            }
        }
    }

    private ExitCode migrate(Path file, Invocation watch, Path done, Path failed) throws Exception {
        console.say("Inbox: " + file.getFileName() + " arrived.");
        String resumeCommand = launcher.commandLine(migrateArguments(file, watch));
        MigrationRunner.Request request =
                new MigrationRunner.Request(
                        List.of(file),
                        watch.format(),
                        watch.users(),
                        watch.dryRun(),
                        resumeCommand);
        ExitCode exitCode;
        try {
            exitCode = runConsole.exitCode(runner.migrate(request, runConsole), resumeCommand);
        } catch (UsageException | UnusableInputException | PreflightException e) {
            console.problem("error: " + file.getFileName() + ": " + e.getMessage());
            Path moved = moveInto(failed, file);
            Files.writeString(
                    moved.resolveSibling(moved.getFileName() + ".reason.txt"),
                    e.getMessage() + "\n",
                    StandardCharsets.UTF_8);
            console.say(
                    "Inbox: "
                            + file.getFileName()
                            + " moved to "
                            + moved
                            + " (the reason is beside it).");
            return ExitCode.UNUSABLE;
        } catch (IntercomUnavailableException e) {
            console.problem(
                    "error: "
                            + e.getMessage()
                            + "; "
                            + file.getFileName()
                            + " stays in the inbox for the next scan.");
            return ExitCode.FAILED;
        }
        if (exitCode == ExitCode.OK || exitCode == ExitCode.REJECTS) {
            console.say("Inbox: " + file.getFileName() + " moved to " + moveInto(done, file) + ".");
        } else {
            console.problem(
                    file.getFileName() + " stays in the inbox: the next scan resumes its run.");
        }
        return exitCode;
    }

    /**
     * The files of the inbox in the order they arrived; hidden and partial ({@code .tmp}, {@code
     * .part}) ones are skipped.
     */
    private static List<Path> exports(Path inbox) throws IOException {
        try (Stream<Path> files = Files.list(inbox)) {
            List<Path> exports =
                    new ArrayList<>(
                            files.filter(Files::isRegularFile)
                                    .filter(
                                            file -> {
                                                String name = file.getFileName().toString();
                                                return !name.startsWith(".")
                                                        && !name.endsWith(".tmp")
                                                        && !name.endsWith(".part");
                                            })
                                    .toList());
            exports.sort(
                    Comparator.comparing(
                                    (Path file) -> {
                                        try {
                                            return Files.getLastModifiedTime(file);
                                        } catch (IOException e) {
                                            return FileTime.fromMillis(Long.MAX_VALUE);
                                        }
                                    })
                            .thenComparing(Path::getFileName));
            return exports;
        }
    }

    /**
     * Moves a file into {@code directory}, under a time-stamped name when one of its name is
     * already there.
     */
    private Path moveInto(Path directory, Path file) throws IOException {
        Path target = directory.resolve(file.getFileName());
        if (Files.exists(target)) {
            target = directory.resolve(clock.millis() + "-" + file.getFileName());
        }
        return Files.move(file, target);
    }

    /**
     * The {@code migrate} command that does what the watcher does for one file, for "to resume"
     * messages.
     */
    private static List<String> migrateArguments(Path file, Invocation watch) {
        List<String> arguments = new ArrayList<>(List.of("migrate", "--input", file.toString()));
        if (watch.format() != null) {
            arguments.addAll(List.of("--format", watch.format()));
        }
        if (watch.users() != null) {
            arguments.addAll(List.of("--users", watch.users().toString()));
        }
        if (watch.config() != null) {
            arguments.addAll(List.of("--config", watch.config().toString()));
        }
        if (watch.stateDir() != null) {
            arguments.addAll(List.of("--state-dir", watch.stateDir().toString()));
        }
        if (watch.dryRun()) {
            arguments.add("--dry-run");
        }
        return arguments;
    }
}
