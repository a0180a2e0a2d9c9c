package dev.migrator.delivery;

import dev.migrator.intercom.IntercomUnavailableException;
import dev.migrator.intercom.OutcomeUnknownException;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How a request that Intercom must not take twice is sent. Intercom has no idempotency key, so a
 * create whose answer is lost (timeout, reset, 5xx) may or may not have happened: it is never sent
 * again before Intercom has been asked for its effect. Search lags behind creation, so "not found"
 * is believed only once the in-doubt window (search lag plus request timeout) has passed since the
 * answer was lost. The migrate step does not wait for that: it defers the conversation, and the
 * settle step, which waits, finishes it.
 */
public class InDoubtProtocol {

    private static final Logger log = LoggerFactory.getLogger(InDoubtProtocol.class);

    /**
     * A request that keeps losing its answer points at a broken network: the run stops, to be
     * resumed.
     */
    static final int MAX_LOST_ANSWERS = 10;

    private final Duration window;
    private final Clock clock;
    private final Waiter waiter;
    private final boolean waitsForSearch;

    /**
     * @param window how long after a lost answer search may still not show its effect
     * @param waitsForSearch true in the settle step; false in the migrate step, which defers
     *     instead
     */
    public InDoubtProtocol(Duration window, Clock clock, Waiter waiter, boolean waitsForSearch) {
        this.window = window;
        this.clock = clock;
        this.waiter = waiter;
        this.waitsForSearch = waitsForSearch;
    }

    /** Pauses between two looks; tests pass one that moves their clock instead of sleeping. */
    @FunctionalInterface
    public interface Waiter {
        void waitMillis(long millis);

        Waiter SLEEP =
                millis -> {
                    try {
                        Thread.sleep(millis);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new IntercomUnavailableException("interrupted");
                    }
                };
    }

    /**
     * Search cannot tell yet whether a create in doubt happened: the conversation waits for the
     * settle step.
     */
    public static final class SearchNotCaughtUp extends RuntimeException {
        SearchNotCaughtUp() {
            super(null, null, false, false);
        }
    }

    /**
     * Sends the request; when its answer is lost, asks {@code lookup} whether it took effect, and
     * sends it again only when it did not. A refusal ({@code ApiErrorException}) is passed on: the
     * request certainly did not happen.
     *
     * @param what the request, for the log and for the message that stops the run
     * @param lookup the request's effect in Intercom, if it is there
     */
    public <T> T send(String what, Supplier<T> send, Supplier<Optional<T>> lookup) {
        for (int lost = 1; ; lost++) {
            try {
                return send.get();
            } catch (OutcomeUnknownException e) {
                log.info("Lost the answer to {} ({}); checking Intercom", what, e.getMessage());
                Optional<T> done = lookup.get();
                if (done.isPresent()) {
                    return done.get();
                }
                if (lost >= MAX_LOST_ANSWERS) {
                    throw new IntercomUnavailableException(
                            what + " lost its answer " + lost + " times: " + e.getMessage());
                }
            }
        }
    }

    /**
     * Searches for the effect of a request whose answer was lost at {@code lostAt} (epoch millis)
     * until it is found or the in-doubt window has passed. In the migrate step, a search that has
     * not caught up runs {@code beforeDeferring} and throws {@link SearchNotCaughtUp}.
     */
    public <T> Optional<T> search(
            long lostAt, Supplier<Optional<T>> search, Runnable beforeDeferring) {
        while (true) {
            Optional<T> found = search.get();
            if (found.isPresent()) {
                return found;
            }
            long remaining = lostAt + window.toMillis() - clock.millis();
            if (remaining <= 0) {
                return Optional.empty();
            }
            if (!waitsForSearch) {
                beforeDeferring.run();
                throw new SearchNotCaughtUp();
            }
            waiter.waitMillis(Math.min(remaining, 1_000));
        }
    }
}
