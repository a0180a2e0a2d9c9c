package dev.migrator.cli;

import dev.migrator.intercom.HttpTransport;
import dev.migrator.intercom.IntercomApi;
import dev.migrator.intercom.IntercomProperties;
import dev.migrator.job.GracefulShutdown;
import dev.migrator.job.MigrationProperties;
import dev.migrator.job.MigrationRunner;
import dev.migrator.job.RunProgress;
import dev.migrator.ledger.Ledger;
import dev.migrator.report.RunReport;
import dev.migrator.undo.Undo;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import tools.jackson.databind.json.JsonMapper;

/**
 * The commands; the invocation, console and launcher beans are registered by the application before
 * it starts.
 */
@Configuration(proxyBeanMethods = false)
public class CliConfiguration {

    @Bean
    RunConsole runConsole(
            Console console,
            RunReport runReport,
            MigrationProperties migration,
            IntercomProperties intercom,
            ProgressDisplay progressDisplay) {
        return new RunConsole(console, runReport, migration, intercom, progressDisplay);
    }

    @Bean
    MigrateCommand migrateCommand(MigrationRunner migrationRunner, RunConsole runConsole) {
        return new MigrateCommand(migrationRunner, runConsole);
    }

    /** A live bar on a terminal; a line every 10 seconds in a log. */
    @Bean
    ProgressDisplay progressDisplay(
            Console console, RunProgress runProgress, HttpTransport httpTransport) {
        return new ProgressDisplay(console, runProgress, httpTransport, Duration.ofSeconds(10));
    }

    @Bean
    StatusCommand statusCommand(
            Console console,
            JobRepository jobRepository,
            RunReport runReport,
            MigrationProperties migration,
            Launcher launcher) {
        return new StatusCommand(
                console,
                jobRepository,
                runReport,
                migration.stateDir().toAbsolutePath().normalize(),
                launcher);
    }

    @Bean
    VerifyCommand verifyCommand(
            Console console,
            IntercomApi liveIntercomApi,
            Ledger ledger,
            MigrationProperties migration,
            JsonMapper jsonMapper,
            ExecutorService migrationWorkers) {
        return new VerifyCommand(
                console, liveIntercomApi, ledger, migration, jsonMapper, migrationWorkers);
    }

    @Bean
    WatchCommand watchCommand(
            Console console,
            MigrationRunner migrationRunner,
            RunConsole runConsole,
            GracefulShutdown gracefulShutdown,
            Clock clock,
            Launcher launcher) {
        return new WatchCommand(
                console, migrationRunner, runConsole, gracefulShutdown, clock, launcher);
    }

    /** Asks on the process's terminal, if it has one. */
    @Bean
    UndoCommand undoCommand(Console console, Undo undo) {
        return new UndoCommand(console, undo, UndoCommand.Terminal.ofProcess());
    }

    @Bean
    CommandRunner commandRunner(
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
        return new CommandRunner(
                invocation,
                console,
                migrateCommand,
                statusCommand,
                verifyCommand,
                watchCommand,
                undoCommand,
                migration,
                gracefulShutdown,
                launcher);
    }
}
