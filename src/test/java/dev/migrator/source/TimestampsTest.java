package dev.migrator.source;

import static dev.migrator.source.Timestamps.toEpochSecond;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

class TimestampsTest {

    private static final ZoneId PARIS = ZoneId.of("Europe/Paris");
    private static final long INSTANT = Instant.parse("2021-03-04T10:15:00Z").getEpochSecond();

    @ParameterizedTest
    @ValueSource(
            strings = {
                "2021-03-04T10:15:00Z",
                "2021-03-04T10:15Z",
                "2021-03-04 10:15:00Z",
                "2021-03-04T10:15:00.999Z",
                "2021-03-04T12:15:00.123+02:00",
                "2021-03-04T12:15:00+0200",
                "2021-03-04T05:15:00-05",
                "2021-03-04 19:15:00+09:00",
                "2021-03-04T11:15:00",
                "2021-03-04 11:15",
                "1614852900",
                "1614852900.5",
                "1.6148529005E9",
                "1614852900000",
                "1614852900999",
                "  1614852900  ",
            })
    void readsTheSameInstantInEveryNotation(String raw) {
        assertThat(toEpochSecond(raw, PARIS)).isEqualTo(INSTANT);
    }

    @Test
    void readsLocalTimesInTheGivenZone() {
        assertThat(toEpochSecond("2021-03-04T10:15:00", ZoneOffset.UTC)).isEqualTo(INSTANT);
        assertThat(toEpochSecond("2021-03-04T19:15:00", ZoneId.of("Asia/Tokyo")))
                .isEqualTo(INSTANT);
    }

    @Test
    void ignoresTheZoneWhenTheValueCarriesAnOffset() {
        assertThat(toEpochSecond("2021-03-04T10:15:00Z", ZoneId.of("Asia/Tokyo")))
                .isEqualTo(INSTANT);
    }

    @Test
    void readsADateAsTheStartOfThatDayInTheZone() {
        assertThat(toEpochSecond("2021-03-04", PARIS)).isEqualTo(epoch("2021-03-03T23:00:00Z"));
        // São Paulo's clocks jumped from 00:00 to 01:00 that day: the day started at 01:00.
        assertThat(toEpochSecond("2018-11-04", ZoneId.of("America/Sao_Paulo")))
                .isEqualTo(epoch("2018-11-04T03:00:00Z"));
    }

    @Test
    void movesALocalTimeInTheSpringForwardGapLaterByTheGap() {
        // In Paris 02:00-02:59 did not exist on 2021-03-28: 02:30 is read as 03:30 CEST.
        assertThat(toEpochSecond("2021-03-28T02:30:00", PARIS))
                .isEqualTo(toEpochSecond("2021-03-28T03:30:00+02:00", PARIS))
                .isEqualTo(epoch("2021-03-28T01:30:00Z"));
    }

    @Test
    void readsALocalTimeThatOccursTwiceAsItsEarlierOccurrence() {
        // In Paris 02:30 happened twice on 2021-10-31, first in CEST (+02:00), then in CET.
        assertThat(toEpochSecond("2021-10-31T02:30:00", PARIS))
                .isEqualTo(epoch("2021-10-31T00:30:00Z"));
    }

    @Test
    void tellsSecondsFromMillisecondsByMagnitude() {
        assertThat(toEpochSecond("99999999999", PARIS)).isEqualTo(99_999_999_999L);
        assertThat(toEpochSecond("100000000000", PARIS)).isEqualTo(100_000_000L);
        assertThat(toEpochSecond("-99999999999", PARIS)).isEqualTo(-99_999_999_999L);
        assertThat(toEpochSecond("-100000000000", PARIS)).isEqualTo(-100_000_000L);
        assertThat(toEpochSecond("0", PARIS)).isZero();
    }

    @Test
    void truncatesFractionsTowardTheEarlierSecond() {
        assertThat(toEpochSecond("1614852900.999", PARIS)).isEqualTo(INSTANT);
        assertThat(toEpochSecond("-0.5", PARIS)).isEqualTo(-1);
        assertThat(toEpochSecond("-1500", PARIS)).isEqualTo(-1500);
        assertThat(toEpochSecond("-100000001500", PARIS)).isEqualTo(-100_000_002L);
        assertThat(toEpochSecond("1969-12-31T23:59:59.5Z", PARIS)).isEqualTo(-1);
    }

    @Test
    void explainsWhatItExpected() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> toEpochSecond("2021-13-01", PARIS))
                .withMessage(
                        "'2021-13-01' is not a timestamp (expected ISO-8601 or epoch"
                                + " seconds/milliseconds)");
    }

    @ParameterizedTest
    @NullSource
    @ValueSource(
            strings = {
                "",
                "   ",
                "yesterday",
                "2021-13-01",
                "2021-02-30",
                "2021-03-04T24:30:00",
                "2021-03-04T10:15:00+25:00",
                "2021-03-04T10:15:00 Europe/Paris",
                "10:15:00",
                "04/03/2021",
                "1614852900abc",
                "0x10",
                "1,5",
                "+1614852900",
                "1e999",
                "99999999999999999999999999"
            })
    void rejectsAnythingElse(String raw) {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> toEpochSecond(raw, PARIS))
                .withMessageContaining("is not a timestamp");
    }

    private static long epoch(String instant) {
        return Instant.parse(instant).getEpochSecond();
    }
}
