package dev.migrator.cli;

import dev.migrator.job.MigrationJobFactory;
import dev.migrator.report.RunReport;
import dev.migrator.report.RunSummary;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.job.JobInstance;
import org.springframework.batch.core.repository.JobRepository;

/**
 * {@code status} lists the runs in the state directory; {@code report} writes the latest run's
 * files again.
 */
public class StatusCommand {

    private final Console console;
    private final JobRepository jobRepository;
    private final RunReport report;
    private final Path stateDir;
    private final Launcher launcher;

    public StatusCommand(
            Console console,
            JobRepository jobRepository,
            RunReport report,
            Path stateDir,
            Launcher launcher) {
        this.console = console;
        this.jobRepository = jobRepository;
        this.report = report;
        this.stateDir = stateDir;
        this.launcher = launcher;
    }

    public ExitCode status() {
        List<JobInstance> instances =
                jobRepository.getJobInstances(MigrationJobFactory.JOB_NAME, 0, 1000);
        if (instances.isEmpty()) {
            console.say("No runs yet.");
            return ExitCode.OK;
        }
        boolean unfinished = false;
        for (JobInstance instance : instances) {
            JobExecution last = jobRepository.getLastJobExecution(instance);
            RunSummary s = report.summarize(last);
            console.say(
                    "run "
                            + s.runId()
                            + "  "
                            + s.status()
                            + "  "
                            + (s.dryRun() ? "dry run" : "workspace " + s.target())
                            + "  "
                            + String.join(", ", s.inputs())
                            + "  read "
                            + s.conversationsRead()
                            + ", migrated "
                            + s.conversationsMigrated()
                            + ", rejected "
                            + s.conversationsRejected());
            if (s.lastError() != null) {
                console.say("    last error: " + s.lastError());
            }
            if (s.resumeCommand() != null) {
                console.say("    to resume:  " + s.resumeCommand());
            }
            unfinished |=
                    last.getStatus() != BatchStatus.COMPLETED
                            && last.getStatus() != BatchStatus.ABANDONED;
        }
        if (unfinished) {
            console.say(
                    "Or continue the latest unfinished run with: "
                            + launcher.commandLine(
                                    List.of("resume", "--state-dir", stateDir.toString())));
        }
        return ExitCode.OK;
    }

    /** Writes the latest run's files again; with {@code html}, its HTML report to that file too. */
    public ExitCode report(Path html) throws IOException {
        List<JobInstance> latest =
                jobRepository.getJobInstances(MigrationJobFactory.JOB_NAME, 0, 1);
        if (latest.isEmpty()) {
            console.say("No runs yet.");
            return ExitCode.OK;
        }
        RunSummary s = report.write(jobRepository.getLastJobExecution(latest.get(0)));
        console.say(
                "Run "
                        + s.runId()
                        + " "
                        + s.status()
                        + ": "
                        + s.conversationsMigrated()
                        + " migrated, "
                        + s.conversationsRejected()
                        + " rejected.");
        console.say("  summary: " + report.summaryFile(s.runId()));
        console.say("  rejects: " + s.rejectsFile());
        console.say("  report:  " + report.htmlFile(s.runId()));
        if (html != null) {
            report.writeHtml(s, html);
            console.say("  report:  " + html);
        }
        return ExitCode.OK;
    }
}
