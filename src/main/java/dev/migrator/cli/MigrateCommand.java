package dev.migrator.cli;

import dev.migrator.job.MigrationRunner;

/**
 * {@code migrate} and {@code resume}: one run of the migration job, started or resumed, shown on
 * the console.
 */
public class MigrateCommand {

    private final MigrationRunner runner;
    private final RunConsole console;

    public MigrateCommand(MigrationRunner runner, RunConsole console) {
        this.runner = runner;
        this.console = console;
    }

    public ExitCode migrate(MigrationRunner.Request request) throws Exception {
        return console.exitCode(runner.migrate(request, console), request.resumeCommand());
    }

    public ExitCode resume(String resumeCommand) throws Exception {
        return console.exitCode(runner.resume(resumeCommand, console), resumeCommand);
    }
}
