package dev.migrator.intercom;

import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import java.net.http.HttpHeaders;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * One gate for every call to Intercom. A Resilience4j {@link RateLimiter} spreads calls at the
 * configured rate; every answer's {@code X-RateLimit-*} headers then win over it: a lower
 * per-window limit replaces the configured one at once, calls stop when the server's window has no
 * room left (counting those in flight), and a 429 holds everyone until the window resets.
 */
public class RateGovernor {

    /** Intercom meters its limits per 10-second window. */
    static final Duration WINDOW = Duration.ofSeconds(10);

    /** Spreads the threads that wake at a reset, so they do not arrive at once. */
    static final int MAX_JITTER_MILLIS = 250;

    /**
     * A 429 whose reset is already past by our clock (skew, or no header) still waits this long.
     */
    static final long MIN_PAUSE_MILLIS = 1_000;

    private final RateLimiter limiter;
    private final Clock clock;

    /**
     * The server's window the latest answers speak of: its X-RateLimit-Reset, in the server's
     * clock.
     */
    private long serverWindowResetAt;

    /**
     * When that window ends by our clock: its reset, but never more than a window after we heard of
     * it.
     */
    private long windowEndsAt;

    private int serverRemaining = Integer.MAX_VALUE;
    private int inFlight;
    private long pausedUntil;

    public RateGovernor(int requestsPerMinute, Clock clock) {
        this.clock = clock;
        this.limiter =
                RateLimiter.of(
                        "intercom",
                        RateLimiterConfig.custom()
                                .limitRefreshPeriod(WINDOW)
                                .limitForPeriod(Math.max(1, requestsPerMinute / 6))
                                .timeoutDuration(Duration.ofMinutes(10))
                                .build());
    }

    /**
     * Blocks until a call may be sent; every acquire is followed by exactly one {@link #release}.
     */
    public void acquire() throws InterruptedException {
        synchronized (this) {
            for (long wait = millisUntilAdmitted(); wait > 0; wait = millisUntilAdmitted()) {
                wait(wait);
            }
            inFlight++;
        }
        try {
            RateLimiter.waitForPermission(limiter);
        } catch (RuntimeException e) {
            release(null, 0);
            throw e;
        }
    }

    /** Learns from an answer (headers may be null when none came) and frees the call's place. */
    public synchronized void release(HttpHeaders headers, int status) {
        inFlight--;
        if (headers != null) {
            long resetAt = headers.firstValueAsLong("X-RateLimit-Reset").orElse(0) * 1000;
            long remaining = headers.firstValueAsLong("X-RateLimit-Remaining").orElse(-1);
            long limit = headers.firstValueAsLong("X-RateLimit-Limit").orElse(-1);
            if (resetAt > serverWindowResetAt) {
                // A server clock ahead of ours would otherwise hold calls for as long as it is
                // ahead.
                serverWindowResetAt = resetAt;
                windowEndsAt = Math.min(resetAt, clock.millis() + WINDOW.toMillis());
                serverRemaining = Integer.MAX_VALUE;
            }
            if (resetAt == serverWindowResetAt && remaining >= 0) {
                serverRemaining =
                        (int) Math.min(serverRemaining, remaining); // answers arrive out of order
            }
            if (limit > 0 && limit < limiter.getRateLimiterConfig().getLimitForPeriod()) {
                limiter.changeLimitForPeriod((int) limit);
            }
            if (status == 429) {
                // Past the reset, never longer than a window: the server's clock may not be ours.
                long now = clock.millis();
                long until =
                        Math.min(
                                Math.max(resetAt, now + MIN_PAUSE_MILLIS), now + WINDOW.toMillis());
                pausedUntil = Math.max(pausedUntil, until + jitter());
            }
        }
        notifyAll();
    }

    /**
     * How long a call asking now must wait before it may be sent (0: at once); what {@link
     * #acquire} waits on.
     */
    synchronized long millisUntilAdmitted() {
        long now = clock.millis();
        if (now >= windowEndsAt) {
            serverRemaining =
                    Integer.MAX_VALUE; // a new server window: its room is unknown until an answer
            // says
        }
        long waitUntil =
                Math.max(
                        pausedUntil, serverRemaining - inFlight <= 0 ? windowEndsAt + jitter() : 0);
        return Math.max(0, waitUntil - now);
    }

    /** The per-window limit in force. */
    int limitPerWindow() {
        return limiter.getRateLimiterConfig().getLimitForPeriod();
    }

    private static long jitter() {
        return ThreadLocalRandom.current().nextInt(MAX_JITTER_MILLIS);
    }
}
