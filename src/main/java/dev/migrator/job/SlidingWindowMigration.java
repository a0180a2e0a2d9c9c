package dev.migrator.job;

import dev.migrator.delivery.ConversationMigrator;
import dev.migrator.delivery.ConversationMigrator.Outcome;
import dev.migrator.delivery.InboxTally;
import dev.migrator.delivery.RequiredCalls;
import dev.migrator.delivery.WorkspaceDirectory;
import dev.migrator.intercom.ApiRequest;
import dev.migrator.intercom.InFlightWindow;
import dev.migrator.intercom.IntercomTransport;
import dev.migrator.ledger.Ledger;
import dev.migrator.ledger.Ledger.RejectedItem;
import dev.migrator.mapping.MappedRecord;
import dev.migrator.mapping.MappedRecord.Planned;
import dev.migrator.mapping.MappedRecord.Rejected;
import dev.migrator.source.SourceRecord;
import dev.migrator.source.input.ExportReader;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.batch.core.job.JobInterruptedException;
import org.springframework.batch.core.job.parameters.JobParameters;
import org.springframework.batch.core.listener.StepExecutionListener;
import org.springframework.batch.core.scope.context.ChunkContext;
import org.springframework.batch.core.step.StepContribution;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.batch.core.step.StepInterruptionPolicy;
import org.springframework.batch.core.step.tasklet.Tasklet;
import org.springframework.batch.infrastructure.item.ExecutionContext;
import org.springframework.batch.infrastructure.item.ItemProcessor;
import org.springframework.batch.infrastructure.item.ItemStream;
import org.springframework.batch.infrastructure.repeat.RepeatStatus;
import tools.jackson.databind.JsonNode;

/**
 * The migrate step's tasklet: a pipeline that keeps as many conversations in flight as the window
 * allows, continuously, and commits what has finished behind it.
 *
 * <p>The step thread reads records and hands them on while fewer than the window are in flight and
 * the read-ahead (records read but not committed) is within its bound. Each record is planned on a
 * pool sized to the cores, then sent by a worker of its own; records of one conversation are sent
 * one after the other in read order (each waits for the one before it), and once one is deferred
 * the later ones still in the pipeline are deferred with it, unsent. Each call of {@link #execute}
 * is one transaction: it waits until the finished prefix (the leading records, in read order, that
 * all have an outcome) holds a chunk ({@code migration.chunk-size}), then commits that chunk:
 * rejects, deferred records, counters, progress and the reader's position, which is the number of
 * records committed. The workers go on sending meanwhile.
 *
 * <p>A failure stops the reading, lets the records in flight finish, and is thrown: the interval's
 * transaction rolls back, and what was sent is in the ledger, so a restart finds it done. A stop
 * request stops the reading too, and commits everything in flight once it has finished.
 */
class SlidingWindowMigration
        implements Tasklet, ItemStream, StepExecutionListener, StepInterruptionPolicy {

    private static final Logger log = LoggerFactory.getLogger(SlidingWindowMigration.class);

    /** Read-ahead allowed per conversation in flight, besides one chunk. */
    private static final int READ_AHEAD_PER_SLOT = 4;

    /**
     * A dry run's records in planning or being written at once: enough that the reader seldom waits
     * for a planner, few enough that the records read ahead (see {@link #readAheadBound}) leave its
     * in-memory bookkeeping room at {@code -Xmx256m}. It sends nothing, so no window applies.
     */
    private static final int DRY_RUN_IN_FLIGHT = 64;

    /**
     * A dry run commits this many records at a time (or {@code chunk-size}, if more): it starts
     * over when run again, so its commits only keep {@code status} current, and at the default
     * chunk size they would cost more than the rest of the run.
     */
    private static final int DRY_RUN_COMMIT_EVERY = 500;

    private final ExportReader reader;
    private final ItemProcessor<SourceRecord, MappedRecord> planner;
    private final RunParts parts;
    private final WorkspaceDirectory directory;
    private final Ledger ledger;
    private final Clock clock;
    private final RunProgress progress;
    private final int chunkSize;
    private int commitEvery;
    private final int cores = Runtime.getRuntime().availableProcessors();

    private StepExecution stepExecution;
    private long runId;
    private boolean dryRun;
    private IntercomTransport transport;
    private ConversationMigrator migrator;
    private Executor senders;
    private ExecutorService planners;
    private String positionKey;

    private final RunCounters counters = new RunCounters();
    private long callsAtOpen;
    private long callsBefore;
    private long callsAtLastUpdate;
    private long recordsAtLastUpdate;
    private RequiredCalls requiredBefore = RequiredCalls.NONE;
    private InboxTally inboxBefore = InboxTally.NONE;

    /** Guards the pipeline's state below; signalled whenever a record or a call finishes. */
    private final Object lock = new Object();

    private final ArrayDeque<Entry> uncommitted = new ArrayDeque<>();
    private volatile int inFlight;
    private boolean inputEnded;

    /**
     * Finished records among the uncommitted, wherever they are: the prefix is looked for only once
     * there are enough of them (at a dry run's 2,000 records a commit, scanning after every record
     * read would cost more than the reading).
     */
    private int finishedUncommitted;

    private Exception failure;

    /** Records committed: the reader's position (an int, as the reader keeps it). */
    private int committed;

    /** The last record of each conversation still in the pipeline: the next one waits for it. */
    private final Map<String, Entry> lastOfConversation = new ConcurrentHashMap<>();

    /** Records are handed to their conversation in read order, once planned. */
    private CompletableFuture<Void> lastHandedOn = CompletableFuture.completedFuture(null);

    SlidingWindowMigration(
            ExportReader reader,
            ItemProcessor<SourceRecord, MappedRecord> planner,
            RunParts parts,
            WorkspaceDirectory directory,
            int chunkSize) {
        this.reader = reader;
        this.planner = planner;
        this.parts = parts;
        this.directory = directory;
        this.ledger = parts.ledger();
        this.clock = parts.clock();
        this.progress = parts.progress();
        this.chunkSize = chunkSize;
    }

    /** One record in the pipeline, from its reading to its commit. */
    private static final class Entry {
        final SourceRecord source;
        MappedRecord mapped;
        Outcome outcome;
        boolean finished;

        /** Completes when the record is sent or deferred, exceptionally when it never will be. */
        CompletableFuture<Outcome> delivered;

        Entry(SourceRecord source) {
            this.source = source;
        }
    }

    /** Sends under the run's lease (see {@link RunParts#transport}). */
    @Override
    public void beforeStep(StepExecution stepExecution) {
        this.stepExecution = stepExecution;
        runId = stepExecution.getJobExecution().getJobInstanceId();
        JobParameters parameters = stepExecution.getJobExecution().getJobParameters();
        dryRun = MigrationParameters.isDryRun(parameters.getString(MigrationParameters.TARGET));
        commitEvery = dryRun ? Math.max(chunkSize, DRY_RUN_COMMIT_EVERY) : chunkSize;
        transport = parts.transport(parameters, runId);
        migrator =
                parts.migrator(
                        new Signalling(transport),
                        directory,
                        parameters,
                        runId,
                        ConversationMigrator.Mode.MIGRATE);
        // A dry run has no latency to hide: it sends on the thread that hands records on, in
        // reading order, so that its requests file is in reading order.
        senders = dryRun ? Runnable::run : parts.workers();
        AtomicInteger threads = new AtomicInteger();
        planners =
                Executors.newFixedThreadPool(
                        cores,
                        task -> {
                            Thread thread =
                                    new Thread(task, "planner-" + threads.incrementAndGet());
                            thread.setDaemon(true);
                            return thread;
                        });
        synchronized (lock) {
            uncommitted.clear();
            inFlight = 0;
            finishedUncommitted = 0;
            inputEnded = false;
            failure = null;
        }
        lastOfConversation.clear();
        lastHandedOn = CompletableFuture.completedFuture(null);
    }

    @Override
    public void open(ExecutionContext context) {
        counters.restore(context);
        requiredBefore = RunCounters.requiredCalls(context);
        inboxBefore = RunCounters.inboxTally(context);
        callsBefore = counters.calls.get();
        callsAtOpen = transport.callCount();
        callsAtLastUpdate = counters.calls.get();
        recordsAtLastUpdate = counters.records.get();
        progress.restart(counters.records.get(), counters.calls.get());
        // The reader is not one of the step's streams: its own update would save its read-ahead
        // position. Its position here is the count of records committed.
        reader.open(context);
        positionKey = reader.getExecutionContextKey("read.count");
        committed = context.getInt(positionKey, 0);
        progress.sending(this::flight);
    }

    @Override
    public RepeatStatus execute(StepContribution contribution, ChunkContext chunkContext)
            throws Exception {
        while (true) {
            Move move;
            synchronized (lock) {
                move = nextMove();
                if (move == Move.WAIT) {
                    lock.wait();
                    continue;
                }
            }
            switch (move) {
                case READ -> readOne();
                case FAIL -> {
                    throw failure;
                }
                case COMMIT -> {
                    return commit(contribution, commitEvery);
                }
                case COMMIT_ALL -> {
                    return commit(contribution, Integer.MAX_VALUE);
                }
                default -> throw new IllegalStateException(move.toString());
            }
        }
    }

    private enum Move {
        READ,
        WAIT,
        COMMIT,
        COMMIT_ALL,
        FAIL
    }

    /** What the step thread does next. Under the lock. */
    private Move nextMove() {
        if (failure != null) {
            if (inFlight > 0) {
                return Move.WAIT;
            }
            // What finished before the failure is committed first; the next call throws it.
            return finishedPrefix(1) > 0 ? Move.COMMIT_ALL : Move.FAIL;
        }
        if (stopRequested()) {
            return inFlight == 0 ? Move.COMMIT_ALL : Move.WAIT;
        }
        if (finishedUncommitted >= commitEvery && finishedPrefix(commitEvery) >= commitEvery) {
            return Move.COMMIT;
        }
        if (inputEnded) {
            return inFlight == 0 ? Move.COMMIT_ALL : Move.WAIT;
        }
        int limit = limit();
        return inFlight < limit && uncommitted.size() < readAheadBound(limit)
                ? Move.READ
                : Move.WAIT;
    }

    /**
     * The step stops only once what it has in flight is committed: a stop that comes between two
     * calls (Spring Batch notices it as it saves a commit) lets the next call drain and commit.
     */
    @Override
    public void checkInterrupted(StepExecution stepExecution) throws JobInterruptedException {
        boolean drained;
        synchronized (lock) {
            drained = uncommitted.isEmpty();
        }
        if (Thread.currentThread().isInterrupted() || (stopRequested() && drained)) {
            throw new JobInterruptedException("Job interrupted status detected.");
        }
    }

    private boolean stopRequested() {
        return stepExecution.isTerminateOnly() || stepExecution.getJobExecution().isStopping();
    }

    /** The leading finished records, counted up to {@code atMost}. Under the lock. */
    private int finishedPrefix(int atMost) {
        int count = 0;
        for (Iterator<Entry> it = uncommitted.iterator(); it.hasNext() && count < atMost; count++) {
            if (!it.next().finished) {
                break;
            }
        }
        return count;
    }

    /**
     * Conversations that may be in flight now: the window, within {@code migration.concurrency}; a
     * dry run, {@link #DRY_RUN_IN_FLIGHT}.
     */
    private int limit() {
        return dryRun
                ? DRY_RUN_IN_FLIGHT
                : Math.min(window().limit(), parts.migration().maxInFlight());
    }

    private InFlightWindow window() {
        return parts.httpTransport().inFlightWindow();
    }

    /** Records read but not committed: a slow conversation holds at most this many in memory. */
    private int readAheadBound(int limit) {
        return READ_AHEAD_PER_SLOT * limit + commitEvery;
    }

    private RunProgress.Flight flight() {
        int limit = limit();
        int now = inFlight;
        boolean readAheadFull;
        synchronized (lock) {
            readAheadFull = uncommitted.size() >= readAheadBound(limit);
        }
        String limitedBy;
        if (dryRun) {
            limitedBy = "planning";
        } else if (now < limit) {
            // Room in the window, but no record to fill it: the reader is behind, or a slow
            // conversation at the head of the uncommitted ones holds the read-ahead full.
            limitedBy = readAheadFull ? "a slow conversation" : "reading the input";
        } else if (parts.migration().maxInFlight() < window().limit()) {
            limitedBy = "migration.concurrency";
        } else {
            limitedBy = window().bound().description();
        }
        return new RunProgress.Flight(now, limit, limitedBy);
    }

    /** Reads one record and hands it on; a failure to read stops the run like a failed send. */
    private void readOne() {
        SourceRecord record;
        try {
            record = reader.read();
        } catch (Exception e) {
            synchronized (lock) {
                failure = e;
            }
            return;
        }
        if (record == null) {
            synchronized (lock) {
                inputEnded = true;
            }
            return;
        }
        Entry entry = new Entry(record);
        synchronized (lock) {
            uncommitted.add(entry);
            inFlight++;
        }
        CompletableFuture<Planning> planning =
                CompletableFuture.supplyAsync(() -> plan(record), planners);
        lastHandedOn =
                planning.thenCombine(lastHandedOn, (planned, before) -> planned)
                        .thenAccept(planned -> handOn(entry, planned));
    }

    /** A record planned, or why it could not be. */
    private record Planning(MappedRecord mapped, Exception failure) {}

    private Planning plan(SourceRecord record) {
        try {
            return new Planning(planner.process(record), null);
        } catch (Exception e) {
            return new Planning(null, e);
        }
    }

    /**
     * Gives a planned record to its conversation, after the record before it in that conversation.
     * Called in read order, one record after the other.
     */
    private void handOn(Entry entry, Planning planning) {
        if (planning.failure() != null) {
            fail(planning.failure());
            return;
        }
        entry.mapped = planning.mapped();
        if (!(planning.mapped() instanceof Planned planned)) {
            finish(entry, null);
            return;
        }
        try {
            Entry before = lastOfConversation.put(planned.conversation().sourceId(), entry);
            CompletableFuture<Outcome> after =
                    before == null ? CompletableFuture.completedFuture(null) : before.delivered;
            entry.delivered =
                    after.handleAsync(
                            (prior, notSent) -> send(entry, planned, prior, notSent), senders);
        } catch (RuntimeException e) {
            // Handing on must go on for the records after this one: the run stops instead.
            fail(e);
        }
    }

    /**
     * Sends a record, or defers it with the record before it in its conversation; not at all when
     * that one failed, since the conversation cannot go on from it.
     */
    private Outcome send(Entry entry, Planned planned, Outcome prior, Throwable priorNotSent) {
        if (priorNotSent != null) {
            synchronized (lock) {
                inFlight--;
                lock.notifyAll();
            }
            throw new CancellationException("not sent: the record before it failed");
        }
        Outcome outcome;
        try {
            outcome =
                    prior instanceof Outcome.Deferred deferred
                            ? deferred
                            : migrator.migrate(planned.conversation());
        } catch (RuntimeException e) {
            fail(e);
            throw new CompletionException(e);
        }
        finish(entry, outcome);
        return outcome;
    }

    private void finish(Entry entry, Outcome outcome) {
        synchronized (lock) {
            entry.outcome = outcome;
            entry.finished = true;
            finishedUncommitted++;
            inFlight--;
            lock.notifyAll();
        }
        progress.recordsFinished(1, calls());
    }

    private void fail(Exception e) {
        synchronized (lock) {
            if (failure == null) {
                failure = e;
            } else if (failure != e) {
                failure.addSuppressed(e);
            }
            inFlight--;
            lock.notifyAll();
        }
    }

    /**
     * Commits up to {@code atMost} records of the finished prefix in this call's transaction: their
     * rejects, deferred records and warnings, and (in {@link #update}) the position after them.
     */
    private RepeatStatus commit(StepContribution contribution, int atMost) {
        List<Entry> batch = new ArrayList<>();
        boolean done;
        synchronized (lock) {
            while (batch.size() < atMost
                    && !uncommitted.isEmpty()
                    && uncommitted.peekFirst().finished) {
                batch.add(uncommitted.pollFirst());
                finishedUncommitted--;
            }
            done = inputEnded && uncommitted.isEmpty() && failure == null;
        }
        List<RejectedItem> rejects = new ArrayList<>();
        List<Planned> deferred = new ArrayList<>();
        for (Entry entry : batch) {
            if (entry.mapped instanceof Rejected rejected) {
                rejects.add(new RejectedItem(rejected.origin(), rejected.reason()));
            } else if (entry.mapped instanceof Planned planned) {
                planned.conversation().warnings().forEach(w -> log.info("Warning: {}", w));
                counters.warnings.addAndGet(planned.conversation().warnings().size());
                if (entry.outcome instanceof Outcome.Refused refused) {
                    rejects.add(new RejectedItem(planned.origin(), refused.reason()));
                } else if (entry.outcome instanceof Outcome.Deferred) {
                    deferred.add(planned);
                }
                lastOfConversation.remove(planned.conversation().sourceId(), entry);
            }
            contribution.incrementReadCount();
        }
        ledger.recordRejects(runId, rejects);
        ledger.recordDeferred(runId, deferred);
        contribution.incrementWriteCount(batch.size());
        counters.records.addAndGet(batch.size());
        committed += batch.size();
        if (done) {
            return RepeatStatus.FINISHED;
        }
        return RepeatStatus.CONTINUABLE;
    }

    private long calls() {
        return callsBefore + transport.callCount() - callsAtOpen;
    }

    @Override
    public void update(ExecutionContext context) {
        counters.calls.set(calls());
        long calls = counters.calls.get() - callsAtLastUpdate;
        long records = counters.records.get() - recordsAtLastUpdate;
        if (calls > 0 || records > 0) {
            ledger.recordProgress(runId, clock.millis(), calls, records);
            callsAtLastUpdate += calls;
            recordsAtLastUpdate += records;
        }
        counters.save(context);
        RunCounters.saveRequiredCalls(context, requiredBefore.plus(migrator.requiredCalls()));
        RunCounters.saveInboxTally(context, inboxBefore.plus(migrator.inboxTally()));
        if (positionKey != null) {
            context.putInt(positionKey, committed);
        }
    }

    /**
     * The step ends: what is still in flight (a stop that landed as a commit was saved) finishes
     * first, uncommitted, so that nothing is sent once the step has ended.
     */
    @Override
    public void close() {
        try {
            synchronized (lock) {
                while (inFlight > 0) {
                    lock.wait();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            progress.sending(() -> null);
            reader.close();
            if (planners != null) {
                planners.shutdownNow();
            }
            if (transport instanceof AutoCloseable closeable) {
                try {
                    closeable.close();
                } catch (Exception e) {
                    throw new IllegalStateException("cannot close " + transport, e);
                }
            }
        }
    }

    /**
     * Wakes the step thread after every call: each answer may move the window, and a wider window
     * lets more records in at once.
     */
    private final class Signalling implements IntercomTransport {
        private final IntercomTransport delegate;

        Signalling(IntercomTransport delegate) {
            this.delegate = delegate;
        }

        @Override
        public JsonNode exchange(ApiRequest request) {
            try {
                return delegate.exchange(request);
            } finally {
                synchronized (lock) {
                    lock.notifyAll();
                }
            }
        }

        @Override
        public long callCount() {
            return delegate.callCount();
        }
    }
}
