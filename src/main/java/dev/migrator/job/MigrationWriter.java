package dev.migrator.job;

import dev.migrator.delivery.AdminDirectory;
import dev.migrator.delivery.ConversationMigrator;
import dev.migrator.delivery.ConversationMigrator.Outcome;
import dev.migrator.intercom.IntercomTransport;
import dev.migrator.ledger.Ledger;
import dev.migrator.ledger.Ledger.Place;
import dev.migrator.ledger.Ledger.RejectedItem;
import dev.migrator.mapping.MappedRecord;
import dev.migrator.mapping.MappedRecord.Planned;
import dev.migrator.mapping.MappedRecord.Rejected;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
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
 * Sends a chunk's conversations concurrently (each conversation's own parts in order) and returns
 * only when every one has an outcome, so a committed chunk is really done. Rejects are recorded on
 * this thread, inside the chunk's transaction; a failure that stops the run is thrown only after
 * the other conversations of the chunk have finished. It learns its run (the job instance and the
 * target workspace) when its step starts.
 */
public class MigrationWriter
        implements ItemWriter<MappedRecord>, ItemStream, StepExecutionListener {

    private static final Logger log = LoggerFactory.getLogger(MigrationWriter.class);

    private final RunParts parts;
    private final AdminDirectory admins;
    private final ConversationMigrator.Mode mode;
    private final boolean settling;
    private final Ledger ledger;
    private final Clock clock;
    private final RunProgress progress;
    private ConversationMigrator migrator;
    private long runId;
    private Executor executor;
    private IntercomTransport transport;

    /** In the settle step: the records the migrate step deferred, by their place in the inputs. */
    private Set<Place> deferred = Set.of();

    private final RunCounters counters = new RunCounters();
    private long callsAtOpen;
    private long callsBefore;
    private long callsAtLastUpdate;
    private long recordsAtLastUpdate;

    MigrationWriter(RunParts parts, AdminDirectory admins, ConversationMigrator.Mode mode) {
        this.parts = parts;
        this.admins = admins;
        this.mode = mode;
        this.settling = mode == ConversationMigrator.Mode.SETTLE;
        this.ledger = parts.ledger();
        this.clock = parts.clock();
        this.progress = parts.progress();
    }

    /**
     * Sends through the real client, or for a dry run through a transport that writes the run's
     * requests file; either way under the run's lease, which the runner took.
     */
    @Override
    public void beforeStep(StepExecution stepExecution) {
        runId = stepExecution.getJobExecution().getJobInstanceId();
        JobParameters parameters = stepExecution.getJobExecution().getJobParameters();
        String target = parameters.getString(MigrationParameters.TARGET);
        boolean dryRun = MigrationParameters.isDryRun(target);
        RunLeases.Lease lease = parts.leases().held(MigrationParameters.leaseKey(parameters));
        transport = dryRun ? parts.dryRunTransport(runId) : parts.liveTransport(lease);
        // A dry run has no latency to hide; one conversation at a time keeps its requests file in
        // reading order.
        executor = dryRun ? new SyncTaskExecutor() : parts.workers();
        if (settling) {
            deferred = ledger.deferred(runId);
        }
        migrator =
                parts.migrator(
                        transport,
                        admins,
                        MigrationParameters.ledgerWorkspace(target, runId),
                        runId,
                        mode,
                        lease,
                        MigrationParameters.adoptsExisting(parameters));
    }

    @Override
    public void write(Chunk<? extends MappedRecord> chunk) throws Exception {
        List<RejectedItem> rejects = new ArrayList<>();
        // Records with the same source id go to one worker, in file order, never side by side.
        Map<String, List<Planned>> bySource = new LinkedHashMap<>();
        for (MappedRecord item : chunk) {
            if (settling && !wasDeferred(item)) {
                continue; // the settle step finishes the records the migrate step deferred, only
            }
            if (item instanceof Planned planned) {
                bySource.computeIfAbsent(planned.conversation().sourceId(), k -> new ArrayList<>())
                        .add(planned);
            }
            if (settling) {
                continue; // the migrate step has counted these records and recorded their rejects
            }
            if (item instanceof Rejected rejected) {
                rejects.add(new RejectedItem(rejected.origin(), rejected.reason()));
            } else if (item instanceof Planned planned) {
                planned.conversation().warnings().forEach(w -> log.info("Warning: {}", w));
                counters.warnings.addAndGet(planned.conversation().warnings().size());
            }
        }
        if (!settling) {
            counters.records.addAndGet(chunk.size());
            progress.chunkWritten(chunk.size(), callsBefore + transport.callCount() - callsAtOpen);
        }
        List<CompletableFuture<List<Outcome>>> futures = new ArrayList<>();
        List<List<Planned>> groups = new ArrayList<>(bySource.values());
        for (List<Planned> group : groups) {
            futures.add(
                    CompletableFuture.supplyAsync(
                            () ->
                                    group.stream()
                                            .map(p -> migrator.migrate(p.conversation()))
                                            .toList(),
                            executor));
        }
        Exception failure = null;
        List<Place> deferredNow = new ArrayList<>();
        List<Place> settledNow = new ArrayList<>();
        for (int i = 0; i < futures.size(); i++) {
            try {
                List<Outcome> outcomes = futures.get(i).get();
                for (int j = 0; j < outcomes.size(); j++) {
                    Place place = Place.of(groups.get(i).get(j).origin());
                    if (outcomes.get(j) instanceof Outcome.Refused refused) {
                        rejects.add(
                                new RejectedItem(groups.get(i).get(j).origin(), refused.reason()));
                    }
                    (outcomes.get(j) instanceof Outcome.Deferred ? deferredNow : settledNow)
                            .add(place);
                }
            } catch (ExecutionException e) {
                if (failure == null) {
                    failure = e.getCause() instanceof Exception cause ? cause : e;
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
        ledger.recordRejects(runId, rejects);
        if (settling) {
            ledger.forgetDeferred(runId, settledNow);
        } else {
            ledger.recordDeferred(runId, deferredNow);
        }
    }

    private boolean wasDeferred(MappedRecord item) {
        return item instanceof Planned planned && deferred.contains(Place.of(planned.origin()));
    }

    @Override
    public void open(ExecutionContext context) {
        counters.restore(context);
        callsBefore = counters.calls.get();
        callsAtOpen = transport.callCount();
        callsAtLastUpdate = counters.calls.get();
        recordsAtLastUpdate = counters.records.get();
        if (!settling) {
            progress.restart(counters.records.get(), counters.calls.get());
        }
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
