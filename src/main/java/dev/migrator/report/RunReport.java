package dev.migrator.report;

import dev.migrator.delivery.InboxTally;
import dev.migrator.delivery.RequiredCalls;
import dev.migrator.job.MigrationParameters;
import dev.migrator.job.MigrationProperties;
import dev.migrator.job.MigrationRunner;
import dev.migrator.job.RunCounters;
import dev.migrator.ledger.Ledger;
import dev.migrator.source.format.ExportFile;
import dev.migrator.support.OwnerOnly;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.function.Consumer;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.batch.infrastructure.item.ExecutionContext;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Writes a run's {@code rejects.jsonl}, {@code attachments-failed.jsonl} and {@code summary.json}
 * from the job repository and the ledger, so the files say what was committed, whatever happened to
 * the process.
 */
public class RunReport implements MigrationRunner.RunRecorder {

    static final String ATTACHMENTS_FAILED_FILE = "attachments-failed.jsonl";

    private final Ledger ledger;
    private final MigrationProperties migration;
    private final JsonMapper mapper;

    public RunReport(Ledger ledger, MigrationProperties migration, JsonMapper mapper) {
        this.ledger = ledger;
        this.migration = migration;
        this.mapper = mapper;
    }

    @Override
    public void record(JobExecution execution) {
        write(execution);
    }

    public RunSummary write(JobExecution execution) {
        long runId = execution.getJobInstanceId();
        Path runDir = migration.runDir(runId);
        try {
            Files.createDirectories(runDir);
            Path rejects = runDir.resolve("rejects.jsonl");
            writeRejects(runId, rejects);
            writeFailedAttachments(runId, runDir.resolve(ATTACHMENTS_FAILED_FILE));
            RunSummary summary = summarize(execution);
            mapper.writerWithDefaultPrettyPrinter()
                    .writeValue(OwnerOnly.file(runDir.resolve("summary.json")).toFile(), summary);
            writeHtml(summary, htmlFile(runId));
            return summary;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the run's files in " + runDir, e);
        }
    }

    public Path summaryFile(long runId) {
        return migration.runDir(runId).resolve("summary.json");
    }

    public Path htmlFile(long runId) {
        return migration.runDir(runId).resolve("report.html");
    }

    /**
     * The run's HTML report (totals, calls per second over time, rejects by reason), written to
     * {@code file}.
     */
    public void writeHtml(RunSummary summary, Path file) throws IOException {
        HtmlReport.RejectTally rejects = new HtmlReport.RejectTally();
        ledger.forEachReject(summary.runId(), rejects);
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Files.writeString(
                OwnerOnly.file(file),
                HtmlReport.render(summary, ledger.progress(summary.runId()), rejects.groups()),
                StandardCharsets.UTF_8);
    }

    /**
     * One line per file a part of the run was to carry and could not: {@code source_id}, {@code
     * part} (the message's key), {@code url}, {@code name}, {@code reason}. Written empty when
     * there is none, as the rejects are.
     */
    private void writeFailedAttachments(long runId, Path file) throws IOException {
        writeJsonLines(
                file,
                line ->
                        ledger.forEachAttachmentFailure(
                                runId,
                                failed ->
                                        line.accept(
                                                mapper.createObjectNode()
                                                        .put("source_id", failed.sourceId())
                                                        .put("part", failed.partKey())
                                                        .put("url", failed.url())
                                                        .put("name", failed.name())
                                                        .put("reason", failed.reason()))));
    }

    private void writeRejects(long runId, Path file) throws IOException {
        writeJsonLines(
                file,
                line ->
                        ledger.forEachReject(
                                runId,
                                reject -> {
                                    ObjectNode node =
                                            mapper.createObjectNode()
                                                    .put("file", reject.file())
                                                    .put("line", reject.line())
                                                    .put("source_id", reject.sourceId())
                                                    .put("reason", reject.reason());
                                    node.set(
                                            "record",
                                            reject.record() == null
                                                    ? null
                                                    : mapper.readTree(reject.record()));
                                    line.accept(node);
                                }));
    }

    /**
     * Writes each JSON object {@code lines} hands out as one line of {@code file} (owner-only), as
     * the ledger streams them: a report holds no list of them in memory.
     */
    private void writeJsonLines(Path file, Consumer<Consumer<ObjectNode>> lines)
            throws IOException {
        try (BufferedWriter out =
                Files.newBufferedWriter(OwnerOnly.file(file), StandardCharsets.UTF_8)) {
            IOException[] failure = new IOException[1];
            lines.accept(
                    line -> {
                        if (failure[0] != null) {
                            return;
                        }
                        try {
                            out.write(mapper.writeValueAsString(line));
                            out.newLine();
                        } catch (IOException e) {
                            failure[0] = e;
                        }
                    });
            if (failure[0] != null) {
                throw failure[0];
            }
        }
    }

    /**
     * The run's figures, from the job repository and the ledger, without writing anything. A dry
     * run's conversations and replies are the figures the runner kept when it ended (its
     * bookkeeping was in memory): none while it runs.
     */
    public RunSummary summarize(JobExecution execution) {
        long runId = execution.getJobInstanceId();
        Path rejects = migration.runDir(runId).resolve("rejects.jsonl");
        Path requests = migration.runDir(runId).resolve("requests.jsonl");
        String target = execution.getJobParameters().getString(MigrationParameters.TARGET);
        boolean dryRun = MigrationParameters.isDryRun(target);
        String workspace = MigrationParameters.ledgerWorkspace(target, runId);
        ExecutionContext step =
                execution.getStepExecutions().stream()
                        .filter(s -> s.getStepName().equals("migrate"))
                        .map(StepExecution::getExecutionContext)
                        .findFirst()
                        .orElseGet(ExecutionContext::new);
        long calls =
                execution.getStepExecutions().stream()
                        .mapToLong(s -> s.getExecutionContext().getLong(RunCounters.CALLS, 0))
                        .sum();
        RequiredCalls required =
                execution.getStepExecutions().stream()
                        .map(s -> RunCounters.requiredCalls(s.getExecutionContext()))
                        .reduce(RequiredCalls.NONE, RequiredCalls::plus);
        InboxTally inbox =
                execution.getStepExecutions().stream()
                        .map(s -> RunCounters.inboxTally(s.getExecutionContext()))
                        .reduce(InboxTally.NONE, InboxTally::plus);
        long read = step.getLong(RunCounters.RECORDS, 0);
        ExecutionContext run = execution.getExecutionContext();
        long migrated =
                dryRun
                        ? run.getLong(MigrationRunner.DRY_RUN_MIGRATED, 0)
                        : ledger.migratedCount(workspace, runId);
        long rejected = ledger.rejectCount(runId);
        return new RunSummary(
                runId,
                execution.getStatus().name(),
                dryRun ? null : target,
                dryRun,
                MigrationParameters.files(execution.getJobParameters()).stream()
                        .map(ExportFile::displayName)
                        .toList(),
                text(execution.getStartTime()),
                text(execution.getEndTime()),
                read,
                migrated,
                Math.max(0, read - migrated - rejected),
                rejected,
                dryRun
                        ? run.getLong(MigrationRunner.DRY_RUN_REPLIES_SENT, 0)
                        : ledger.repliesSentCount(workspace, runId),
                calls,
                perConversation(calls, migrated),
                required.total(),
                perConversation(required.total(), migrated),
                inbox,
                step.getLong(RunCounters.WARNINGS, 0),
                ledger.attachmentFailureCount(runId),
                rejects.toString(),
                migration.runDir(runId).resolve(ATTACHMENTS_FAILED_FILE).toString(),
                dryRun ? requests.toString() : null,
                lastError(execution),
                finished(execution)
                        ? null
                        : execution.getJobParameters().getString(MigrationParameters.COMMAND));
    }

    /** Calls per migrated conversation, to two decimals; 0 when none was migrated. */
    static double perConversation(long calls, long conversationsMigrated) {
        return conversationsMigrated == 0
                ? 0
                : Math.round(100.0 * calls / conversationsMigrated) / 100.0;
    }

    private static boolean finished(JobExecution execution) {
        return execution.getStatus() == BatchStatus.COMPLETED
                || execution.getStatus() == BatchStatus.ABANDONED;
    }

    /** Why an unfinished run stopped, as the runner kept it. */
    private static String lastError(JobExecution execution) {
        if (execution.getStatus() == BatchStatus.STOPPED) {
            return "stopped on request (SIGTERM or Ctrl-C)";
        }
        if (execution.getStatus() != BatchStatus.FAILED) {
            return null;
        }
        return execution
                .getExecutionContext()
                .getString(MigrationRunner.LAST_ERROR, "failed (details in migrator.log)");
    }

    private static String text(LocalDateTime time) {
        return time == null ? null : time.toString();
    }
}
