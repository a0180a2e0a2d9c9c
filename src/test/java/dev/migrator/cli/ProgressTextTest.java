package dev.migrator.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.migrator.job.RunProgress.Flight;
import dev.migrator.job.RunProgress.Settling;
import org.junit.jupiter.api.Test;

/** The progress display's text, from scripted samples (times in epoch millis). */
class ProgressTextTest {

    private static final Settling NOT_SETTLING = new Settling(0, 0);

    @Test
    void callsPerSecondIsOverTheLastTenSecondsNotSinceTheStart() {
        ProgressText text = new ProgressText(10_000);
        // A slow first minute (1 call/s), then 160 calls/s for the last ten seconds.
        text.add(sample(0, 0, 0));
        text.add(sample(60_000, 100, 60));
        for (int second = 1; second <= 10; second++) {
            text.add(sample(60_000 + second * 1_000L, 100 + second * 20L, 60 + second * 160L));
        }

        assertThat(text.callsPerSecond()).isCloseTo(160.0, within(1e-9));
        assertThat(text.recordsPerSecond()).isCloseTo(20.0, within(1e-9));
    }

    @Test
    void theWindowStartsAtTheNewestSampleTenSecondsOldOrOlder() {
        ProgressText text = new ProgressText(1_000);
        text.add(sample(0, 0, 0));
        text.add(sample(5_000, 0, 500)); // 100 calls/s from 0 to 5 s
        text.add(sample(15_000, 0, 1_500)); // 100 calls/s from 5 to 15 s
        text.add(sample(20_000, 0, 1_500)); // none from 15 to 20 s

        // Over [5 s, 20 s]: the sample at 5 s is the newest at or before 20 - 10 s.
        assertThat(text.callsPerSecond()).isCloseTo(1_000 / 15.0, within(1e-9));
    }

    @Test
    void aDryRunWhoseRecordsAreNotCountedBeforehandShowsNoGaugeShareOrTimeLeft() {
        ProgressText text = new ProgressText(-1);
        text.add(sample(0, 0, 0));
        text.add(sample(1_000, 2_500, 0));

        assertThat(text.bar()).startsWith("Migrating: 2500 records, ").doesNotContain("%", "left");
        assertThat(text.line()).doesNotContain(" of ", "%", "left");
    }

    @Test
    void oneSampleGivesNoRateYet() {
        ProgressText text = new ProgressText(5_000);
        text.add(sample(0, 0, 0));

        assertThat(text.callsPerSecond()).isNegative();
        assertThat(text.line())
                .isEqualTo(
                        "Progress: 0 of 5000 records (0%), calls/s not known yet, time left"
                                + " unknown; 0 retries, 0 rate-limit waits.");
    }

    @Test
    void whileSendingItSaysTheRateTheTimeLeftFromTheRecentRateAndWhatIsInFlight() {
        ProgressText text = new ProgressText(5_000);
        // 1,000 records in the first 100 s, then 20 records/s: the recent rate gives 3,800 / 20 s.
        text.add(sample(0, 0, 0));
        text.add(new ProgressText.Sample(100_000, 1_000, 6_000, null, NOT_SETTLING, 0, 0));
        text.add(
                new ProgressText.Sample(
                        110_000,
                        1_200,
                        7_584,
                        new Flight(52, 60, "Intercom's rate limit"),
                        NOT_SETTLING,
                        3,
                        1));

        assertThat(text.line())
                .isEqualTo(
                        "Progress: 1200 of 5000 records (24%), 158.4 calls/s, about 3 min 10 s"
                                + " left; 52 in flight (limit 60: Intercom's rate limit); 3"
                                + " retries, 1 rate-limit waits.");
        assertThat(text.bar())
                .isEqualTo(
                        "Migrating [====>               ] 1200 of 5000 records (24%), 158.4"
                                + " calls/s, about 3 min 10 s left; 52 in flight (limit 60:"
                                + " Intercom's rate limit); 3 retries, 1 rate-limit waits");
    }

    @Test
    void withNothingFinishedLatelyTheTimeLeftIsUnknownNotZeroOrEndless() {
        ProgressText text = new ProgressText(100);
        text.add(sample(0, 40, 300));
        text.add(sample(10_000, 40, 300));

        assertThat(text.line())
                .isEqualTo(
                        "Progress: 40 of 100 records (40%), 0.0 calls/s, time left unknown; 0"
                                + " retries, 0 rate-limit waits.");
    }

    @Test
    void whileTheSettleStepWaitsItSaysForWhatAndHowLongInsteadOfPercentageAndRate() {
        ProgressText text = new ProgressText(5_000);
        text.add(sample(0, 5_000, 30_000));
        text.add(
                new ProgressText.Sample(
                        10_000, 5_000, 30_000, null, new Settling(12, 109_500), 2, 0));

        assertThat(text.line())
                .isEqualTo(
                        "Progress: 5000 of 5000 records; waiting for Intercom's search to confirm"
                                + " 12 records, at most 1 min 40 s more; 2 retries, 0 rate-limit"
                                + " waits.");
        assertThat(text.bar())
                .isEqualTo(
                        "Settling: 5000 of 5000 records; waiting for Intercom's search to confirm"
                                + " 12 records, at most 1 min 40 s more; 2 retries, 0 rate-limit"
                                + " waits");
    }

    @Test
    void aSettleWaitPastItsEndSaysZeroSecondsAndOneRecordIsOneRecord() {
        ProgressText text = new ProgressText(3);
        text.add(new ProgressText.Sample(50_000, 3, 9, null, new Settling(1, 40_000), 0, 0));

        assertThat(text.line())
                .isEqualTo(
                        "Progress: 3 of 3 records; waiting for Intercom's search to confirm 1"
                                + " record, at most 0 s more; 0 retries, 0 rate-limit waits.");
    }

    @Test
    void aFinishedRunFillsTheGauge() {
        ProgressText text = new ProgressText(8);
        text.add(sample(0, 0, 0));
        text.add(sample(4_000, 8, 40));

        assertThat(text.bar())
                .startsWith(
                        "Migrating [====================] 8 of 8 records (100%), 10.0 calls/s,"
                                + " about 0 s left");
    }

    private static ProgressText.Sample sample(long atMillis, long records, long calls) {
        return new ProgressText.Sample(atMillis, records, calls, null, NOT_SETTLING, 0, 0);
    }
}
