package dev.migrator.cli;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * What the user asked for on the command line, parsed and checked: {@code html} is {@code report
 * --html}'s file, {@code inbox} and {@code every} are {@code watch}'s.
 */
public record Invocation(Command command, List<Path> inputs, String format, Path users, Path config, Path stateDir,
                         boolean dryRun, Path html, Path inbox, Duration every, List<String> arguments) {

    public enum Command { MIGRATE, STATUS, RESUME, REPORT, VERIFY, WATCH }

    /** The command that repeats this one, for "run this to resume" messages. */
    public String commandLine() {
        StringBuilder line = new StringBuilder("java -jar target/conversation-migrator.jar");
        for (String argument : arguments) {
            line.append(' ').append(argument.matches("[A-Za-z0-9_./:=@+-]+") ? argument : "'" + argument.replace("'", "'\\''") + "'");
        }
        return line.toString();
    }
}
