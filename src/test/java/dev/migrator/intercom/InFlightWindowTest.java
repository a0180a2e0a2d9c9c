package dev.migrator.intercom;

import static org.assertj.core.api.Assertions.assertThat;

import dev.migrator.intercom.InFlightWindow.Bound;
import dev.migrator.testserver.FakeIntercom.ManualClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * The window under scripted answers and a clock the test moves: each answer is fed as the transport
 * would, with no HTTP and no waiting.
 */
class InFlightWindowTest {

    /** Intercom's default per-app limit: 1,666 calls per 10-second window. */
    private static final int PER_WINDOW = 1_666;

    private final ManualClock clock = new ManualClock(Instant.parse("2024-05-01T12:00:00Z"));
    private final InFlightWindow window = new InFlightWindow(clock, 10_000);

    @Test
    void startsAtSixteenUntilAnswersTellTheAnswerTime() {
        assertThat(window.limit()).isEqualTo(16);
        assertThat(window.bound()).isEqualTo(Bound.LATENCY);
    }

    @Test
    void standsAtWhatTheRateAndAnswerTimeNeedFromTheFirstAnswer() {
        window.rateLimit(PER_WINDOW, RateGovernor.WINDOW);

        int answers = answerUntilSteady(Duration.ofMillis(300));

        // 166.6 calls/s × 0.3 s × 1.5 headroom = 75.
        assertThat(window.limit()).isEqualTo(75);
        assertThat(answers).as("answers it took to get there").isEqualTo(1);
        assertThat(window.bound()).isEqualTo(Bound.RATE_LIMIT);
    }

    @Test
    void growsWhenAnswersSlowDownAndNarrowsWhenTheySpeedUp() {
        window.rateLimit(PER_WINDOW, RateGovernor.WINDOW);
        answerUntilSteady(Duration.ofMillis(300));
        int at300 = window.limit();

        answerUntilSteady(Duration.ofMillis(1_000));
        assertThat(window.limit()).isGreaterThan(at300).isEqualTo(250);

        answerUntilSteady(Duration.ofMillis(300));
        assertThat(window.limit()).isEqualTo(at300);
    }

    @Test
    void timeSpentOnASourcesFilesBetweenCallsWidensIt() {
        window.rateLimit(PER_WINDOW, RateGovernor.WINDOW);
        answerUntilSteady(Duration.ofMillis(300));
        int callsOnly = window.limit();

        // One download of 3 s for every four answers of 300 ms: conversations wait on the source.
        for (int i = 0; i < 200; i++) {
            window.answered(200, Duration.ofMillis(300));
            if (i % 4 == 3) {
                window.workedBetweenCalls(Duration.ofSeconds(3));
            }
        }

        assertThat(window.limit()).isGreaterThan(2 * callsOnly);
    }

    @Test
    void followsTheRateInForce() {
        window.rateLimit(PER_WINDOW, RateGovernor.WINDOW);
        answerUntilSteady(Duration.ofMillis(300));

        window.rateLimit(25_000 / 6, RateGovernor.WINDOW); // a workspace's 25,000 a minute
        answerUntilSteady(Duration.ofMillis(300));
        assertThat(window.limit()).isEqualTo(188);

        window.rateLimit(1_000 / 6, RateGovernor.WINDOW); // a small app's 1,000 a minute
        window.answered(200, Duration.ofMillis(300));
        assertThat(window.limit()).isEqualTo(8);
    }

    @Test
    void neverExceedsTheCeiling() {
        window.rateLimit(PER_WINDOW, RateGovernor.WINDOW);

        answerUntilSteady(Duration.ofSeconds(30)); // 166 × 30 × 1.5 would be 7,500

        assertThat(window.limit()).isEqualTo(InFlightWindow.CEILING);
        assertThat(window.bound())
                .as("the ceiling: too slow to fill the rate")
                .isEqualTo(Bound.LATENCY);
    }

    @Test
    void halvesOnA429OncePerRoundOfAnswersAndRecoversGradually() {
        window.rateLimit(PER_WINDOW, RateGovernor.WINDOW);
        answerUntilSteady(Duration.ofMillis(300));

        window.answered(429, Duration.ofMillis(20));
        window.answered(429, Duration.ofMillis(20)); // in flight with the first: same news
        assertThat(window.limit()).isEqualTo(37);
        assertThat(window.bound()).isEqualTo(Bound.BACKING_OFF);

        clock.advance(InFlightWindow.MIN_ROUND);
        window.answered(429, Duration.ofMillis(20)); // a round later: news of its own
        assertThat(window.limit()).isEqualTo(18);

        for (int answer = 0; answer < 18 * 5; answer++) {
            window.answered(200, Duration.ofMillis(300));
        }
        assertThat(window.limit()).as("about one more per round of answers").isBetween(22, 24);

        int answers = answerUntilSteady(Duration.ofMillis(300));
        assertThat(window.limit()).isEqualTo(75);
        assertThat(answers).as("gradually: many rounds of answers").isGreaterThan(1_000);
        assertThat(window.bound()).isEqualTo(Bound.RATE_LIMIT);
    }

    @Test
    void halvesOnServerErrorsAndFailedCallsButNeverBelowOne() {
        window.rateLimit(PER_WINDOW, RateGovernor.WINDOW);
        answerUntilSteady(Duration.ofMillis(300));

        window.answered(503, Duration.ofMillis(300));
        assertThat(window.limit()).isEqualTo(37);
        for (int round = 0; round < 10; round++) {
            clock.advance(InFlightWindow.MIN_ROUND);
            window.failed();
        }

        assertThat(window.limit()).isEqualTo(1);
        assertThat(window.bound()).isEqualTo(Bound.BACKING_OFF);
    }

    @Test
    void aFastServerStillGetsAFewConversationsInFlightAndABurstOfErrorsHalvesItOnceASecond() {
        window.rateLimit(PER_WINDOW, RateGovernor.WINDOW);
        answerUntilSteady(Duration.ofMillis(2));
        assertThat(window.limit()).as("2 ms answers alone would need 1").isEqualTo(8);

        for (int error = 0; error < 12; error++) {
            clock.advance(Duration.ofMillis(5));
            window.answered(503, Duration.ofMillis(2));
        }
        assertThat(window.limit()).as("a burst of errors within a second").isEqualTo(4);

        clock.advance(InFlightWindow.MIN_ROUND);
        window.answered(503, Duration.ofMillis(2));
        assertThat(window.limit()).isEqualTo(2);
    }

    @Test
    void stopsGrowingWhileTheRateLimitHoldsCallsBack() {
        window.rateLimit(PER_WINDOW, RateGovernor.WINDOW);
        answerUntilSteady(Duration.ofMillis(300));
        int before = window.limit();

        window.heldByRateLimit();
        for (int answer = 0; answer < 50; answer++) {
            window.answered(200, Duration.ofMillis(1_000)); // answers slow down
        }
        assertThat(window.limit()).as("held back: wide enough").isEqualTo(before);
        assertThat(window.bound()).isEqualTo(Bound.RATE_LIMIT);

        clock.advance(InFlightWindow.HELD_RECENTLY);
        window.answered(200, Duration.ofMillis(1_000));
        assertThat(window.limit())
                .as("no longer held: what the slower answers need")
                .isGreaterThan(before);
    }

    /** Feeds answers of {@code answerTime} until the window stops moving; how many it took. */
    private int answerUntilSteady(Duration answerTime) {
        int answers = 0;
        int steady = 0;
        while (steady < 200) {
            int before = window.limit();
            window.answered(200, answerTime);
            answers++;
            steady = window.limit() == before ? steady + 1 : 0;
        }
        return answers - steady;
    }
}
