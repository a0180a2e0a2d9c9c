package dev.migrator.cli;

import dev.migrator.config.CsvMappingProperties;
import dev.migrator.config.IntercomProperties;
import dev.migrator.config.MigrationProperties;
import dev.migrator.intercom.AccessDeniedException;
import dev.migrator.job.MigrationJobConfiguration;
import dev.migrator.job.MigrationParameters;
import dev.migrator.job.MigrationParameters.Checksummed;
import dev.migrator.job.Preflight;
import dev.migrator.job.RunLeases;
import dev.migrator.ledger.Ledger;
import dev.migrator.report.RunReport;
import dev.migrator.report.RunSummary;
import dev.migrator.source.CsvLayout;
import dev.migrator.source.ExportFile;
import dev.migrator.source.ExportInspector;
import dev.migrator.source.InputFormat;
import dev.migrator.source.ReadContext;
import dev.migrator.source.UnusableInputException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.job.JobInstance;
import org.springframework.batch.core.job.parameters.JobParameters;
import org.springframework.batch.core.launch.JobExecutionAlreadyRunningException;
import org.springframework.batch.core.launch.JobInstanceAlreadyCompleteException;
import org.springframework.batch.core.launch.JobOperator;
import org.springframework.batch.core.repository.JobRepository;

/** {@code migrate} and {@code resume}: one run of the migration job, started or resumed. */
public class MigrateCommand {

    private final Console console;
    private final JobOperator jobOperator;
    private final JobRepository jobRepository;
    private final Job migrationJob;
    private final Preflight preflight;
    private final RunReport report;
    private final Ledger ledger;
    private final RunLeases leases;
    private final MigrationProperties migration;
    private final CsvMappingProperties csvMapping;
    private final ProgressDisplay progress;
    private final IntercomProperties intercom;

    public MigrateCommand(Console console, JobOperator jobOperator, JobRepository jobRepository, Job migrationJob,
                          Preflight preflight, RunReport report, Ledger ledger, RunLeases leases,
                          MigrationProperties migration, CsvMappingProperties csvMapping, ProgressDisplay progress,
                          IntercomProperties intercom) {
        this.console = console;
        this.jobOperator = jobOperator;
        this.jobRepository = jobRepository;
        this.migrationJob = migrationJob;
        this.preflight = preflight;
        this.report = report;
        this.ledger = ledger;
        this.leases = leases;
        this.migration = migration;
        this.csvMapping = csvMapping;
        this.progress = progress;
        this.intercom = intercom;
    }

    public int migrate(Invocation invocation) throws Exception {
        CsvLayout layout = csvMapping.layout(migration.timezone());
        List<ExportFile> files = new ArrayList<>();
        for (Path input : invocation.inputs()) {
            files.add(new ExportFile(input, formatOf(input, invocation.format(), layout)));
        }
        Path users = invocation.users();
        List<String> needingUsers = files.stream().filter(f -> f.format().users() == InputFormat.Users.REQUIRED)
                .map(f -> f.format().cliName()).distinct().toList();
        if (users == null && !needingUsers.isEmpty()) {
            throw new UsageException("--format " + needingUsers.get(0) + " needs --users FILE: the users export that "
                    + "names each ticket's requester and comment authors");
        }
        if (users != null && files.stream().allMatch(f -> f.format().users() == InputFormat.Users.NONE)) {
            throw new UsageException("--users is read only with --format zendesk or freshdesk");
        }
        return run(files, users == null ? null : new Checksummed(users, checksum(users)), invocation.dryRun(),
                invocation.commandLine());
    }

    /** Continues the latest run that did not finish, with the inputs it was started with. */
    public int resume(Invocation invocation) throws Exception {
        Optional<JobExecution> unfinished = jobRepository.getJobInstances(MigrationJobConfiguration.JOB_NAME, 0, 1000)
                .stream()
                .map(jobRepository::getLastJobExecution)
                .filter(e -> e != null && e.getStatus() != BatchStatus.COMPLETED && e.getStatus() != BatchStatus.ABANDONED)
                .findFirst();
        if (unfinished.isEmpty()) {
            console.say("Nothing to resume: every run in " + migration.stateDir() + " has finished.");
            return ExitCodes.OK;
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
        console.say("Resuming run " + unfinished.get().getJobInstanceId() + ".");
        return run(files, users, MigrationParameters.isDryRun(parameters.getString(MigrationParameters.TARGET)),
                invocation.commandLine());
    }

    private static void requireUnchanged(Path file, String sha256, JobExecution run) {
        if (!checksum(file).equals(sha256)) {
            throw new UsageException(file + " has changed since run " + run.getJobInstanceId()
                    + " started; run migrate with it to start a new run");
        }
    }

    private int run(List<ExportFile> files, Checksummed users, boolean dryRun, String resumeCommand) throws Exception {
        List<String> checksums = new ArrayList<>();
        for (ExportFile file : files) {
            checksums.add(checksum(file.path()));
        }
        ReadContext context = new ReadContext(users == null ? null : users.path(), csvMapping.layout(migration.timezone()));
        Preflight.Result checked = preflight.check(files, context, dryRun);
        if (dryRun) {
            console.say("Dry run: no request leaves this machine; the requests are written to the run's requests.jsonl.");
        } else {
            console.say("Workspace: " + checked.workspaceName() + " (" + checked.target() + ") at " + intercom.baseUrl()
                    + ", API version " + intercom.version() + ".");
            Preflight.AgentTally agents = checked.agents();
            console.say("Agents: " + agents.named() + " named in the input, " + agents.matched()
                    + " matched to Intercom admins by email" + (agents.matched() < agents.named()
                    ? "; the others write as the default admin " + migration.defaultAdminId() : "") + ".");
            console.say("Check before it sends anything: the workspace's workflows, auto-replies, bots and SLA rules that "
                    + "react to new conversations or replies are off (parts are sent with skip_notifications, but "
                    + "automations may still message customers).");
        }
        console.say("Input: " + checked.conversations() + " records in " + files.size() + " file(s).");

        boolean mapped = files.stream().anyMatch(f -> f.format() == InputFormat.CSV);
        JobParameters parameters = MigrationParameters.of(files, checksums, checked.target(), users,
                mapped ? csvMapping.fingerprint(migration.timezone()) : null, resumeCommand);
        String runKey = MigrationParameters.leaseKey(parameters);
        Optional<RunLeases.Owner> owner = leases.acquire(runKey);
        if (owner.isPresent()) {
            console.problem("This migration is already running: process " + owner.get().pid() + " on "
                    + owner.get().host() + " is migrating into this workspace. Wait for it to finish, or stop it and "
                    + "run this command again.");
            return ExitCodes.FAILED;
        }
        try {
            return start(files, parameters, checked, dryRun, resumeCommand);
        } finally {
            leases.release(runKey);
        }
    }

    private int start(List<ExportFile> files, JobParameters parameters, Preflight.Result checked, boolean dryRun,
                      String resumeCommand) throws Exception {
        JobExecution last = jobRepository.getLastJobExecution(MigrationJobConfiguration.JOB_NAME, parameters);
        if (last != null && last.getStatus() == BatchStatus.COMPLETED) {
            return alreadyDone(last);
        }
        if (last != null && last.isRunning()) {
            // We hold the run's lease, so the process that left it STARTED is gone.
            jobOperator.recover(last);
            console.say("Run " + last.getJobInstanceId() + " was left running by a process that is gone; recovered it.");
        }
        if (last != null) {
            console.say("Resuming run " + last.getJobInstanceId() + " from its last committed chunk.");
        }
        JobExecution execution;
        try {
            try (ProgressDisplay.Showing showing = progress.start(checked.conversations())) {
                execution = jobOperator.start(migrationJob, parameters);
            }
        } catch (JobInstanceAlreadyCompleteException e) {
            return alreadyDone(jobRepository.getLastJobExecution(MigrationJobConfiguration.JOB_NAME, parameters));
        } catch (JobExecutionAlreadyRunningException e) {
            console.problem("This run is already running in another process.");
            return ExitCodes.FAILED;
        }
        if (execution.getStatus() == BatchStatus.FAILED) {
            report.recordFailure(execution, failure(execution).orElse("failed"), jobRepository);
        }
        RunSummary summary = report.write(execution);
        if (dryRun && execution.getStatus() == BatchStatus.COMPLETED) {
            ledger.forgetWorkspace(MigrationParameters.ledgerWorkspace(checked.target(), summary.runId()));
        }
        print(summary);
        if (execution.getStatus() != BatchStatus.COMPLETED) {
            console.problem("The run " + (execution.getStatus() == BatchStatus.STOPPED ? "was stopped" : "failed")
                    + reason(execution) + ".");
            console.problem("Nothing committed is lost. To resume, run the same command again:");
            console.problem("  " + resumeCommand);
            return ExitCodes.FAILED;
        }
        return summary.conversationsRejected() > 0 ? ExitCodes.REJECTS : ExitCodes.OK;
    }

    private int alreadyDone(JobExecution last) {
        JobInstance instance = last.getJobInstance();
        console.say("These inputs were already migrated by run " + instance.getInstanceId() + " (finished "
                + last.getEndTime() + "): nothing to send. Its summary: " + report.summaryFile(instance.getInstanceId()));
        return ExitCodes.OK;
    }

    private void print(RunSummary s) {
        console.say("Run " + s.runId() + " " + s.status() + ": " + s.conversationsRead() + " records read, "
                + s.conversationsMigrated() + " conversations migrated, " + s.conversationsAlreadyMigrated()
                + " already migrated, " + s.conversationsRejected() + " rejected; " + s.repliesSent()
                + " replies sent, " + s.apiCalls() + (s.dryRun() ? " requests written" : " API calls")
                + ", " + s.warnings() + " warnings.");
        console.say("  summary:  " + report.summaryFile(s.runId()));
        console.say("  rejects:  " + s.rejectsFile());
        console.say("  report:   " + report.htmlFile(s.runId()));
        if (s.dryRun()) {
            console.say("  requests: " + s.requestsFile());
        }
    }

    private static String reason(JobExecution execution) {
        return failure(execution).map(message -> ": " + message).orElse("");
    }

    private static Optional<String> failure(JobExecution execution) {
        return execution.getAllFailureExceptions().stream().findFirst().map(MigrateCommand::rootMessage);
    }

    static String rootMessage(Throwable e) {
        Throwable cause = e;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        String message = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
        return e instanceof AccessDeniedException ? e.getMessage() : message;
    }

    private InputFormat formatOf(Path input, String requested, CsvLayout layout) {
        if (requested != null) {
            return InputFormat.fromCliName(requested).orElseThrow(() -> new UsageException(
                    "--format " + requested + " is not a format this version reads (" + InputFormat.cliNames() + ")"));
        }
        InputFormat detected = ExportInspector.detectFormat(input, layout).orElseThrow(() -> new UsageException(
                "--input " + input + ": cannot tell its format from its content; give --format (" + InputFormat.cliNames() + ")"));
        console.say("Detected format " + detected.cliName() + " for " + input + ".");
        return detected;
    }

    private static String checksum(Path file) {
        try {
            return ExportInspector.sha256(file);
        } catch (IOException e) {
            throw new UnusableInputException(file + ": cannot read (" + e.getMessage() + ")");
        }
    }
}
