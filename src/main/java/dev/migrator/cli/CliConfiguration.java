package dev.migrator.cli;

import dev.migrator.config.CsvMappingProperties;
import dev.migrator.config.IntercomProperties;
import dev.migrator.config.MigrationProperties;
import dev.migrator.intercom.HttpTransport;
import dev.migrator.intercom.IntercomApi;
import dev.migrator.job.GracefulShutdown;
import dev.migrator.job.Preflight;
import dev.migrator.job.RunLeases;
import dev.migrator.job.RunProgress;
import dev.migrator.ledger.Ledger;
import dev.migrator.report.RunReport;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.launch.JobOperator;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import tools.jackson.databind.json.JsonMapper;

/** The commands; the invocation and console beans are registered by the application before it starts. */
@Configuration(proxyBeanMethods = false)
public class CliConfiguration {

    @Bean
    MigrateCommand migrateCommand(Console console, JobOperator jobOperator, JobRepository jobRepository,
                                  Job migrationJob, Preflight preflight, RunReport runReport, Ledger ledger,
                                  RunLeases runLeases, MigrationProperties migration, CsvMappingProperties csvMapping,
                                  ProgressDisplay progressDisplay, IntercomProperties intercom) {
        return new MigrateCommand(console, jobOperator, jobRepository, migrationJob, preflight, runReport, ledger,
                runLeases, migration, csvMapping, progressDisplay, intercom);
    }

    /** A live bar on a terminal; a line every 10 seconds in a log. */
    @Bean
    ProgressDisplay progressDisplay(Console console, RunProgress runProgress, HttpTransport httpTransport) {
        return new ProgressDisplay(console, runProgress, httpTransport, Duration.ofSeconds(10));
    }

    @Bean
    StatusCommand statusCommand(Console console, JobRepository jobRepository, RunReport runReport,
                                MigrationProperties migration) {
        return new StatusCommand(console, jobRepository, runReport, migration.stateDir().toAbsolutePath().normalize());
    }

    @Bean
    VerifyCommand verifyCommand(Console console, IntercomApi liveIntercomApi, Ledger ledger,
                                MigrationProperties migration, JsonMapper jsonMapper, ExecutorService migrationWorkers) {
        return new VerifyCommand(console, liveIntercomApi, ledger, migration, jsonMapper, migrationWorkers);
    }

    @Bean
    WatchCommand watchCommand(Console console, MigrateCommand migrateCommand, GracefulShutdown gracefulShutdown,
                              Clock clock) {
        return new WatchCommand(console, migrateCommand, gracefulShutdown, clock);
    }

    @Bean
    CommandRunner commandRunner(Invocation invocation, Console console, MigrateCommand migrateCommand,
                                StatusCommand statusCommand, VerifyCommand verifyCommand, WatchCommand watchCommand,
                                MigrationProperties migration, GracefulShutdown gracefulShutdown) {
        return new CommandRunner(invocation, console, migrateCommand, statusCommand, verifyCommand, watchCommand,
                migration, gracefulShutdown);
    }
}
