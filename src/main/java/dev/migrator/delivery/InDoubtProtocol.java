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
 * answer was lost. Nothing here waits for that: a look that cannot tell yet throws {@link
 * SearchNotCaughtUp}, the conversation is deferred, and the settle step looks again, in rounds,
 * until Intercom can tell.
 */
public class InDoubtProtocol {

    private static final Logger log = LoggerFactory.getLogger(InDoubtProtocol.class);

    /**
     * A request that keeps losing its answer points at a broken network: the run stops, to be
     * resumed.
     */
    public static final int MAX_LOST_ANSWERS = 10;

    private final Duration window;
    private final Clock clock;

    /**
     * @param window how long after a lost answer search may still not show its effect
     */
    public InDoubtProtocol(Duration window, Clock clock) {
        this.window = window;
        this.clock = clock;
    }

    /** Pauses before a look again; tests pass one that moves their clock instead of sleeping. */
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
     * Intercom cannot tell yet whether a request in doubt happened: the conversation waits for the
     * settle step, which can decide it at {@code decidableAt} (epoch millis) at the latest, when
     * "not found" may be believed.
     */
    public static final class SearchNotCaughtUp extends RuntimeException {
        private final long decidableAt;

        SearchNotCaughtUp(long decidableAt) {
            super(null, null, false, false);
            this.decidableAt = decidableAt;
        }

        public long decidableAt() {
            return decidableAt;
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
     * Looks once for the effect of a request whose answer was lost at {@code lostAt} (epoch
     * millis): found, or not found once the in-doubt window has passed; else it throws {@link
     * SearchNotCaughtUp}.
     */
    public <T> Optional<T> search(long lostAt, Supplier<Optional<T>> search) {
        Optional<T> found = search.get();
        if (found.isPresent() || clock.millis() >= lostAt + window.toMillis()) {
            return found;
        }
        throw new SearchNotCaughtUp(lostAt + window.toMillis());
    }
}
