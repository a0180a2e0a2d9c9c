package dev.migrator.job;

import dev.migrator.config.CsvMappingProperties;
import dev.migrator.config.IntercomProperties;
import dev.migrator.config.MigrationProperties;
import dev.migrator.intercom.ConversationMigrator;
import dev.migrator.intercom.DryRunTransport;
import dev.migrator.intercom.HttpTransport;
import dev.migrator.intercom.IntercomApi;
import dev.migrator.intercom.IntercomTransport;
import dev.migrator.ledger.Ledger;
import dev.migrator.mapping.ConversationPlanner;
import dev.migrator.mapping.MappedRecord;
import dev.migrator.source.ExportReader;
import dev.migrator.source.ReadContext;
import dev.migrator.source.SourceRecord;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import org.springframework.batch.core.configuration.annotation.StepScope;
import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.builder.JobBuilder;
import org.springframework.batch.core.launch.JobOperator;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.Step;
import org.springframework.batch.core.step.builder.StepBuilder;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.task.SyncTaskExecutor;
import org.springframework.transaction.PlatformTransactionManager;
import tools.jackson.databind.json.JsonMapper;

/**
 * The migration job: one chunk-oriented step, export reader to conversation planner to
 * Intercom writer. A run is identified by its inputs, their checksums and the target
 * workspace (see {@link MigrationParameters}), so the same command resumes the same run.
 */
@Configuration(proxyBeanMethods = false)
public class MigrationJobConfiguration {

    public static final String JOB_NAME = "migration";

    @Bean
    Job migrationJob(JobRepository jobRepository, Step migrateStep, Step settleStep, CreatesInDoubt createsInDoubt,
                     GracefulShutdown gracefulShutdown) {
        return new JobBuilder(JOB_NAME, jobRepository)
                .start(migrateStep)
                .next(createsInDoubt).on(CreatesInDoubt.SETTLE).to(settleStep)
                .from(createsInDoubt).on("*").end()
                .end()
                .listener(gracefulShutdown)
                .build();
    }

    @Bean
    Step migrateStep(JobRepository jobRepository, PlatformTransactionManager transactionManager,
                     ExportReader exportReader, ConversationPlanner conversationPlanner,
                     MigrationWriter migrationWriter, MigrationProperties migration) {
        return chunkStep("migrate", migrationWriter, jobRepository, transactionManager, exportReader,
                conversationPlanner, migration);
    }

    /** Reads the inputs again and finishes the conversations whose create the migrate step left in doubt. */
    @Bean
    Step settleStep(JobRepository jobRepository, PlatformTransactionManager transactionManager,
                    ExportReader exportReader, ConversationPlanner conversationPlanner,
                    MigrationWriter settleWriter, MigrationProperties migration) {
        return chunkStep("settle", settleWriter, jobRepository, transactionManager, exportReader,
                conversationPlanner, migration);
    }

    /** Chunks commit in the job repository's own transaction, with the reader's position and the rejects. */
    private static Step chunkStep(String name, MigrationWriter writer, JobRepository jobRepository,
                                  PlatformTransactionManager transactionManager, ExportReader exportReader,
                                  ConversationPlanner conversationPlanner, MigrationProperties migration) {
        return new StepBuilder(name, jobRepository)
                .<SourceRecord, MappedRecord>chunk(migration.chunkSize())
                .transactionManager(transactionManager)
                .reader(exportReader)
                .processor(conversationPlanner)
                .writer(writer)
                .build();
    }

    @Bean
    CreatesInDoubt createsInDoubt(Ledger ledger) {
        return new CreatesInDoubt(ledger);
    }

    @Bean
    GracefulShutdown gracefulShutdown(JobOperator jobOperator) {
        return new GracefulShutdown(jobOperator);
    }

    @Bean
    @StepScope
    ExportReader exportReader(@Value("#{jobParameters['" + MigrationParameters.INPUTS + "']}") String inputs,
                              @Value("#{jobParameters['" + MigrationParameters.FORMATS + "']}") String formats,
                              @Value("#{jobParameters['" + MigrationParameters.USERS + "']}") String users,
                              CsvMappingProperties csvMapping, MigrationProperties migration) {
        return new ExportReader(MigrationParameters.files(inputs, formats),
                new ReadContext(users == null ? null : Path.of(users), csvMapping.layout(migration.timezone())));
    }

    @Bean
    ConversationPlanner conversationPlanner(MigrationProperties migration, Clock clock) {
        return new ConversationPlanner(migration.timezone(), clock);
    }

    /** Sends through the real client, or for a dry run through a transport that writes the run's requests file. */
    @Bean
    @StepScope
    MigrationWriter migrationWriter(@Value("#{jobParameters['" + MigrationParameters.TARGET + "']}") String target,
                                    @Value("#{stepExecution.jobExecution.jobInstance.instanceId}") long runId,
                                    WriterParts parts) {
        return parts.writer(target, runId, ConversationMigrator.Mode.MIGRATE);
    }

    @Bean
    @StepScope
    MigrationWriter settleWriter(@Value("#{jobParameters['" + MigrationParameters.TARGET + "']}") String target,
                                 @Value("#{stepExecution.jobExecution.jobInstance.instanceId}") long runId,
                                 WriterParts parts) {
        return parts.writer(target, runId, ConversationMigrator.Mode.SETTLE);
    }

    @Bean
    WriterParts writerParts(HttpTransport httpTransport, JsonMapper jsonMapper, Ledger ledger, Preflight preflight,
                            IntercomProperties intercom, MigrationProperties migration, Clock clock,
                            ExecutorService migrationWorkers, RunProgress runProgress) {
        return new WriterParts(httpTransport, jsonMapper, ledger, preflight, intercom, migration, clock, migrationWorkers,
                runProgress);
    }

    @Bean
    RunProgress runProgress() {
        return new RunProgress();
    }

    /**
     * How long after a create in doubt "not found" may be believed: the search lag, plus the
     * request timeout, since a create can reach Intercom at the far end of it.
     */
    static Duration inDoubtWindow(IntercomProperties intercom) {
        return intercom.searchLag().plus(intercom.timeout());
    }

    /** What both steps' writers are made of; a dry run writes its requests file instead of calling Intercom. */
    record WriterParts(HttpTransport httpTransport, JsonMapper jsonMapper, Ledger ledger, Preflight preflight,
                       IntercomProperties intercom, MigrationProperties migration, Clock clock,
                       ExecutorService migrationWorkers, RunProgress progress) {

        MigrationWriter writer(String target, long runId, ConversationMigrator.Mode mode) {
            boolean dryRun = MigrationParameters.isDryRun(target);
            IntercomTransport transport = dryRun
                    ? new DryRunTransport(migration.runDir(runId).resolve("requests.jsonl"), jsonMapper)
                    : httpTransport;
            // A dry run has no latency to hide; one conversation at a time keeps its requests file in reading order.
            Executor workers = dryRun ? new SyncTaskExecutor() : migrationWorkers;
            ConversationMigrator migrator = new ConversationMigrator(new IntercomApi(transport, jsonMapper), ledger,
                    preflight.result().admins(), MigrationParameters.ledgerWorkspace(target, runId), runId,
                    inDoubtWindow(intercom), clock, mode);
            return new MigrationWriter(migrator, ledger, runId, workers, transport, mode == ConversationMigrator.Mode.SETTLE,
                    clock, progress);
        }
    }
}
