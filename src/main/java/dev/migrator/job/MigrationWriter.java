package dev.migrator.job;

import dev.migrator.delivery.AdminDirectory;
import dev.migrator.delivery.ConversationMigrator;
import dev.migrator.delivery.ConversationMigrator.Outcome;
import dev.migrator.delivery.RequiredCalls;
import dev.migrator.intercom.IntercomTransport;
import dev.migrator.ledger.Ledger;
import dev.migrator.ledger.Ledger.RejectedItem;
import dev.migrator.mapping.MappedRecord;
import dev.migrator.mapping.MappedRecord.Planned;
import dev.migrator.mapping.MappedRecord.Rejected;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.batch.core.job.parameters.JobParameters;
import org.springframework.batch.core.listener.StepExecutionListener;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.batch.infrastructure.item.Chunk;
import org.springframework.batch.infrastructure.item.ExecutionContext;
import org.springframework.batch.infrastructure.item.ItemStream;
import org.springframework.batch.infrastructure.item.ItemWriter;
import org.springframework.core.task.SyncTaskExecutor;

/**
 * The migrate step's writer. Sends a chunk's conversations concurrently (each conversation's own
 * records in order) and returns only when every one has an outcome, so a committed chunk is really
 * done. Rejects, and the records deferred for the settle step with what finishing them takes, are
 * recorded on this thread, inside the chunk's transaction; a failure that stops the run is thrown
 * only after the other conversations of the chunk have finished. It learns its run (the job
 * instance and the target workspace) when its step starts.
 */
public class MigrationWriter
        implements ItemWriter<MappedRecord>, ItemStream, StepExecutionListener {

    private static final Logger log = LoggerFactory.getLogger(MigrationWriter.class);

    private final RunParts parts;
    private final AdminDirectory admins;
    private final Ledger ledger;
    private final Clock clock;
    private final RunProgress progress;
    private ConversationMigrator migrator;
    private long runId;
    private Executor executor;
    private IntercomTransport transport;

    private final RunCounters counters = new RunCounters();
    private long callsAtOpen;
    private long callsBefore;
    private long callsAtLastUpdate;
    private long recordsAtLastUpdate;
    private RequiredCalls requiredBefore = RequiredCalls.NONE;

    MigrationWriter(RunParts parts, AdminDirectory admins) {
        this.parts = parts;
        this.admins = admins;
        this.ledger = parts.ledger();
        this.clock = parts.clock();
        this.progress = parts.progress();
    }

    /** Sends under the run's lease (see {@link RunParts#transport}). */
    @Override
    public void beforeStep(StepExecution stepExecution) {
        runId = stepExecution.getJobExecution().getJobInstanceId();
        JobParameters parameters = stepExecution.getJobExecution().getJobParameters();
        String target = parameters.getString(MigrationParameters.TARGET);
        transport = parts.transport(parameters, runId);
        // A dry run has no latency to hide; one conversation at a time keeps its requests file in
        // reading order.
        executor = MigrationParameters.isDryRun(target) ? new SyncTaskExecutor() : parts.workers();
        migrator =
                parts.migrator(
                        transport, admins, parameters, runId, ConversationMigrator.Mode.MIGRATE);
    }

    @Override
    public void write(Chunk<? extends MappedRecord> chunk) throws Exception {
        List<RejectedItem> rejects = new ArrayList<>();
        List<Planned> planned = new ArrayList<>();
        for (MappedRecord item : chunk) {
            if (item instanceof Rejected rejected) {
                rejects.add(new RejectedItem(rejected.origin(), rejected.reason()));
            } else if (item instanceof Planned record) {
                planned.add(record);
                record.conversation().warnings().forEach(w -> log.info("Warning: {}", w));
                counters.warnings.addAndGet(record.conversation().warnings().size());
            }
        }
        counters.records.addAndGet(chunk.size());
        progress.chunkWritten(chunk.size(), callsBefore + transport.callCount() - callsAtOpen);
        List<Outcome> outcomes = RecordDelivery.deliver(planned, migrator, executor);
        List<Planned> deferred = new ArrayList<>();
        for (int i = 0; i < outcomes.size(); i++) {
            if (outcomes.get(i) instanceof Outcome.Refused refused) {
                rejects.add(new RejectedItem(planned.get(i).origin(), refused.reason()));
            } else if (outcomes.get(i) instanceof Outcome.Deferred) {
                deferred.add(planned.get(i));
            }
        }
        ledger.recordRejects(runId, rejects);
        ledger.recordDeferred(runId, deferred);
    }

    @Override
    public void open(ExecutionContext context) {
        counters.restore(context);
        requiredBefore = RunCounters.requiredCalls(context);
        callsBefore = counters.calls.get();
        callsAtOpen = transport.callCount();
        callsAtLastUpdate = counters.calls.get();
        recordsAtLastUpdate = counters.records.get();
        progress.restart(counters.records.get(), counters.calls.get());
    }

    @Override
    public void update(ExecutionContext context) {
        counters.calls.set(callsBefore + transport.callCount() - callsAtOpen);
        long calls = counters.calls.get() - callsAtLastUpdate;
        long records = counters.records.get() - recordsAtLastUpdate;
        if (calls > 0 || records > 0) {
            ledger.recordProgress(runId, clock.millis(), calls, records);
            callsAtLastUpdate += calls;
            recordsAtLastUpdate += records;
        }
        counters.save(context);
        RunCounters.saveRequiredCalls(context, requiredBefore.plus(migrator.requiredCalls()));
    }

    @Override
    public void close() {
        if (transport instanceof AutoCloseable closeable) {
            try {
                closeable.close();
            } catch (Exception e) {
                throw new IllegalStateException("cannot close " + transport, e);
            }
        }
    }
}
