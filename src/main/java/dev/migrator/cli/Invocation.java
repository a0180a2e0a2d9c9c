package dev.migrator.cli;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * What the user asked for on the command line, parsed and checked: {@code html} is {@code report
 * --html}'s file, {@code inbox} and {@code every} are {@code watch}'s, {@code adoptExisting} is
 * {@code --adopt-existing} of {@code migrate} and {@code watch}.
 */
public record Invocation(
        Command command,
        List<Path> inputs,
        String format,
        Path users,
        Path config,
        Path stateDir,
        boolean dryRun,
        boolean adoptExisting,
        Path html,
        Path inbox,
        Duration every,
        UndoOptions undo,
        List<String> arguments) {

    /**
     * {@code undo}'s options: {@code --run N} or {@code --all} (neither: the latest run into the
     * token's workspace) and {@code --yes}; {@code --dry-run} is {@link #dryRun()}.
     */
    public record UndoOptions(Long run, boolean all, boolean yes) {}

    public enum Command {
        MIGRATE,
        STATUS,
        RESUME,
        REPORT,
        VERIFY,
        WATCH,
        UNDO
    }
}
