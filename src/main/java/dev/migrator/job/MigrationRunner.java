package dev.migrator.job;

import dev.migrator.job.MigrationParameters.Checksummed;
import dev.migrator.job.RunLeases.LeaseLost;
import dev.migrator.job.RunLeases.Owner;
import dev.migrator.ledger.DryRunLedger;
import dev.migrator.ledger.Ledger;
import dev.migrator.source.UnusableInputException;
import dev.migrator.source.csv.CsvLayout;
import dev.migrator.source.csv.CsvMappingProperties;
import dev.migrator.source.format.ExportFile;
import dev.migrator.source.format.ExportFormat.Users;
import dev.migrator.source.format.ReadContext;
import dev.migrator.source.input.ExportInspector;
import dev.migrator.source.input.InputFormat;
import dev.migrator.support.Sha256;
import dev.migrator.support.Throwables;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.job.parameters.JobParameters;
import org.springframework.batch.core.launch.JobExecutionAlreadyRunningException;
import org.springframework.batch.core.launch.JobInstanceAlreadyCompleteException;
import org.springframework.batch.core.launch.JobOperator;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.batch.infrastructure.item.ExecutionContext;

/**
 * Owns one run of the migration job, from the inputs to its outcome: detects their formats, checks
 * them and the workspace (the preflight), takes the workspace's lease, recovers a run that a dead
 * process left STARTED, starts or restarts the job (a dry run over again), keeps the reason of a
 * failure and a dry run's figures, and has the run's files written. Commands print what it tells
 * them and turn its outcome into an exit code.
 */
public class MigrationRunner {

    /**
     * Where a failed run keeps its root cause, for {@code status}: Spring Batch keeps only stack
     * traces.
     */
    public static final String LAST_ERROR = "migrator.lastError";

    /**
     * Where a dry run keeps its figures (conversations migrated, replies sent) once it has ended:
     * its bookkeeping was in memory.
     */
    public static final String DRY_RUN_MIGRATED = "migrator.dryRun.migrated";

    public static final String DRY_RUN_REPLIES_SENT = "migrator.dryRun.repliesSent";

    private static final String MIGRATE_STEP = "migrate";

    private final JobOperator jobOperator;
    private final JobRepository jobRepository;
    private final MigrationJobFactory jobs;
    private final Preflight preflight;
    private final RunLeases leases;
    private final RunRecorder recorder;
    private final Ledger ledger;
    private final DryRuns dryRuns;
    private final MigrationProperties migration;
    private final CsvMappingProperties csvMapping;

    public MigrationRunner(
            JobOperator jobOperator,
            JobRepository jobRepository,
            MigrationJobFactory jobs,
            Preflight preflight,
            RunLeases leases,
            RunRecorder recorder,
            Ledger ledger,
            DryRuns dryRuns,
            MigrationProperties migration,
            CsvMappingProperties csvMapping) {
        this.jobOperator = jobOperator;
        this.jobRepository = jobRepository;
        this.jobs = jobs;
        this.preflight = preflight;
        this.leases = leases;
        this.recorder = recorder;
        this.ledger = ledger;
        this.dryRuns = dryRuns;
        this.migration = migration;
        this.csvMapping = csvMapping;
    }

    /**
     * What to migrate: the input files, the format asked for ({@code null}: detect each file's),
     * the people file ({@code null}: none), whether to adopt the conversations already in Intercom
     * ({@code --adopt-existing}), and the command line that repeats this request.
     */
    public record Request(
            List<Path> inputs,
            String format,
            Path users,
            boolean dryRun,
            boolean adoptExisting,
            String resumeCommand) {}

    /**
     * Writes a run's files (rejects, summary, report) once it has ended, while the runner still
     * holds it.
     */
    @FunctionalInterface
    public interface RunRecorder {
        void record(JobExecution execution);
    }

    /** What the runner has to say while it works; the command shows it. */
    public interface Events {
        void formatDetected(Path input, InputFormat format);

        void checked(Preflight.Result checked, int files);

        void resumingUnfinished(long runId);

        void recovered(long runId);

        void resuming(long runId);

        /** A dry run that did not finish runs again from its first record. */
        void startingOver(long runId);

        /** Runs the job while showing its progress over {@code records} records. */
        JobExecution whileShowingProgress(long records, Callable<JobExecution> job)
                throws Exception;
    }

    /** How a run ended, or why it did not start. */
    public sealed interface Outcome {
        /**
         * The job ran: COMPLETED, FAILED (with {@code failure}) or STOPPED; its files are written.
         */
        record Ran(JobExecution execution, String failure) implements Outcome {}

        /** These inputs were migrated by an earlier run: nothing was sent. */
        record AlreadyDone(long runId, LocalDateTime finishedAt) implements Outcome {}

        /** Another live process holds this workspace's (or dry run's) lease. */
        record Busy(Owner owner) implements Outcome {}

        /**
         * The run's lease was lost part-way (this process was paused, or cut off from the job
         * repository, past it): the run stopped sending at once, and its files are left to the
         * process that took it over.
         */
        record TakenOver(LeaseLost lost) implements Outcome {}

        /** The job repository says the run is running in another process. */
        record AlreadyRunning() implements Outcome {}

        /** {@code resume} found no unfinished run. */
        record NothingToResume() implements Outcome {}
    }

    public Outcome migrate(Request request, Events events) throws Exception {
        CsvLayout layout = csvMapping.layout(migration.timezone());
        List<ExportFile> files = new ArrayList<>();
        for (Path input : request.inputs()) {
            files.add(
                    new ExportFile(
                            input, formatOf(input, request.format(), layout, events).format()));
        }
        Path users = request.users();
        List<String> needingUsers =
                files.stream()
                        .filter(f -> f.format().users() == Users.REQUIRED)
                        .map(f -> f.format().cliName())
                        .distinct()
                        .toList();
        if (users == null && !needingUsers.isEmpty()) {
            throw new UnusableInputException(
                    "--format "
                            + needingUsers.get(0)
                            + " needs --users FILE: the users export "
                            + "that names each ticket's requester and comment authors");
        }
        if (users != null && files.stream().allMatch(f -> f.format().users() == Users.NONE)) {
            throw new UnusableInputException(
                    "--users is read only with --format " + InputFormat.cliNamesReadingUsers());
        }
        return run(
                files,
                users == null ? null : new Checksummed(users, checksum(users)),
                request.dryRun(),
                request.adoptExisting(),
                null,
                request.resumeCommand(),
                events);
    }

    /** Continues the latest run that did not finish, with the inputs it was started with. */
    public Outcome resume(String resumeCommand, Events events) throws Exception {
        Optional<JobExecution> unfinished =
                jobRepository.getJobInstances(MigrationJobFactory.JOB_NAME, 0, 1000).stream()
                        .map(jobRepository::getLastJobExecution)
                        .filter(
                                e ->
                                        e != null
                                                && e.getStatus() != BatchStatus.COMPLETED
                                                && e.getStatus() != BatchStatus.ABANDONED)
                        .findFirst();
        if (unfinished.isEmpty()) {
            return new Outcome.NothingToResume();
        }
        JobParameters parameters = unfinished.get().getJobParameters();
        List<ExportFile> files = MigrationParameters.files(parameters);
        List<String> expected = MigrationParameters.checksums(parameters);
        for (int i = 0; i < files.size(); i++) {
            requireUnchanged(files.get(i).path(), expected.get(i), unfinished.get());
        }
        Checksummed users = MigrationParameters.users(parameters);
        if (users != null) {
            requireUnchanged(users.path(), users.sha256(), unfinished.get());
        }
        events.resumingUnfinished(unfinished.get().getJobInstanceId());
        return run(
                files,
                users,
                MigrationParameters.isDryRun(parameters.getString(MigrationParameters.TARGET)),
                MigrationParameters.adoptsExisting(parameters),
                MigrationParameters.undoGeneration(parameters),
                resumeCommand,
                events);
    }

    private static void requireUnchanged(Path file, String sha256, JobExecution run) {
        if (!checksum(file).equals(sha256)) {
            throw new UnusableInputException(
                    file
                            + " has changed since run "
                            + run.getJobInstanceId()
                            + " started; run migrate with it to start a new run");
        }
    }

    /**
     * @param undoGeneration the resumed run's, or {@code null} for the workspace's current one
     */
    private Outcome run(
            List<ExportFile> files,
            Checksummed users,
            boolean dryRun,
            boolean adoptExisting,
            Long undoGeneration,
            String resumeCommand,
            Events events)
            throws Exception {
        List<String> checksums = new ArrayList<>();
        for (ExportFile file : files) {
            checksums.add(checksum(file.path()));
        }
        ReadContext context =
                new ReadContext(
                        users == null ? null : users.path(),
                        csvMapping.layout(migration.timezone()));
        Preflight.Result checked = preflight.check(files, context, dryRun, adoptExisting);
        events.checked(checked, files.size());

        boolean mapped = files.stream().anyMatch(f -> f.format() == InputFormat.CSV.format());
        JobParameters parameters =
                MigrationParameters.of(
                        files,
                        checksums,
                        checked.target(),
                        users,
                        mapped ? csvMapping.fingerprint(migration.timezone()) : null,
                        resumeCommand);
        if (adoptExisting) {
            parameters = MigrationParameters.adoptingExisting(parameters);
        }
        if (migration.recreateDeleted()) {
            parameters = MigrationParameters.recreatingDeleted(parameters);
        }
        if (!dryRun) {
            // A run resumed keeps its own; a new one counts the undos of the workspace so far.
            parameters =
                    MigrationParameters.afterUndos(
                            parameters,
                            undoGeneration != null
                                    ? undoGeneration
                                    : ledger.undoGeneration(checked.target()));
        }
        String leaseKey = MigrationParameters.leaseKey(parameters);
        Optional<Owner> owner = leases.acquire(leaseKey);
        if (owner.isPresent()) {
            return new Outcome.Busy(owner.get());
        }
        RunLeases.Lease lease = leases.held(leaseKey);
        try {
            return start(parameters, checked, events, lease);
        } catch (Exception e) {
            // Past the loss, the job repository is the new owner's: whatever failed here is moot.
            if (lease.loss().isPresent()) {
                return new Outcome.TakenOver(lease.loss().get());
            }
            throw e;
        } finally {
            leases.release(leaseKey);
        }
    }

    private Outcome start(
            JobParameters requested, Preflight.Result checked, Events events, RunLeases.Lease lease)
            throws Exception {
        JobExecution last =
                jobRepository.getLastJobExecution(MigrationJobFactory.JOB_NAME, requested);
        if (last != null && last.getStatus() == BatchStatus.COMPLETED) {
            return alreadyDone(last);
        }
        // A run that began by adopting goes on adopting: what it has not looked up yet may be in
        // Intercom too.
        JobParameters parameters =
                last != null && MigrationParameters.adoptsExisting(last.getJobParameters())
                        ? MigrationParameters.adoptingExisting(requested)
                        : requested;
        if (last != null && last.isRunning()) {
            // We hold the run's lease, so the process that left it STARTED is gone.
            jobOperator.recover(last);
            events.recovered(last.getJobInstanceId());
        }
        boolean dryRun = MigrationParameters.isDryRun(checked.target());
        if (last != null && dryRun) {
            startOver(last);
            events.startingOver(last.getJobInstanceId());
        } else if (last != null) {
            events.resuming(last.getJobInstanceId());
        }
        JobExecution execution;
        try {
            execution =
                    events.whileShowingProgress(
                            checked.conversations(),
                            () ->
                                    jobOperator.start(
                                            jobs.migrationJob(checked.directory()), parameters));
        } catch (JobInstanceAlreadyCompleteException e) {
            return alreadyDone(
                    jobRepository.getLastJobExecution(MigrationJobFactory.JOB_NAME, parameters));
        } catch (JobExecutionAlreadyRunningException e) {
            return new Outcome.AlreadyRunning();
        }
        Optional<DryRunLedger> dryRunSent =
                dryRun ? dryRuns.end(execution.getJobInstanceId()) : Optional.empty();
        if (lease.loss().isPresent()) {
            // The run's files and last error are the new owner's to write.
            return new Outcome.TakenOver(lease.loss().get());
        }
        String failure =
                execution.getAllFailureExceptions().stream()
                        .findFirst()
                        .map(Throwables::rootMessage)
                        .orElse(null);
        if (execution.getStatus() == BatchStatus.FAILED) {
            execution
                    .getExecutionContext()
                    .putString(LAST_ERROR, failure == null ? "failed" : failure);
        }
        dryRunSent.ifPresent(
                sent -> {
                    execution.getExecutionContext().putLong(DRY_RUN_MIGRATED, sent.migratedCount());
                    execution
                            .getExecutionContext()
                            .putLong(DRY_RUN_REPLIES_SENT, sent.repliesSentCount());
                });
        if (execution.getStatus() == BatchStatus.FAILED || dryRunSent.isPresent()) {
            jobRepository.updateExecutionContext(execution);
        }
        recorder.record(execution);
        return new Outcome.Ran(execution, failure);
    }

    /**
     * A dry run keeps what it sent in memory only, lost when it stopped: it starts over from the
     * first record, with a new requests file, and records its rejects and progress anew.
     */
    private void startOver(JobExecution last) throws IOException {
        long runId = last.getJobInstanceId();
        dryRuns.end(runId);
        StepExecution migrate =
                jobRepository.getLastStepExecution(last.getJobInstance(), MIGRATE_STEP);
        if (migrate != null) {
            // The restarted step takes this context: empty, it reads from the first record.
            migrate.setExecutionContext(new ExecutionContext());
            jobRepository.updateExecutionContext(migrate);
        }
        ledger.forgetRunRecords(runId);
        Files.deleteIfExists(migration.runDir(runId).resolve("requests.jsonl"));
    }

    private static Outcome alreadyDone(JobExecution last) {
        return new Outcome.AlreadyDone(last.getJobInstanceId(), last.getEndTime());
    }

    private static InputFormat formatOf(
            Path input, String requested, CsvLayout layout, Events events) {
        if (requested != null) {
            return InputFormat.fromCliName(requested)
                    .orElseThrow(
                            () ->
                                    new UnusableInputException(
                                            "--format "
                                                    + requested
                                                    + " is not a format this version reads ("
                                                    + InputFormat.cliNames()
                                                    + ")"));
        }
        InputFormat detected =
                ExportInspector.detectFormat(input, layout)
                        .orElseThrow(
                                () ->
                                        new UnusableInputException(
                                                "--input "
                                                        + input
                                                        + ": cannot tell its format from its"
                                                        + " content; give --format ("
                                                        + InputFormat.cliNames()
                                                        + ")"));
        events.formatDetected(input, detected);
        return detected;
    }

    private static String checksum(Path file) {
        try {
            return Sha256.ofFile(file);
        } catch (IOException e) {
            throw new UnusableInputException(file + ": cannot read (" + e.getMessage() + ")");
        }
    }
}
