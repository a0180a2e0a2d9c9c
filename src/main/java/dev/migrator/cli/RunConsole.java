package dev.migrator.cli;

import dev.migrator.delivery.InboxTally;
import dev.migrator.intercom.IntercomProperties;
import dev.migrator.job.MigrationProperties;
import dev.migrator.job.MigrationRunner;
import dev.migrator.job.MigrationRunner.Outcome;
import dev.migrator.job.Preflight;
import dev.migrator.job.RunLeases;
import dev.migrator.report.RunReport;
import dev.migrator.report.RunSummary;
import dev.migrator.source.input.InputFormat;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;

/**
 * A run on the console: what the runner says while it works, the run's summary, and its outcome as
 * an exit code. {@code migrate}, {@code resume} and {@code watch} share it.
 */
public class RunConsole implements MigrationRunner.Events {

    private final Console console;
    private final RunReport report;
    private final MigrationProperties migration;
    private final IntercomProperties intercom;
    private final ProgressDisplay progress;

    public RunConsole(
            Console console,
            RunReport report,
            MigrationProperties migration,
            IntercomProperties intercom,
            ProgressDisplay progress) {
        this.console = console;
        this.report = report;
        this.migration = migration;
        this.intercom = intercom;
        this.progress = progress;
    }

    /** Prints how the run ended and returns the exit code that says it. */
    public ExitCode exitCode(Outcome outcome, String resumeCommand) {
        if (outcome instanceof Outcome.Ran ran) {
            return ran(ran, resumeCommand);
        }
        if (outcome instanceof Outcome.AlreadyDone done) {
            console.say(
                    "These inputs were already migrated by run "
                            + done.runId()
                            + " (finished "
                            + done.finishedAt()
                            + "): nothing to send. Its summary: "
                            + report.summaryFile(done.runId()));
            return ExitCode.OK;
        }
        if (outcome instanceof Outcome.Busy busy) {
            console.problem(
                    "This migration is already running: process "
                            + busy.owner().pid()
                            + " on "
                            + busy.owner().host()
                            + " is migrating into this workspace. Wait for it to finish, or stop it"
                            + " and run this command again.");
            return ExitCode.FAILED;
        }
        if (outcome instanceof Outcome.TakenOver takenOver) {
            takenOver(takenOver.lost(), resumeCommand);
            return ExitCode.FAILED;
        }
        if (outcome instanceof Outcome.AlreadyRunning) {
            console.problem("This run is already running in another process.");
            return ExitCode.FAILED;
        }
        console.say("Nothing to resume: every run in " + migration.stateDir() + " has finished.");
        return ExitCode.OK;
    }

    /**
     * Who took the run over, or why the lease is lost; and the command that resumes, for once no
     * other process runs it.
     */
    private void takenOver(RunLeases.LeaseLost lost, String resumeCommand) {
        String lease = lost.duration().toSeconds() + " s";
        console.problem(
                lost.successor()
                        .map(
                                owner ->
                                        "Stopped: process "
                                                + owner.pid()
                                                + " on "
                                                + owner.host()
                                                + " took this run over while this process was"
                                                + " paused or cut off from the job repository for"
                                                + " longer than its lease ("
                                                + lease
                                                + ").")
                        .orElse(
                                "Stopped: this process lost its lease on the run ("
                                        + lost.why()
                                        + "; it was paused, or cut off from the job repository),"
                                        + " so another process may take the run over."));
        console.problem(
                "Nothing was sent after that. `status` shows where the run stands; if it is not"
                        + " finished once no other process runs it, the same command resumes it:");
        console.problem("  " + resumeCommand);
    }

    private ExitCode ran(Outcome.Ran ran, String resumeCommand) {
        JobExecution execution = ran.execution();
        RunSummary summary = report.summarize(execution);
        print(summary);
        if (execution.getStatus() != BatchStatus.COMPLETED) {
            console.problem(
                    "The run "
                            + (execution.getStatus() == BatchStatus.STOPPED
                                    ? "was stopped"
                                    : "failed")
                            + (ran.failure() == null ? "" : ": " + ran.failure())
                            + ".");
            console.problem("Nothing committed is lost. To resume, run the same command again:");
            console.problem("  " + resumeCommand);
            return ExitCode.FAILED;
        }
        return summary.conversationsRejected() > 0 ? ExitCode.REJECTS : ExitCode.OK;
    }

    private void print(RunSummary s) {
        console.say(
                "Run "
                        + s.runId()
                        + " "
                        + s.status()
                        + ": "
                        + s.conversationsRead()
                        + " records read, "
                        + s.conversationsMigrated()
                        + " conversations migrated, "
                        + s.conversationsAlreadyMigrated()
                        + " already migrated, "
                        + s.conversationsRejected()
                        + " rejected; "
                        + s.repliesSent()
                        + " replies sent, "
                        + s.apiCalls()
                        + (s.dryRun() ? " requests written" : " API calls")
                        + (s.conversationsMigrated() == 0
                                ? ""
                                : String.format(
                                        Locale.ROOT,
                                        " (%.2f per migrated conversation; the least possible"
                                                + " %.2f)",
                                        s.callsPerConversation(),
                                        s.idealCallsPerConversation()))
                        + ", "
                        + s.warnings()
                        + " warnings.");
        InboxTally inbox = s.inbox();
        long unplaced =
                Stream.of(inbox.unmatchedAssignees(), inbox.unmatchedTeams())
                        .flatMap(counts -> counts.values().stream())
                        .mapToLong(Long::longValue)
                        .sum();
        if (inbox.titlesSet()
                        + inbox.adminAssignments()
                        + inbox.teamAssignments()
                        + inbox.attributesSet()
                        + inbox.companiesAttached()
                        + unplaced
                > 0) {
            console.say(
                    "  Around the threads: "
                            + inbox.titlesSet()
                            + " titles set, "
                            + inbox.adminAssignments()
                            + " assigned to an admin and "
                            + inbox.teamAssignments()
                            + " to a team, "
                            + inbox.attributesSet()
                            + " attribute values set, "
                            + inbox.companiesAttached()
                            + " contacts attached to a company"
                            + (unplaced > 0
                                    ? "; "
                                            + unplaced
                                            + " assignments left out (no such admin or team:"
                                            + " listed in summary.json)"
                                    : "")
                            + ".");
        }
        if (s.attachmentsFailed() > 0) {
            console.say(
                    "  Attachments: "
                            + s.attachmentsFailed()
                            + " file(s) could not be carried and went as links in their"
                            + " messages' text.");
        }
        console.say("  summary:  " + report.summaryFile(s.runId()));
        console.say("  rejects:  " + s.rejectsFile());
        if (s.attachmentsFailed() > 0) {
            console.say("  attachments not carried: " + s.attachmentsFailedFile());
        }
        console.say("  report:   " + report.htmlFile(s.runId()));
        if (s.dryRun()) {
            console.say("  requests: " + s.requestsFile());
        }
    }

    @Override
    public void formatDetected(Path input, InputFormat format) {
        console.say("Detected format " + format.cliName() + " for " + input + ".");
    }

    @Override
    public void checked(Preflight.Result checked, int files) {
        if (checked.admins().placeholders()) {
            console.say(
                    "Dry run: no request leaves this machine; the requests are written to the run's"
                            + " requests.jsonl.");
        } else {
            console.say(
                    "Workspace: "
                            + checked.workspaceName()
                            + " ("
                            + checked.target()
                            + ") at "
                            + intercom.baseUrl()
                            + ", API version "
                            + intercom.version()
                            + ".");
            Preflight.AgentTally agents = checked.agents();
            console.say(
                    "Agents: "
                            + agents.named()
                            + " named in the input, "
                            + agents.matched()
                            + " matched to Intercom admins by email"
                            + (agents.matched() < agents.named()
                                    ? "; the others write as the default admin "
                                            + migration.defaultAdminId()
                                    : "")
                            + ".");
            Preflight.OwnerTally owners = checked.owners();
            if (owners.assignees() + owners.teams() > 0) {
                console.say(
                        "Owners: "
                                + owners.assignees()
                                + " assignee(s) named in the input, "
                                + owners.assigneesMatched()
                                + " matched to Intercom admins by email; "
                                + owners.teams()
                                + " team(s), "
                                + owners.teamsMatched()
                                + " matched to Intercom teams by name"
                                + (owners.assigneesMatched() < owners.assignees()
                                                || owners.teamsMatched() < owners.teams()
                                        ? "; conversations of the others stay unassigned (listed"
                                                + " in summary.json)"
                                        : "")
                                + ".");
            }
            console.say(
                    "Check before it sends anything: the workspace's workflows, auto-replies, bots"
                        + " and SLA rules that react to new conversations or replies are off (parts"
                        + " are sent with skip_notifications, but automations may still message"
                        + " customers).");
        }
        console.say(
                checked.conversations() == Preflight.UNKNOWN_COUNT
                        ? "Input: "
                                + files
                                + " file(s), read once: records are counted as they are read."
                        : "Input: "
                                + checked.conversations()
                                + " records in "
                                + files
                                + " file(s).");
    }

    @Override
    public void resumingUnfinished(long runId) {
        console.say("Resuming run " + runId + ".");
    }

    @Override
    public void recovered(long runId) {
        console.say("Run " + runId + " was left running by a process that is gone; recovered it.");
    }

    @Override
    public void resuming(long runId) {
        console.say("Resuming run " + runId + " from its last committed chunk.");
    }

    @Override
    public void startingOver(long runId) {
        console.say(
                "Dry run "
                        + runId
                        + " did not finish: it starts over from the first record (a dry run keeps"
                        + " what it sent in memory only).");
    }

    @Override
    public JobExecution whileShowingProgress(long records, Callable<JobExecution> job)
            throws Exception {
        try (ProgressDisplay.Showing showing = progress.start(records)) {
            return job.call();
        }
    }
}
