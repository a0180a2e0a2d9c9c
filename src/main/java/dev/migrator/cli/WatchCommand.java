package dev.migrator.cli;

import dev.migrator.intercom.IntercomUnavailableException;
import dev.migrator.job.GracefulShutdown;
import dev.migrator.job.MigrationRunner;
import dev.migrator.job.Preflight.PreflightException;
import dev.migrator.source.UnusableInputException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
     * A file's size, modification time and identity (its link not followed): unchanged between two
     * scans means its writer has finished.
     */
    private record Snapshot(long size, FileTime modified, Object fileKey) {
        static Snapshot of(BasicFileAttributes attributes) {
            return new Snapshot(
                    attributes.size(), attributes.lastModifiedTime(), attributes.fileKey());
        }
    }

    /**
     * What the watcher remembers from one scan to the next: the exports it saw, and the entries it
     * has said it skips (so that it says so once).
     */
    static final class Scans {
        private Map<Path, Snapshot> previous = new HashMap<>();
        private final Map<Path, String> skipped = new HashMap<>();
    }

    public ExitCode watch(Invocation invocation) throws Exception {
        Path inbox = invocation.inbox();
        Files.createDirectories(inbox.resolve("done"));
        Files.createDirectories(inbox.resolve("failed"));
        console.say(
                "Watching "
                        + inbox
                        + " every "
                        + invocation.every().toSeconds()
                        + " s: each new export is migrated "
                        + "once, then moved to done/ or failed/. Ctrl-C or SIGTERM stops.");
        Scans scans = new Scans();
        while (true) {
            Optional<ExitCode> stopped = scan(invocation, scans);
            if (stopped.isPresent()) {
                return stopped.get();
            }
            if (shutdown.awaitSignal(invocation.every())) {
                console.say("Stopped watching " + inbox + ".");
                return ExitCode.OK;
            }
        }
    }

    /**
     * One scan of the inbox: migrates each export unchanged since the previous scan. A scan that
     * cannot read the inbox, or a file that vanishes or cannot be read, is reported and the watch
     * goes on; only a signal during a run ends it, with that run's exit code.
     */
    Optional<ExitCode> scan(Invocation invocation, Scans scans) throws Exception {
        Path inbox = invocation.inbox();
        Map<Path, Snapshot> scan = new HashMap<>();
        try {
            Path done = inbox.resolve("done");
            Path failed = inbox.resolve("failed");
            for (Path file : exports(inbox, scans.skipped)) {
                try {
                    BasicFileAttributes attributes = regularFile(file);
                    if (attributes == null) {
                        continue; // replaced by a link or a directory since the listing: said next
                        // scan
                    }
                    Snapshot now = Snapshot.of(attributes);
                    scan.put(file, now);
                    if (!now.equals(scans.previous.get(file))) {
                        continue; // new, or still being written: taken at the next scan if it
                        // stays the same
                    }
                    ExitCode exitCode = migrate(file, invocation, done, failed);
                    scan.remove(file);
                    if (shutdown.signalled()) {
                        return Optional.of(
                                exitCode == ExitCode.FAILED ? ExitCode.FAILED : ExitCode.OK);
                    }
                } catch (IOException | UncheckedIOException e) {
                    scan.remove(file);
                    console.problem(
                            "Inbox: "
                                    + file.getFileName()
                                    + " could not be taken ("
                                    + describe(e)
                                    + "); it is tried again at the next scan if it is still"
                                    + " there.");
                }
            }
        } catch (IOException | UncheckedIOException e) {
            console.problem(
                    "Inbox: the scan of "
                            + inbox
                            + " failed ("
                            + describe(e)
                            + "); the next scan tries again.");
        }
        scans.previous = scan;
        return Optional.empty();
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
                        watch.adoptExisting(),
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
     * The regular files of the inbox in the order they arrived; hidden and partial ({@code .tmp},
     * {@code .part}) ones are left alone, and anything else that is not a regular file (a symbolic
     * link, a directory other than done/ and failed/, a device) is skipped and said once in {@code
     * skipped}.
     */
    private List<Path> exports(Path inbox, Map<Path, String> skipped) throws IOException {
        List<Path> exports = new ArrayList<>();
        Map<Path, String> skippedNow = new HashMap<>();
        try (Stream<Path> files = Files.list(inbox)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                String name = file.getFileName().toString();
                if (name.startsWith(".")
                        || name.endsWith(".tmp")
                        || name.endsWith(".part")
                        || name.equals("done")
                        || name.equals("failed")) {
                    continue;
                }
                BasicFileAttributes attributes;
                try {
                    attributes =
                            Files.readAttributes(
                                    file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                } catch (NoSuchFileException e) {
                    continue; // gone since the listing
                }
                String why = whyNotAnExport(attributes);
                if (why == null) {
                    exports.add(file);
                } else {
                    skippedNow.put(file, why);
                    if (!why.equals(skipped.get(file))) {
                        console.problem("Inbox: " + name + " skipped: " + why + ".");
                    }
                }
            }
        }
        skipped.clear();
        skipped.putAll(skippedNow);
        exports.sort(
                Comparator.comparing(
                                (Path file) -> {
                                    try {
                                        return Files.getLastModifiedTime(
                                                file, LinkOption.NOFOLLOW_LINKS);
                                    } catch (IOException e) {
                                        return FileTime.fromMillis(Long.MAX_VALUE);
                                    }
                                })
                        .thenComparing(Path::getFileName));
        return exports;
    }

    /** Why an entry of the inbox is not an export the watcher takes; null if it is one. */
    private static String whyNotAnExport(BasicFileAttributes attributes) {
        if (attributes.isSymbolicLink()) {
            return "a symbolic link (only regular files in the inbox are migrated)";
        }
        if (attributes.isDirectory()) {
            return "a directory (only regular files in the inbox are migrated)";
        }
        if (!attributes.isRegularFile()) {
            return "not a regular file (only regular files in the inbox are migrated)";
        }
        return null;
    }

    /** The file's attributes, its link not followed, if it is still a regular file; else null. */
    private static BasicFileAttributes regularFile(Path file) throws IOException {
        BasicFileAttributes attributes =
                Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        return attributes.isRegularFile() ? attributes : null;
    }

    private static String describe(Exception e) {
        Throwable cause = e instanceof UncheckedIOException ? e.getCause() : e;
        return cause.getClass().getSimpleName() + ": " + cause.getMessage();
    }

    /**
     * Moves a file into {@code directory}, under a time-stamped name when one of its name is
     * already there.
     */
    private Path moveInto(Path directory, Path file) throws IOException {
        Files.createDirectories(directory); // again, if it was taken away since the watch began
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
        if (watch.adoptExisting()) {
            arguments.add("--adopt-existing");
        }
        return arguments;
    }
}
