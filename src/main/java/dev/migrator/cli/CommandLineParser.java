package dev.migrator.cli;

import dev.migrator.cli.Invocation.Command;
import dev.migrator.source.input.InputFormat;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine;
import picocli.CommandLine.HelpCommand;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.TypeConversionException;

/**
 * The command line of the README's contract, in picocli's annotation model: a command per
 * subcommand, the options they share as mixins. Parsed before Spring starts, into the {@link
 * Invocation} the commands receive.
 */
public final class CommandLineParser {

    private static final String NO_COMMAND =
            "no command given: use migrate, status, resume, report, verify, watch or undo";

    private CommandLineParser() {}

    /**
     * The invocation {@code args} ask for, checked; empty when they ask for help or the version,
     * which is then printed on {@code out}.
     *
     * @throws UsageException when the arguments are unusable: the message says which and why
     */
    public static Optional<Invocation> parse(String[] args, PrintStream out) {
        CommandLine commandLine = commandLine(out);
        try {
            ParseResult parsed = commandLine.parseArgs(args);
            if (CommandLine.executeHelpRequest(parsed) != null) {
                return Optional.empty();
            }
            if (!parsed.hasSubcommand()) {
                throw new UsageException(NO_COMMAND);
            }
            Subcommand subcommand = (Subcommand) parsed.subcommand().commandSpec().userObject();
            return Optional.of(subcommand.invocation(List.of(args)));
        } catch (ParameterException e) {
            // A converter's message names the option and the value already; picocli's prefix would
            // repeat them.
            throw new UsageException(
                    e.getCause() instanceof TypeConversionException
                            ? e.getCause().getMessage()
                            : e.getMessage());
        }
    }

    private static CommandLine commandLine(PrintStream out) {
        CommandLine commandLine = new CommandLine(new TopLevel());
        commandLine.setOut(new PrintWriter(out, true));
        Map<String, String> exitCodes = new LinkedHashMap<>();
        for (ExitCode exitCode : ExitCode.values()) {
            exitCodes.put(Integer.toString(exitCode.code()), exitCode.summary());
        }
        commandLine
                .getCommandSpec()
                .usageMessage()
                .exitCodeListHeading("%nExit codes:%n")
                .exitCodeList(exitCodes);
        return commandLine;
    }

    @CommandLine.Command(
            name = "conversation-migrator",
            mixinStandardHelpOptions = true,
            versionProvider = VersionProvider.class,
            synopsisSubcommandLabel = "COMMAND",
            subcommands = {
                Migrate.class,
                Status.class,
                Resume.class,
                Report.class,
                Verify.class,
                Watch.class,
                Undo.class,
                HelpCommand.class
            },
            description =
                    "Moves a helpdesk's conversation history into Intercom. A run that fails or is"
                        + " stopped resumes where it stopped; the same command on a finished input"
                        + " sends nothing.",
            footerHeading = "%n",
            footer = {
                "The Intercom token comes from the environment variable INTERCOM_ACCESS_TOKEN.",
                "Run COMMAND --help for its options."
            })
    static final class TopLevel {}

    /** What every command has: where the configuration and the state are. */
    static final class ConfigurationOptions {
        @Option(
                names = "--config",
                paramLabel = "FILE",
                description =
                        "A configuration file, over ./migration-config.yml (the environment and the"
                                + " options win over it).")
        Path config;

        @Option(
                names = "--state-dir",
                paramLabel = "DIR",
                description =
                        "The directory of the job repository, log and run outputs (default"
                                + " .migrator, or migration.state-dir of the configuration).")
        Path stateDir;
    }

    /** What migrate and watch share: how the exports are read, and whether anything is sent. */
    static final class RunOptions {
        @Option(
                names = "--format",
                paramLabel = "F",
                completionCandidates = FormatNames.class,
                description =
                        "The format of the exports: ${COMPLETION-CANDIDATES}. Detected from each"
                                + " file's content when omitted.")
        String format;

        @Option(
                names = "--users",
                paramLabel = "FILE",
                description =
                        "The people file of a zendesk export (required) or a freshdesk one"
                                + " (optional).")
        Path users;

        @Option(
                names = "--dry-run",
                description =
                        "Send nothing and need no token: the requests are written to the run's"
                                + " requests.jsonl.")
        boolean dryRun;

        @Option(
                names = "--adopt-existing",
                description =
                        "Look every conversation the ledger does not know up in Intercom before"
                                + " creating it, and adopt the one already there (after a lost or"
                                + " new state directory).")
        boolean adoptExisting;
    }

    /** The names {@code --format} takes, for its description. */
    static final class FormatNames implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            return Arrays.stream(InputFormat.values()).map(InputFormat::cliName).iterator();
        }
    }

    /** A command the migrator runs once Spring is up, as opposed to help. */
    abstract static class Subcommand {
        @Mixin ConfigurationOptions configuration;

        /** The invocation, its files checked; {@code arguments} repeat it in "to resume" lines. */
        abstract Invocation invocation(List<String> arguments);

        /**
         * The invocation of a command that reads no export: {@code report --html}'s file is its
         * only other option.
         */
        Invocation configurationOnly(Command command, Path html, List<String> arguments) {
            requireFile(configuration.config, "--config");
            return new Invocation(
                    command,
                    List.of(),
                    null,
                    null,
                    configuration.config,
                    configuration.stateDir,
                    false,
                    false,
                    html,
                    null,
                    null,
                    null,
                    arguments);
        }
    }

    @CommandLine.Command(
            name = "migrate",
            mixinStandardHelpOptions = true,
            versionProvider = VersionProvider.class,
            description =
                    "Migrates the exports, in the order given. Run again after a failure or a stop,"
                            + " it resumes; on a finished input, it sends nothing.")
    static final class Migrate extends Subcommand {
        @Option(
                names = "--input",
                paramLabel = "FILE",
                required = true,
                description = "An export to migrate; repeat it for several.")
        List<Path> inputs;

        @Mixin RunOptions run;

        @Override
        Invocation invocation(List<String> arguments) {
            requireFile(configuration.config, "--config");
            for (Path input : inputs) {
                requireFile(input, "--input");
            }
            requireFile(run.users, "--users");
            return new Invocation(
                    Command.MIGRATE,
                    List.copyOf(inputs),
                    run.format,
                    run.users,
                    configuration.config,
                    configuration.stateDir,
                    run.dryRun,
                    run.adoptExisting,
                    null,
                    null,
                    null,
                    null,
                    arguments);
        }
    }

    @CommandLine.Command(
            name = "status",
            mixinStandardHelpOptions = true,
            versionProvider = VersionProvider.class,
            description =
                    "Lists the runs with their inputs, state and counts; for an unfinished run, its"
                            + " last error and the command that resumes it.")
    static final class Status extends Subcommand {
        @Override
        Invocation invocation(List<String> arguments) {
            return configurationOnly(Command.STATUS, null, arguments);
        }
    }

    @CommandLine.Command(
            name = "resume",
            mixinStandardHelpOptions = true,
            versionProvider = VersionProvider.class,
            description =
                    "Continues the latest unfinished run with the inputs it was started with"
                            + " (refused if a file changed since).")
    static final class Resume extends Subcommand {
        @Override
        Invocation invocation(List<String> arguments) {
            return configurationOnly(Command.RESUME, null, arguments);
        }
    }

    @CommandLine.Command(
            name = "report",
            mixinStandardHelpOptions = true,
            versionProvider = VersionProvider.class,
            description =
                    "Writes the latest run's summary.json, rejects.jsonl, attachments-failed.jsonl"
                            + " and report.html again and prints where they are.")
    static final class Report extends Subcommand {
        @Option(
                names = "--html",
                paramLabel = "FILE",
                description = "Also write the HTML report to this file.")
        Path html;

        @Override
        Invocation invocation(List<String> arguments) {
            return configurationOnly(Command.REPORT, html, arguments);
        }
    }

    @CommandLine.Command(
            name = "verify",
            mixinStandardHelpOptions = true,
            versionProvider = VersionProvider.class,
            description =
                    "Checks every conversation the ledger says was created in the token's workspace"
                            + " against Intercom; each difference goes to verify.jsonl (exit code 3"
                            + " when there is one).")
    static final class Verify extends Subcommand {
        @Override
        Invocation invocation(List<String> arguments) {
            return configurationOnly(Command.VERIFY, null, arguments);
        }
    }

    @CommandLine.Command(
            name = "watch",
            mixinStandardHelpOptions = true,
            versionProvider = VersionProvider.class,
            description =
                    "Scheduled imports: each export that appears in the inbox is migrated once, as"
                            + " migrate would, then moved to done/ or failed/. SIGTERM or Ctrl-C"
                            + " stops.")
    static final class Watch extends Subcommand {
        @Option(
                names = "--inbox",
                paramLabel = "DIR",
                required = true,
                description = "The directory exports are dropped into.")
        Path inbox;

        @Option(
                names = "--every",
                paramLabel = "DURATION",
                defaultValue = "1m",
                converter = ScanIntervalConverter.class,
                description =
                        "How often the inbox is scanned: 30s, 5m, 1h or ISO-8601 (PT5M); at least a"
                                + " second. Default: ${DEFAULT-VALUE}.")
        Duration every;

        @Mixin RunOptions run;

        @Override
        Invocation invocation(List<String> arguments) {
            requireFile(configuration.config, "--config");
            if (!Files.isDirectory(inbox)) {
                throw new UsageException("--inbox " + inbox + ": no such directory");
            }
            requireFile(run.users, "--users");
            return new Invocation(
                    Command.WATCH,
                    List.of(),
                    run.format,
                    run.users,
                    configuration.config,
                    configuration.stateDir,
                    run.dryRun,
                    run.adoptExisting,
                    null,
                    inbox,
                    every,
                    null,
                    arguments);
        }
    }

    @CommandLine.Command(
            name = "undo",
            mixinStandardHelpOptions = true,
            versionProvider = VersionProvider.class,
            description =
                    "Deletes from the token's workspace what the migrator created in a run"
                        + " (default: the latest run into it): its conversations, then the contacts"
                        + " it created that hold no other conversation, then the companies it"
                        + " created that hold no contact. Never anything it did not create. Asks on"
                        + " a terminal; run again after a stop, it finishes.")
    static final class Undo extends Subcommand {
        @CommandLine.ArgGroup(exclusive = true)
        Runs runs;

        static final class Runs {
            @Option(
                    names = "--run",
                    paramLabel = "N",
                    description = "The run to undo, as status numbers it.")
            Long run;

            @Option(names = "--all", description = "Every run into the token's workspace.")
            boolean all;
        }

        @Option(
                names = "--dry-run",
                description =
                        "Delete nothing: count what would be deleted, and list it in the state"
                                + " directory's undo-plan.jsonl.")
        boolean dryRun;

        @Option(
                names = "--yes",
                description = "Delete without asking (needed when there is no terminal to ask on).")
        boolean yes;

        @Override
        Invocation invocation(List<String> arguments) {
            requireFile(configuration.config, "--config");
            return new Invocation(
                    Command.UNDO,
                    List.of(),
                    null,
                    null,
                    configuration.config,
                    configuration.stateDir,
                    dryRun,
                    false,
                    null,
                    null,
                    null,
                    new Invocation.UndoOptions(
                            runs == null ? null : runs.run, runs != null && runs.all, yes),
                    arguments);
        }
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
