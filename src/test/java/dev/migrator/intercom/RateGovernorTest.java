package dev.migrator.intercom;

import static dev.migrator.intercom.RateGovernor.MAX_JITTER_MILLIS;
import static dev.migrator.intercom.RateGovernor.MIN_PAUSE_MILLIS;
import static dev.migrator.intercom.RateGovernor.WINDOW;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.migrator.support.UpperBound;
import dev.migrator.testserver.FakeIntercom.ManualClock;
import java.net.http.HttpHeaders;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What the governor decides, read from {@link RateGovernor#millisUntilAdmitted()} under a clock the
 * test moves: no test waits. A wait may carry up to {@code MAX_JITTER_MILLIS} of random spread, so
 * a held call is checked to wait at least until the reset and at most that much more.
 */
class RateGovernorTest {

    /** 600 a minute: 100 per 10-second window, more than any test here asks for. */
    private static final int REQUESTS_PER_MINUTE = 600;

    private static final Instant START = Instant.parse("2024-05-01T12:00:07Z");

    private final ManualClock clock = new ManualClock(START);
    private final InFlightWindow window = new InFlightWindow(clock, REQUESTS_PER_MINUTE);
    private final RateGovernor governor =
            new RateGovernor(UpperBound.of(REQUESTS_PER_MINUTE), clock, window);

    @Test
    void theConfiguredRateAppliesUntilTheServerSaysOtherwise() throws InterruptedException {
        assertThat(governor.limitPerWindow()).isEqualTo(REQUESTS_PER_MINUTE / 6);

        for (int call = 0; call < 5; call++) {
            admit(); // the server's room is unknown before its first answer: nothing holds these
        }
        releaseWith(headers(Map.of()), 200);

        assertThat(governor.limitPerWindow()).isEqualTo(REQUESTS_PER_MINUTE / 6);
        assertThat(governor.millisUntilAdmitted()).isZero();
    }

    @Test
    void aLowerServerLimitReplacesTheConfiguredOneAtOnce() throws InterruptedException {
        admit();
        releaseWith(rateLimit(40, 39, resetIn(10)), 200);

        assertThat(governor.limitPerWindow()).isEqualTo(40);
    }

    @Test
    void aHigherServerLimitDoesNotRaiseTheConfiguredOne() throws InterruptedException {
        admit();
        releaseWith(rateLimit(1_000, 999, resetIn(10)), 200);

        assertThat(governor.limitPerWindow()).isEqualTo(REQUESTS_PER_MINUTE / 6);
    }

    @Test
    void automaticallyTheRateStartsAtIntercomsDefaultAndFollowsTheServerUpAndDown()
            throws InterruptedException {
        RateGovernor automatic = new RateGovernor(UpperBound.AUTO, clock, window);
        assertThat(automatic.limitPerWindow()).isEqualTo(10_000 / 6);

        automatic.acquire();
        automatic.release(rateLimit(25_000 / 6, 4_000, resetIn(10)), 200);
        assertThat(automatic.limitPerWindow()).as("a workspace's higher limit").isEqualTo(4_166);

        automatic.acquire();
        automatic.release(rateLimit(166, 100, resetIn(10)), 200);
        assertThat(automatic.limitPerWindow()).as("a small app's lower one").isEqualTo(166);
    }

    @Test
    void aHigherServerLimitAppliesNowNotFromTheLimitersNextCycle() throws InterruptedException {
        RateGovernor automatic = new RateGovernor(UpperBound.AUTO, clock, window);
        automatic.acquire();
        automatic.release(rateLimit(25_000 / 6, 4_000, resetIn(10)), 200);

        assertThat(automatic.permitsLeft())
                .as("a workspace's window at once, not 10,000 a minute's until the cycle ends")
                .isEqualTo(4_166);
    }

    @Test
    void aConfiguredRateIsAnUpperBoundTheServerCanLowerButNotRaise() throws InterruptedException {
        RateGovernor capped = new RateGovernor(UpperBound.of(12_000), clock, window);
        capped.acquire();
        capped.release(rateLimit(4_166, 4_000, resetIn(10)), 200);
        assertThat(capped.limitPerWindow()).isEqualTo(2_000);

        capped.acquire();
        capped.release(rateLimit(500, 400, resetIn(10)), 200);
        assertThat(capped.limitPerWindow()).isEqualTo(500);

        capped.acquire();
        capped.release(rateLimit(1_666, 1_000, resetIn(10)), 200);
        assertThat(capped.limitPerWindow()).as("back up, to the cap").isEqualTo(1_666);
    }

    @Test
    void theRateInForceAndHeldCallsReachTheWindow() throws InterruptedException {
        RateGovernor automatic = new RateGovernor(UpperBound.AUTO, clock, window);
        automatic.acquire();
        automatic.release(rateLimit(100, 0, resetIn(5)), 200);
        // 10 calls/s × 1 s answers × the headroom: 15, from the initial 16.
        window.answered(200, Duration.ofSeconds(1));
        assertThat(window.limit()).isEqualTo(15);

        assertThat(automatic.millisUntilAdmitted()).as("no room left").isGreaterThan(0);
        Thread.currentThread().interrupt(); // the held acquire returns at once, having told it
        assertThatThrownBy(automatic::acquire).isInstanceOf(InterruptedException.class);
        assertThat(window.bound()).isEqualTo(InFlightWindow.Bound.RATE_LIMIT);
    }

    @Test
    void aRateBelowSixAMinuteStillAllowsOneCallPerWindow() {
        assertThat(new RateGovernor(UpperBound.of(3), clock, window).limitPerWindow()).isEqualTo(1);
    }

    @Test
    void aServerWindowWithNoRoomLeftHoldsCallsUntilItResets() throws InterruptedException {
        long resetAt = resetIn(4);
        admit();
        releaseWith(rateLimit(100, 0, resetAt), 200);

        assertHeldUntil(resetAt * 1000);
    }

    @Test
    void callsInFlightCountAgainstTheServersRoom() throws InterruptedException {
        long resetAt = resetIn(5);
        admit();
        releaseWith(rateLimit(100, 2, resetAt), 200);

        admit();
        admit();
        assertThat(governor.millisUntilAdmitted()).as("two left, two in flight").isGreaterThan(0);

        releaseWith(null, 0); // one of them got no answer: its place is free, and nothing is learnt
        assertThat(governor.millisUntilAdmitted()).isZero();
    }

    @Test
    void aLateAnswerOfTheSameWindowCannotGiveBackRoom() throws InterruptedException {
        long resetAt = resetIn(6);
        admit();
        admit();
        releaseWith(rateLimit(100, 0, resetAt), 200);
        releaseWith(rateLimit(100, 3, resetAt), 200); // sent earlier, answered later

        assertHeldUntil(resetAt * 1000);
    }

    @Test
    void anAnswerFromAnEarlierWindowIsIgnored() throws InterruptedException {
        admit();
        admit();
        releaseWith(rateLimit(100, 50, resetIn(8)), 200);
        releaseWith(rateLimit(100, 0, resetIn(-2)), 200);

        assertThat(governor.millisUntilAdmitted()).isZero();
    }

    @Test
    void anAnswerFromANewerWindowStartsItsCountAfresh() throws InterruptedException {
        admit();
        admit();
        releaseWith(rateLimit(100, 0, resetIn(3)), 200);
        releaseWith(rateLimit(100, 80, resetIn(13)), 200);

        assertThat(governor.millisUntilAdmitted()).isZero();
    }

    @Test
    void aTooManyRequestsAnswerHoldsEveryCallUntilTheReset() throws InterruptedException {
        long resetAt = resetIn(5);
        admit();
        // The 429 says there is room left: the pause holds regardless, for every caller.
        releaseWith(rateLimit(100, 60, resetAt), 429);

        assertHeldUntil(resetAt * 1000);
    }

    @Test
    void aTooManyRequestsAnswerWhoseResetIsPastByOurClockStillPauses() throws InterruptedException {
        admit();
        releaseWith(rateLimit(100, 0, resetIn(-3)), 429);

        assertHeldUntil(clock.millis() + MIN_PAUSE_MILLIS);
    }

    @Test
    void aTooManyRequestsAnswerWithoutResetPausesTheMinimum() throws InterruptedException {
        admit();
        releaseWith(headers(Map.of()), 429);

        assertHeldUntil(clock.millis() + MIN_PAUSE_MILLIS);
    }

    @Test
    void aTooManyRequestsAnswerNeverPausesLongerThanAWindow() throws InterruptedException {
        admit();
        // A server clock far ahead of ours; room left, so that only the 429's own pause is
        // measured.
        releaseWith(rateLimit(100, 60, resetIn(60)), 429);

        assertHeldUntil(clock.millis() + WINDOW.toMillis());
    }

    @Test
    void aTooManyRequestsAnswerFromAServerClockAheadHoldsNoLongerThanAWindow()
            throws InterruptedException {
        admit();
        releaseWith(rateLimit(100, 0, resetIn(60)), 429); // as Intercom sends a 429: no room left

        assertHeldUntil(clock.millis() + WINDOW.toMillis());
    }

    @Test
    void aLaterTooManyRequestsAnswerDoesNotShortenThePause() throws InterruptedException {
        long resetAt = resetIn(8);
        admit();
        admit();
        // Room left in both, so that only the pauses hold calls.
        releaseWith(rateLimit(100, 50, resetAt), 429);
        releaseWith(rateLimit(100, 50, resetIn(2)), 429);

        assertHeldUntil(resetAt * 1000);
    }

    /**
     * Held at every moment before {@code heldUntil}, for no longer than until it plus the jitter,
     * and let go once that has passed.
     */
    private void assertHeldUntil(long heldUntil) {
        long now = clock.millis();
        assertThat(governor.millisUntilAdmitted())
                .isBetween(heldUntil - now, heldUntil - now + MAX_JITTER_MILLIS - 1);

        clock.set(Instant.ofEpochMilli(heldUntil - 1));
        assertThat(governor.millisUntilAdmitted()).as("one millisecond before").isGreaterThan(0);

        clock.set(Instant.ofEpochMilli(heldUntil + MAX_JITTER_MILLIS));
        assertThat(governor.millisUntilAdmitted()).isZero();
    }

    /**
     * Acquires only what is admitted at once: under a clock that stands still, a held acquire would
     * never return.
     */
    private void admit() throws InterruptedException {
        assertThat(governor.millisUntilAdmitted()).as("admitted at once").isZero();
        governor.acquire();
    }

    private void releaseWith(HttpHeaders headers, int status) {
        governor.release(headers, status);
    }

    /** The unix second {@code seconds} from now, as X-RateLimit-Reset gives it. */
    private long resetIn(long seconds) {
        return clock.instant().plus(Duration.ofSeconds(seconds)).getEpochSecond();
    }

    private static HttpHeaders rateLimit(long limit, long remaining, long resetAt) {
        Map<String, String> values = new LinkedHashMap<>();
        values.put("X-RateLimit-Limit", String.valueOf(limit));
        values.put("X-RateLimit-Remaining", String.valueOf(remaining));
        values.put("X-RateLimit-Reset", String.valueOf(resetAt));
        return headers(values);
    }

    private static HttpHeaders headers(Map<String, String> values) {
        Map<String, List<String>> multi = new LinkedHashMap<>();
        values.forEach((name, value) -> multi.put(name, List.of(value)));
        return HttpHeaders.of(multi, (name, value) -> true);
    }
}
