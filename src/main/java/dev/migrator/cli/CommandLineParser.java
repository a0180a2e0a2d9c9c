package dev.migrator.cli;

import dev.migrator.cli.Invocation.Command;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.springframework.boot.convert.DurationStyle;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

/** Parses the command line of the README's contract with picocli, before Spring starts. */
public final class CommandLineParser {

    public static final String USAGE = """
            Usage:
              java -jar conversation-migrator.jar migrate --input FILE [--input FILE...] [--format F] [--users FILE]
                                                          [--config FILE] [--state-dir DIR] [--dry-run]
              java -jar conversation-migrator.jar status|resume|report|verify [--config FILE] [--state-dir DIR]
              java -jar conversation-migrator.jar report --html FILE [--config FILE] [--state-dir DIR]
              java -jar conversation-migrator.jar watch --inbox DIR [--every DURATION] [--format F] [--users FILE]
                                                        [--config FILE] [--state-dir DIR] [--dry-run]
            Formats: conversations (JSON array or JSON Lines), conversations-csv, csv (through the mapping section
            of the configuration), zendesk (with --users), freshdesk (--users optional), helpscout, front.
            Omit --format to detect it.
            The Intercom token comes from the environment variable INTERCOM_ACCESS_TOKEN.""";

    private CommandLineParser() {
    }

    static class CommonOptions {
        @Option(names = "--config", paramLabel = "FILE")
        Path config;

        @Option(names = "--state-dir", paramLabel = "DIR")
        Path stateDir;
    }

    @CommandLine.Command(name = "migrate")
    static class MigrateOptions extends CommonOptions {
        @Option(names = "--input", paramLabel = "FILE", required = true)
        List<Path> inputs = new ArrayList<>();

        @Option(names = "--format", paramLabel = "F")
        String format;

        @Option(names = "--users", paramLabel = "FILE")
        Path users;

        @Option(names = "--dry-run")
        boolean dryRun;
    }

    @CommandLine.Command(name = "watch")
    static class WatchOptions extends CommonOptions {
        @Option(names = "--inbox", paramLabel = "DIR", required = true)
        Path inbox;

        @Option(names = "--every", paramLabel = "DURATION", defaultValue = "1m")
        String every;

        @Option(names = "--format", paramLabel = "F")
        String format;

        @Option(names = "--users", paramLabel = "FILE")
        Path users;

        @Option(names = "--dry-run")
        boolean dryRun;
    }

    @CommandLine.Command(name = "status")
    static class StatusOptions extends CommonOptions {
    }

    @CommandLine.Command(name = "resume")
    static class ResumeOptions extends CommonOptions {
    }

    @CommandLine.Command(name = "report")
    static class ReportOptions extends CommonOptions {
        @Option(names = "--html", paramLabel = "FILE")
        Path html;
    }

    @CommandLine.Command(name = "verify")
    static class VerifyOptions extends CommonOptions {
    }

    @CommandLine.Command(name = "conversation-migrator")
    static class TopLevel {
    }

    /** Returns {@code null} when only help was asked for. */
    public static Invocation parse(String[] args) {
        if (args.length == 0) {
            throw new UsageException("no command given: use migrate, status, resume, report, verify or watch");
        }
        if (List.of("-h", "--help", "help").contains(args[0])) {
            return null;
        }
        CommandLine commandLine = new CommandLine(new TopLevel())
                .addSubcommand(new MigrateOptions())
                .addSubcommand(new StatusOptions())
                .addSubcommand(new ResumeOptions())
                .addSubcommand(new ReportOptions())
                .addSubcommand(new VerifyOptions())
                .addSubcommand(new WatchOptions());
        ParseResult result;
        try {
            result = commandLine.parseArgs(args);
        } catch (ParameterException e) {
            throw new UsageException(e.getMessage());
        }
        if (!result.hasSubcommand()) {
            throw new UsageException("no command given: use migrate, status, resume, report, verify or watch");
        }
        CommandSpec spec = result.subcommand().commandSpec();
        CommonOptions options = (CommonOptions) spec.userObject();
        Command command = Command.valueOf(spec.name().toUpperCase(Locale.ROOT));
        requireFile(options.config, "--config");
        if (options instanceof MigrateOptions migrate) {
            for (Path input : migrate.inputs) {
                requireFile(input, "--input");
            }
            requireFile(migrate.users, "--users");
            return new Invocation(command, List.copyOf(migrate.inputs), migrate.format, migrate.users, options.config,
                    options.stateDir, migrate.dryRun, null, null, null, List.of(args));
        }
        if (options instanceof WatchOptions watch) {
            if (!Files.isDirectory(watch.inbox)) {
                throw new UsageException("--inbox " + watch.inbox + ": no such directory");
            }
            requireFile(watch.users, "--users");
            return new Invocation(command, List.of(), watch.format, watch.users, options.config, options.stateDir,
                    watch.dryRun, null, watch.inbox, every(watch.every), List.of(args));
        }
        Path html = options instanceof ReportOptions report ? report.html : null;
        return new Invocation(command, List.of(), null, null, options.config, options.stateDir, false, html, null, null,
                List.of(args));
    }

    /** {@code 30s}, {@code 5m}, {@code 1h} or ISO-8601 ({@code PT5M}); at least a second. */
    private static Duration every(String text) {
        Duration every;
        try {
            every = DurationStyle.detectAndParse(text);
        } catch (IllegalArgumentException e) {
            throw new UsageException("--every " + text + " is not a duration (30s, 5m, 1h)");
        }
        if (every.toMillis() < 1000) {
            throw new UsageException("--every " + text + " is shorter than a second");
        }
        return every;
    }

    private static void requireFile(Path path, String option) {
        if (path == null) {
            return;
        }
        if (!Files.exists(path)) {
            throw new UsageException(option + " " + path + ": no such file");
        }
        if (!Files.isRegularFile(path) || !Files.isReadable(path)) {
            throw new UsageException(option + " " + path + ": not a readable file");
        }
    }
}
