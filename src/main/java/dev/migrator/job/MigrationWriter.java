package dev.migrator.job;

import dev.migrator.intercom.ConversationMigrator;
import dev.migrator.intercom.ConversationMigrator.Outcome;
import dev.migrator.intercom.IntercomTransport;
import dev.migrator.ledger.Ledger;
import dev.migrator.ledger.Ledger.RejectedItem;
import dev.migrator.mapping.MappedRecord;
import dev.migrator.mapping.MappedRecord.Planned;
import dev.migrator.mapping.MappedRecord.Rejected;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.batch.infrastructure.item.Chunk;
import org.springframework.batch.infrastructure.item.ExecutionContext;
import org.springframework.batch.infrastructure.item.ItemStream;
import org.springframework.batch.infrastructure.item.ItemWriter;

/**
 * Sends a chunk's conversations concurrently (each conversation's own parts in order) and
 * returns only when every one has an outcome, so a committed chunk is really done. Rejects are
 * recorded on this thread, inside the chunk's transaction; a failure that stops the run is
 * thrown only after the other conversations of the chunk have finished.
 */
public class MigrationWriter implements ItemWriter<MappedRecord>, ItemStream {

    private static final Logger log = LoggerFactory.getLogger(MigrationWriter.class);

    private final ConversationMigrator migrator;
    private final Ledger ledger;
    private final long runId;
    private final Executor executor;
    private final IntercomTransport transport;
    private final boolean settling;
    private final Clock clock;
    private final RunProgress progress;
    private final RunCounters counters = new RunCounters();
    private long callsAtOpen;
    private long callsBefore;
    private long callsAtLastUpdate;
    private long recordsAtLastUpdate;

    public MigrationWriter(ConversationMigrator migrator, Ledger ledger, long runId, Executor executor,
                           IntercomTransport transport, boolean settling, Clock clock, RunProgress progress) {
        this.migrator = migrator;
        this.ledger = ledger;
        this.runId = runId;
        this.executor = executor;
        this.transport = transport;
        this.settling = settling;
        this.clock = clock;
        this.progress = progress;
    }

    @Override
    public void write(Chunk<? extends MappedRecord> chunk) throws Exception {
        List<RejectedItem> rejects = new ArrayList<>();
        // Records with the same source id go to one worker, in file order, never side by side.
        Map<String, List<Planned>> bySource = new LinkedHashMap<>();
        for (MappedRecord item : chunk) {
            if (item instanceof Planned planned) {
                bySource.computeIfAbsent(planned.conversation().sourceId(), k -> new ArrayList<>()).add(planned);
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
            futures.add(CompletableFuture.supplyAsync(
                    () -> group.stream().map(p -> migrator.migrate(p.conversation())).toList(), executor));
        }
        Exception failure = null;
        for (int i = 0; i < futures.size(); i++) {
            try {
                List<Outcome> outcomes = futures.get(i).get();
                for (int j = 0; j < outcomes.size(); j++) {
                    if (outcomes.get(j) instanceof Outcome.Refused refused) {
                        rejects.add(new RejectedItem(groups.get(i).get(j).origin(), refused.reason()));
                    }
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
