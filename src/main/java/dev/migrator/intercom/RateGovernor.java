package dev.migrator.intercom;

import dev.migrator.support.UpperBound;
import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import io.github.resilience4j.ratelimiter.RequestNotPermitted;
import java.net.http.HttpHeaders;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * One gate for every call to Intercom. A Resilience4j {@link RateLimiter} spreads calls at the rate
 * in force; every answer's {@code X-RateLimit-*} headers then win over it: the server's per-window
 * limit becomes the rate at once, up or down (never above the configured {@code
 * requests-per-minute} when that is a number; from Intercom's default 10,000 a minute until the
 * first answer when it is {@code auto}), calls stop when the server's window has no room left
 * (counting those in flight), and a 429 holds everyone until the window resets. It tells the {@link
 * InFlightWindow} the rate in force and when it holds calls back.
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

    /** Replaced, not changed, when the rate in force changes: see {@link #release}. */
    private volatile RateLimiter limiter;

    private final Clock clock;
    private final InFlightWindow window;

    /** The configured upper bound per window; {@code Integer.MAX_VALUE} when auto. */
    private final int capPerWindow;

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

    public RateGovernor(UpperBound requestsPerMinute, Clock clock, InFlightWindow window) {
        this.clock = clock;
        this.window = window;
        this.capPerWindow =
                requestsPerMinute.isAuto()
                        ? Integer.MAX_VALUE
                        : perWindow(requestsPerMinute.orElse(0));
        int initialPerWindow =
                Math.min(capPerWindow, perWindow(IntercomProperties.DEFAULT_REQUESTS_PER_MINUTE));
        this.limiter = limiter(initialPerWindow);
        window.rateLimit(initialPerWindow, WINDOW);
    }

    /**
     * Blocks until a call may be sent; every acquire is followed by exactly one {@link #release}.
     */
    public void acquire() throws InterruptedException {
        synchronized (this) {
            for (long wait = millisUntilAdmitted(); wait > 0; wait = millisUntilAdmitted()) {
                window.heldByRateLimit();
                wait(wait);
            }
            inFlight++;
        }
        try {
            long nanos = limiter.reservePermission();
            if (nanos < 0) {
                throw RequestNotPermitted.createRequestNotPermitted(limiter);
            }
            if (nanos > 0) {
                window.heldByRateLimit();
                TimeUnit.NANOSECONDS.sleep(nanos);
            }
        } catch (RuntimeException | InterruptedException e) {
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
            int inForce = (int) Math.min(capPerWindow, limit);
            if (limit > 0 && inForce != limitPerWindow()) {
                // Resilience4j's changeLimitForPeriod waits for its next 10-second cycle, which
                // is not the server's: a workspace's 25,000 a minute would be held to the first
                // guess for up to a window. A new limiter applies it now; the server's own window
                // (its remaining calls, above) still keeps the run within it.
                limiter = limiter(inForce);
                window.rateLimit(inForce, WINDOW);
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

    /** Calls the limiter would let go now, the server's window aside. */
    int permitsLeft() {
        return limiter.getMetrics().getAvailablePermissions();
    }

    /** The per-window limit in force. */
    int limitPerWindow() {
        return limiter.getRateLimiterConfig().getLimitForPeriod();
    }

    private static RateLimiter limiter(int perWindow) {
        return RateLimiter.of(
                "intercom",
                RateLimiterConfig.custom()
                        .limitRefreshPeriod(WINDOW)
                        .limitForPeriod(perWindow)
                        .timeoutDuration(Duration.ofMinutes(10))
                        .build());
    }

    private static int perWindow(int requestsPerMinute) {
        return Math.max(1, requestsPerMinute / 6);
    }

    private static long jitter() {
        return ThreadLocalRandom.current().nextInt(MAX_JITTER_MILLIS);
    }
}
