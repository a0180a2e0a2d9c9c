package dev.migrator.intercom;

import java.time.Clock;
import java.time.Duration;

/**
 * How many conversations a run may have in flight at once, learned from Intercom's answers.
 *
 * <p>A conversation sends its calls one after another, so each one in flight makes about one call
 * per answer time; filling a rate of R calls per second takes R × answer time of them (Little's
 * law). The window aims at that times {@link #HEADROOM}, so that the rate limit, not the window, is
 * what holds calls back: its target grows when answers slow down, since latency here is distance,
 * not a server in trouble. It starts at {@link #INITIAL} and stands at its target from the first
 * answer on (the rate is known and the governor keeps calls within it: nothing to probe), except
 * while the rate limit already holds calls back. A 429, a 5xx or a call that got no answer halves
 * it (once per round of answers: those already in flight bring the same news; at most once a
 * second), and it then recovers by about one per round of answers. The target is never below {@link
 * #MIN_TARGET}. Never below 1, never above {@link #CEILING}. Fed by {@link HttpTransport} (every
 * call's outcome) and {@link RateGovernor} (the rate in force, calls held back); deterministic
 * under its clock.
 */
public class InFlightWindow {

    /** The most conversations in flight, however slow the answers. */
    public static final int CEILING = 512;

    /** Before any answer: enough to learn the answer time quickly, few enough to be harmless. */
    static final int INITIAL = 16;

    /**
     * The fewest the window aims at, errors aside. The conversation's own work between calls
     * (ledger writes) is not measured: against a server that answers in a few milliseconds it is
     * most of a call's time, and a window sized from the answer time alone would leave the rate
     * unfilled and put every retry of a burst of errors on one or two conversations.
     */
    static final int MIN_TARGET = 8;

    /**
     * Errors halve the window at most once per round of answers, and never more often than this:
     * against a fast server a round is milliseconds, and a burst of errors would halve it to 1.
     */
    static final Duration MIN_ROUND = Duration.ofSeconds(1);

    /**
     * The window over what the rate and answer time need: covers the conversation's own work
     * between calls and the answer time's spread.
     */
    static final double HEADROOM = 1.5;

    /** Weight of each new answer time in the moving average. */
    static final double LATENCY_WEIGHT = 0.1;

    /** How long after the governor last held a call back the rate limit counts as binding. */
    static final Duration HELD_RECENTLY = Duration.ofSeconds(1);

    /** What holds the window where it is. */
    public enum Bound {
        /** The window is sized to fill the server's rate limit; the limit holds calls back. */
        RATE_LIMIT("Intercom's rate limit"),
        /**
         * The window is still growing toward what the measured answer time needs, or stands at its
         * ceiling, which answers this slow cannot fill the rate with.
         */
        LATENCY("answer time"),
        /** Backing off after 429s, 5xx answers or failed calls. */
        BACKING_OFF("backing off after errors");

        private final String description;

        Bound(String description) {
            this.description = description;
        }

        public String description() {
            return description;
        }
    }

    private final Clock clock;
    private double window = INITIAL;
    private double callsPerSecond;

    /** Moving average of the answer time, in seconds; 0 until the first answer. */
    private double answerSeconds;

    private boolean recovering;
    private long lastDecreaseAt = Long.MIN_VALUE;
    private long lastHeldAt = Long.MIN_VALUE;

    /** A window for a rate of {@code requestsPerMinute} until the server tells its own. */
    public InFlightWindow(Clock clock, int requestsPerMinute) {
        this.clock = clock;
        this.callsPerSecond = requestsPerMinute / 60.0;
    }

    /** Conversations that may be in flight now (at least 1). */
    public synchronized int limit() {
        return Math.max(1, (int) window);
    }

    /** What holds the window at {@link #limit()}. */
    public synchronized Bound bound() {
        if (heldRecently()) {
            return Bound.RATE_LIMIT;
        }
        if (recovering) {
            return Bound.BACKING_OFF;
        }
        if (answerSeconds == 0 || window >= CEILING || window < target()) {
            return Bound.LATENCY;
        }
        return Bound.RATE_LIMIT;
    }

    /** The rate in force: the governor's per-window limit. */
    synchronized void rateLimit(int callsPerWindow, Duration window) {
        callsPerSecond = callsPerWindow / (window.toMillis() / 1000.0);
    }

    /** The governor held a call back for the rate limit: the window is wide enough. */
    synchronized void heldByRateLimit() {
        lastHeldAt = clock.millis();
    }

    /** A call was answered with {@code status} after {@code answerTime}. */
    synchronized void answered(int status, Duration answerTime) {
        if (status == 429 || status >= 500) {
            decrease();
            return;
        }
        sample(answerTime);
    }

    /**
     * A conversation's worker spent {@code time} between its calls on work of its own with another
     * server (a source's files checked or downloaded): counted as one more answer time, so that the
     * window holds enough conversations to fill the rate while some of them wait on that server.
     */
    public synchronized void workedBetweenCalls(Duration time) {
        sample(time);
    }

    private void sample(Duration time) {
        double seconds = time.toNanos() / 1e9;
        answerSeconds =
                answerSeconds == 0
                        ? seconds
                        : answerSeconds + LATENCY_WEIGHT * (seconds - answerSeconds);
        double target = target();
        if (window < target && !heldRecently()) {
            // The rate is known and the governor keeps calls within it, so there is nothing to
            // probe for: the window stands at its target at once. After errors it creeps back.
            window = recovering ? window + 1 / window : target;
        }
        if (window >= target) {
            window = target; // and when answers got faster, fewer conversations fill the rate
            recovering = false;
        }
    }

    /** A call got no answer (connection refused or reset, timeout). */
    synchronized void failed() {
        decrease();
    }

    /**
     * Halves the window, once per round of answers: the calls in flight when the first error came
     * bring the same news and should not halve it again.
     */
    private void decrease() {
        long now = clock.millis();
        long round = Math.max(MIN_ROUND.toMillis(), (long) (answerSeconds * 1000));
        if (lastDecreaseAt != Long.MIN_VALUE && now - lastDecreaseAt < round) {
            return;
        }
        lastDecreaseAt = now;
        window = Math.max(1, window / 2);
        recovering = true;
    }

    /** Conversations that fill the rate at the measured answer time, with headroom. */
    private double target() {
        if (answerSeconds == 0) {
            return INITIAL;
        }
        return Math.max(
                MIN_TARGET,
                Math.min(CEILING, Math.ceil(callsPerSecond * answerSeconds * HEADROOM)));
    }

    private boolean heldRecently() {
        return lastHeldAt != Long.MIN_VALUE
                && clock.millis() - lastHeldAt < HELD_RECENTLY.toMillis();
    }
}
