package dev.migrator.job;

import dev.migrator.delivery.ConversationMigrator;
import dev.migrator.delivery.ConversationMigrator.Outcome;
import dev.migrator.delivery.InDoubtProtocol;
import dev.migrator.delivery.InboxTally;
import dev.migrator.delivery.RequiredCalls;
import dev.migrator.delivery.WorkspaceDirectory;
import dev.migrator.intercom.IntercomTransport;
import dev.migrator.intercom.IntercomUnavailableException;
import dev.migrator.ledger.Ledger;
import dev.migrator.ledger.Ledger.Place;
import dev.migrator.ledger.Ledger.RejectedItem;
import dev.migrator.mapping.MappedRecord.Planned;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.batch.core.ExitStatus;
import org.springframework.batch.core.job.parameters.JobParameters;
import org.springframework.batch.core.listener.StepExecutionListener;
import org.springframework.batch.core.scope.context.ChunkContext;
import org.springframework.batch.core.step.StepContribution;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.batch.core.step.tasklet.Tasklet;
import org.springframework.batch.infrastructure.repeat.RepeatStatus;
import org.springframework.core.task.SyncTaskExecutor;

/**
 * The settle step: finishes the records the migrate step deferred, from the ledger alone (each
 * deferred record keeps its planned conversation there), in rounds. A round tries every deferred
 * record at once without waiting for anything: what Intercom confirms, or what the in-doubt window
 * lets it decide, is finished; what it cannot tell yet stays deferred. Each round is one call of
 * this tasklet, and commits its rejects and the records it finished in one transaction, so a
 * restart after any crash goes on from the last round committed. Between two rounds it waits once,
 * until the earliest moment one of the records left can be decided, and at most {@link
 * #POLL_INTERVAL}, since search may catch up sooner.
 */
class SettleTasklet implements Tasklet, StepExecutionListener {

    private static final Logger log = LoggerFactory.getLogger(SettleTasklet.class);

    /** The longest wait between two rounds: how soon a search that caught up early is seen. */
    static final Duration POLL_INTERVAL = Duration.ofSeconds(1);

    private final RunParts parts;
    private final WorkspaceDirectory directory;
    private final InDoubtProtocol.Waiter waiter;
    private final Ledger ledger;
    private final Clock clock;
    private final RunProgress progress;
    private ConversationMigrator migrator;
    private IntercomTransport transport;
    private Executor executor;
    private long runId;
    private long callsBefore;
    private long callsAtStart;
    private long callsRecorded;
    private RequiredCalls requiredBefore = RequiredCalls.NONE;
    private InboxTally inboxBefore = InboxTally.NONE;
    private long nextRoundAt;
    private int waitingLogged = -1;

    /** Per deferred record, the answers it lost in this process: too many stop the run. */
    private final Map<Place, Losses> losses = new HashMap<>();

    /**
     * @param waiter how it waits between rounds; tests pass one that moves their clock
     */
    SettleTasklet(RunParts parts, WorkspaceDirectory directory, InDoubtProtocol.Waiter waiter) {
        this.parts = parts;
        this.directory = directory;
        this.waiter = waiter;
        this.ledger = parts.ledger();
        this.clock = parts.clock();
        this.progress = parts.progress();
    }

    @Override
    public void beforeStep(StepExecution stepExecution) {
        runId = stepExecution.getJobExecution().getJobInstanceId();
        JobParameters parameters = stepExecution.getJobExecution().getJobParameters();
        transport = parts.transport(parameters, runId);
        executor =
                MigrationParameters.isDryRun(parameters.getString(MigrationParameters.TARGET))
                        ? new SyncTaskExecutor()
                        : parts.workers();
        migrator =
                parts.migrator(
                        transport, directory, parameters, runId, ConversationMigrator.Mode.SETTLE);
        callsBefore = stepExecution.getExecutionContext().getLong(RunCounters.CALLS, 0);
        requiredBefore = RunCounters.requiredCalls(stepExecution.getExecutionContext());
        inboxBefore = RunCounters.inboxTally(stepExecution.getExecutionContext());
        callsAtStart = transport.callCount();
        callsRecorded = callsBefore;
        nextRoundAt = 0;
    }

    @Override
    public RepeatStatus execute(StepContribution contribution, ChunkContext chunkContext)
            throws Exception {
        long pause = nextRoundAt - clock.millis();
        if (pause > 0) {
            waiter.waitMillis(pause);
        }
        List<Planned> records = ledger.deferred(runId);
        List<Outcome> outcomes = RecordDelivery.deliver(records, migrator, executor);
        List<RejectedItem> rejects = new ArrayList<>();
        List<Place> finished = new ArrayList<>();
        long earliest = Long.MAX_VALUE;
        long latest = 0;
        for (int i = 0; i < outcomes.size(); i++) {
            Planned record = records.get(i);
            if (outcomes.get(i) instanceof Outcome.Deferred deferred) {
                countLoss(record, deferred.decidableAt());
                earliest = Math.min(earliest, deferred.decidableAt());
                latest = Math.max(latest, deferred.decidableAt());
                continue;
            }
            if (outcomes.get(i) instanceof Outcome.Refused refused) {
                rejects.add(new RejectedItem(record.origin(), refused.reason()));
            }
            finished.add(Place.of(record.origin()));
        }
        ledger.recordRejects(runId, rejects);
        ledger.forgetDeferred(runId, finished);
        contribution.incrementWriteCount(finished.size());
        saveCalls(chunkContext.getStepContext().getStepExecution());
        int left = records.size() - finished.size();
        if (left == 0) {
            return RepeatStatus.FINISHED;
        }
        long now = clock.millis();
        nextRoundAt = now + Math.max(0, Math.min(earliest - now, POLL_INTERVAL.toMillis()));
        progress.settling(left, latest);
        if (left != waitingLogged) {
            waitingLogged = left;
            log.info(
                    "Settle step: {} record(s) in doubt, waiting for Intercom's search to show what"
                            + " their lost answers did; at most {} s more",
                    left,
                    Math.max(0, (latest - now + 999) / 1000));
        }
        return RepeatStatus.CONTINUABLE;
    }

    /** The lost answers one deferred record has met, and when the last one can be decided. */
    private record Losses(int count, long decidableAt) {}

    /**
     * A record deferred again with a new decision time lost another answer: ten in one process
     * point at a broken network, as they do for one request in {@link InDoubtProtocol}.
     */
    private void countLoss(Planned record, long decidableAt) {
        Losses before = losses.get(Place.of(record.origin()));
        if (before != null && before.decidableAt() == decidableAt) {
            return;
        }
        int count = before == null ? 1 : before.count() + 1;
        if (count >= InDoubtProtocol.MAX_LOST_ANSWERS) {
            throw new IntercomUnavailableException(
                    "conversation "
                            + record.conversation().sourceId()
                            + " lost its answer "
                            + count
                            + " times while it was settled");
        }
        losses.put(Place.of(record.origin()), new Losses(count, decidableAt));
    }

    /**
     * The step's calls, in its execution context (committed with the round) and in the progress
     * chart.
     */
    private void saveCalls(StepExecution step) {
        long calls = callsBefore + transport.callCount() - callsAtStart;
        step.getExecutionContext().putLong(RunCounters.CALLS, calls);
        RunCounters.saveRequiredCalls(
                step.getExecutionContext(), requiredBefore.plus(migrator.requiredCalls()));
        RunCounters.saveInboxTally(
                step.getExecutionContext(), inboxBefore.plus(migrator.inboxTally()));
        if (calls > callsRecorded) {
            ledger.recordProgress(runId, clock.millis(), calls - callsRecorded, 0);
            callsRecorded = calls;
        }
    }

    @Override
    public ExitStatus afterStep(StepExecution stepExecution) {
        progress.settling(0, 0);
        if (transport instanceof AutoCloseable closeable) {
            try {
                closeable.close();
            } catch (Exception e) {
                throw new IllegalStateException("cannot close " + transport, e);
            }
        }
        return null;
    }
}
