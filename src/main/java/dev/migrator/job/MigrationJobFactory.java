package dev.migrator.job;

import dev.migrator.delivery.InDoubtProtocol;
import dev.migrator.delivery.WorkspaceDirectory;
import dev.migrator.mapping.ConversationPlanner;
import dev.migrator.source.input.ExportReader;
import io.micrometer.observation.ObservationRegistry;
import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.builder.JobBuilder;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.Step;
import org.springframework.batch.core.step.builder.StepBuilder;
import org.springframework.transaction.PlatformTransactionManager;

/**
 * The migration job: a migrate step (export reader, conversation planner and Intercom sending in a
 * sliding window, see {@link SlidingWindowMigration}), then, if it deferred records whose create or
 * reply is in doubt, a settle step that finishes them from the ledger. A run is identified by its
 * inputs, their checksums and the target workspace (see {@link MigrationParameters}), so the same
 * command resumes the same run. The job is built for each run, with the workspace directory that
 * run's preflight made.
 */
public class MigrationJobFactory {

    public static final String JOB_NAME = "migration";

    private final JobRepository jobRepository;
    private final PlatformTransactionManager transactionManager;
    private final ExportReader exportReader;
    private final ConversationPlanner planner;
    private final CreatesInDoubt createsInDoubt;
    private final GracefulShutdown gracefulShutdown;
    private final MigrationProperties migration;
    private final RunParts parts;
    private final ObservationRegistry observations;

    /**
     * @param observations Spring Batch's metrics go there when the metrics endpoint is on; else
     *     NOOP
     */
    MigrationJobFactory(
            JobRepository jobRepository,
            PlatformTransactionManager transactionManager,
            ExportReader exportReader,
            ConversationPlanner planner,
            CreatesInDoubt createsInDoubt,
            GracefulShutdown gracefulShutdown,
            MigrationProperties migration,
            RunParts parts,
            ObservationRegistry observations) {
        this.jobRepository = jobRepository;
        this.transactionManager = transactionManager;
        this.exportReader = exportReader;
        this.planner = planner;
        this.createsInDoubt = createsInDoubt;
        this.gracefulShutdown = gracefulShutdown;
        this.migration = migration;
        this.parts = parts;
        this.observations = observations;
    }

    public Job migrationJob(WorkspaceDirectory directory) {
        return new JobBuilder(JOB_NAME, jobRepository)
                .start(
                        migrateStep(
                                new SlidingWindowMigration(
                                        exportReader,
                                        planner,
                                        parts,
                                        directory,
                                        migration.chunkSize())))
                .next(createsInDoubt)
                .on(CreatesInDoubt.SETTLE)
                .to(settleStep(new SettleTasklet(parts, directory, InDoubtProtocol.Waiter.SLEEP)))
                .from(createsInDoubt)
                .on("*")
                .end()
                .end()
                .listener(gracefulShutdown)
                .observationRegistry(observations)
                .build();
    }

    /**
     * Each call of the tasklet commits a chunk of finished records in the job repository's own
     * transaction, with the reader's position, the rejects and the records deferred. The reader is
     * the tasklet's own, not a stream of the step: the tasklet saves its position.
     */
    private Step migrateStep(SlidingWindowMigration tasklet) {
        return new StepBuilder("migrate", jobRepository)
                .tasklet(tasklet, transactionManager).stream(tasklet)
                        .observationRegistry(observations)
                        .build();
    }

    /**
     * One round of the settle step per transaction: the inputs are not read again, the deferred
     * records come from the ledger.
     */
    private Step settleStep(SettleTasklet tasklet) {
        return new StepBuilder("settle", jobRepository)
                .tasklet(tasklet, transactionManager)
                .observationRegistry(observations)
                .build();
    }
}
