package dev.migrator.cli;

import dev.migrator.intercom.AccessDeniedException;
import dev.migrator.intercom.IntercomUnavailableException;
import dev.migrator.job.GracefulShutdown;
import dev.migrator.job.MigrationProperties;
import dev.migrator.job.MigrationRunner;
import dev.migrator.job.Preflight.PreflightException;
import dev.migrator.source.UnusableInputException;
import dev.migrator.support.Throwables;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.ExitCodeGenerator;

/**
 * Runs the command of the invocation once the application is up, and turns every outcome into an
 * exit code.
 */
public class CommandRunner implements ApplicationRunner, ExitCodeGenerator {

    private static final Logger log = LoggerFactory.getLogger(CommandRunner.class);

    private final Invocation invocation;
    private final Console console;
    private final MigrateCommand migrateCommand;
    private final StatusCommand statusCommand;
    private final VerifyCommand verifyCommand;
    private final WatchCommand watchCommand;
    private final UndoCommand undoCommand;
    private final MigrationProperties migration;
    private final GracefulShutdown gracefulShutdown;
    private final Launcher launcher;
    private ExitCode exitCode = ExitCode.FAILED;

    public CommandRunner(
            Invocation invocation,
            Console console,
            MigrateCommand migrateCommand,
            StatusCommand statusCommand,
            VerifyCommand verifyCommand,
            WatchCommand watchCommand,
            UndoCommand undoCommand,
            MigrationProperties migration,
            GracefulShutdown gracefulShutdown,
            Launcher launcher) {
        this.invocation = invocation;
        this.console = console;
        this.migrateCommand = migrateCommand;
        this.statusCommand = statusCommand;
        this.verifyCommand = verifyCommand;
        this.watchCommand = watchCommand;
        this.undoCommand = undoCommand;
        this.migration = migration;
        this.gracefulShutdown = gracefulShutdown;
        this.launcher = launcher;
    }

    @Override
    public void run(ApplicationArguments arguments) {
        gracefulShutdown.arm();
        try {
            exitCode =
                    switch (invocation.command()) {
                        case MIGRATE ->
                                migrateCommand.migrate(
                                        new MigrationRunner.Request(
                                                invocation.inputs(),
                                                invocation.format(),
                                                invocation.users(),
                                                invocation.dryRun(),
                                                invocation.adoptExisting(),
                                                resumeCommand()));
                        case RESUME -> migrateCommand.resume(resumeCommand());
                        case STATUS -> statusCommand.status();
                        case REPORT -> statusCommand.report(invocation.html());
                        case VERIFY -> verifyCommand.verify();
                        case WATCH -> watchCommand.watch(invocation);
                        case UNDO -> undoCommand.undo(invocation);
                    };
        } catch (UsageException
                | UnusableInputException
                | PreflightException
                | AccessDeniedException e) {
            console.problem("error: " + e.getMessage());
            exitCode = ExitCode.UNUSABLE;
        } catch (IntercomUnavailableException e) {
            console.problem("error: " + e.getMessage());
            console.problem("Nothing committed is lost. To resume, run the same command again:");
            console.problem("  " + resumeCommand());
            exitCode = ExitCode.FAILED;
        } catch (Exception e) {
            log.error("The command failed", e);
            console.problem(
                    "error: "
                            + Throwables.rootMessage(e)
                            + " (details in "
                            + migration.stateDir().resolve("migrator.log")
                            + ")");
            exitCode = ExitCode.FAILED;
        } finally {
            gracefulShutdown.commandFinished(exitCode.code());
        }
    }

    /** The command line that repeats this one, for "run this to resume" messages. */
    private String resumeCommand() {
        return launcher.commandLine(invocation.arguments());
    }

    @Override
    public int getExitCode() {
        return exitCode.code();
    }
}
