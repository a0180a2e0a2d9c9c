package dev.migrator.job;

import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * Where the running migration is, for the progress display: records the migrate step has finished
 * (committed or not yet), and the calls they took, and how many conversations it has in flight;
 * then, in the settle step, how many records wait for Intercom's search and until when. Live
 * figures only; what a run did is in the job repository and the ledger.
 */
public class RunProgress {

    private final AtomicLong records = new AtomicLong();
    private final AtomicLong calls = new AtomicLong();
    private volatile long recordsAtStart = -1;
    private volatile long callsAtStart;
    private volatile Settling settling = new Settling(0, 0);
    private volatile Supplier<Flight> flight = () -> null;

    /**
     * The migrate step's sending now: {@code inFlight} conversations being sent, of at most {@code
     * limit}, held there by {@code limitedBy} (for example "Intercom's rate limit").
     */
    public record Flight(int inFlight, int limit, String limitedBy) {}

    /**
     * The settle step's wait: {@code records} deferred records that Intercom's search cannot
     * confirm yet, decidable by {@code untilMillis} (epoch millis) at the latest; none when 0.
     */
    public record Settling(int records, long untilMillis) {}

    /** Before a run starts: nothing known yet. */
    public void reset() {
        recordsAtStart = -1;
        settling = new Settling(0, 0);
        flight = () -> null;
        records.set(0);
        calls.set(0);
    }

    /** The migrate step (re)starts with the records and calls its commits already account for. */
    void restart(long recordsDone, long callsMade) {
        records.set(recordsDone);
        calls.set(callsMade);
        callsAtStart = callsMade;
        recordsAtStart = recordsDone;
    }

    /** Calls already made when this process started the step. */
    public long callsAtStart() {
        return callsAtStart;
    }

    /** Records already done when this process started the step, or -1 before it has started. */
    public long recordsAtStart() {
        return recordsAtStart;
    }

    /** Records finished (sent, rejected or deferred) one by one, as they finish. */
    void recordsFinished(long finished, long callsMade) {
        records.addAndGet(finished);
        calls.set(callsMade);
    }

    /** Where the migrate step's sending can be seen while it runs. */
    void sending(Supplier<Flight> now) {
        flight = now;
    }

    /** The migrate step's sending now; {@code null} when it is not sending. */
    public Flight flight() {
        return flight.get();
    }

    void settling(int records, long untilMillis) {
        settling = new Settling(records, untilMillis);
    }

    public Settling settling() {
        return settling;
    }

    public long records() {
        return records.get();
    }

    public long calls() {
        return calls.get();
    }
}
