package dev.migrator.source;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.zone.ZoneOffsetTransition;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Every notation of one instant that {@link Timestamps#toEpochSecond} accepts reads as the same
 * epoch second (fractions dropped toward the earlier second).
 */
class TimestampsPropertyTest {

    private static final long NOW = Instant.now().getEpochSecond();

    /** Offsets real exports carry, the odd ones included, and the extremes Java allows. */
    private static final List<String> NAMED_OFFSETS =
            List.of(
                    "+00:00", "+01:00", "+02:00", "-05:00", "+05:30", "+05:45", "-03:30", "-09:30",
                    "+08:45", "+12:45", "+13:00", "+14:00", "-12:00", "-18:00", "+18:00");

    private static final List<ZoneId> ZONES =
            ZoneId.getAvailableZoneIds().stream().sorted().map(ZoneId::of).toList();

    /** An instant between 1970 and now, to the millisecond. */
    record Moment(long epochSecond, int millis) {
        Instant instant() {
            return Instant.ofEpochSecond(epochSecond, millis * 1_000_000L);
        }
    }

    @Provide
    Arbitrary<Moment> moments() {
        return Combinators.combine(
                        Arbitraries.longs().between(0, NOW), Arbitraries.integers().between(0, 999))
                .as(Moment::new);
    }

    @Provide
    Arbitrary<ZoneOffset> offsets() {
        Arbitrary<ZoneOffset> quarterHours =
                Arbitraries.integers()
                        .between(-18 * 4, 18 * 4)
                        .map(q -> ZoneOffset.ofTotalSeconds(q * 15 * 60));
        return Arbitraries.oneOf(Arbitraries.of(NAMED_OFFSETS).map(ZoneOffset::of), quarterHours);
    }

    @Provide
    Arbitrary<ZoneId> zones() {
        return Arbitraries.of(ZONES);
    }

    @Property
    void isoWithZ(
            @ForAll("moments") Moment moment,
            @ForAll boolean space,
            @ForAll boolean dropZeroSeconds) {
        String raw = local(moment, ZoneOffset.UTC, space, dropZeroSeconds) + "Z";
        assertThat(Timestamps.toEpochSecond(raw, ZoneId.of("Europe/Paris")))
                .as(raw)
                .isEqualTo(moment.epochSecond());
    }

    @Property
    void isoWithAnOffset(
            @ForAll("moments") Moment moment,
            @ForAll("offsets") ZoneOffset offset,
            @ForAll boolean space,
            @ForAll boolean dropZeroSeconds,
            @ForAll("offsetStyles") int style) {
        String raw = local(moment, offset, space, dropZeroSeconds) + offsetText(offset, style);
        assertThat(Timestamps.toEpochSecond(raw, ZoneId.of("Pacific/Chatham")))
                .as(raw)
                .isEqualTo(moment.epochSecond());
    }

    @Provide
    Arbitrary<Integer> offsetStyles() {
        return Arbitraries.integers().between(0, 2);
    }

    /**
     * A local date-time read in the configured zone. Written from a real instant it cannot fall in
     * a gap; when it occurs twice (clocks going back) the documented rule is that it means the
     * earlier occurrence.
     */
    @Property
    void isoLocalReadInTheZone(
            @ForAll("moments") Moment moment,
            @ForAll("zones") ZoneId zone,
            @ForAll boolean space,
            @ForAll boolean dropZeroSeconds) {
        LocalDateTime local = LocalDateTime.ofInstant(moment.instant(), zone);
        String raw = format(local, space, dropZeroSeconds);
        List<ZoneOffset> valid = zone.getRules().getValidOffsets(local);
        long expected =
                valid.size() == 1
                        ? moment.epochSecond()
                        : valid.stream()
                                .mapToLong(local::toEpochSecond)
                                .min()
                                .orElseThrow(); // the earlier occurrence
        assertThat(Timestamps.toEpochSecond(raw, zone))
                .as(raw + " in " + zone + " " + valid)
                .isEqualTo(expected);
    }

    /**
     * The documented gap rule: a local time the clocks skip is moved forward by the length of the
     * gap.
     */
    @Property
    void localTimeInADaylightSavingGapMovesForwardByTheGap(
            @ForAll("zones") ZoneId zone, @ForAll("moments") Moment moment) {
        ZoneOffsetTransition gap = nextTransition(zone, moment, true);
        Assume.that(gap != null);
        long length = gap.getDuration().getSeconds();
        LocalDateTime skipped =
                gap.getDateTimeBefore().plusSeconds(Math.floorMod(moment.epochSecond(), length));
        String raw = format(skipped, false, false);
        assertThat(Timestamps.toEpochSecond(raw, zone))
                .as(raw + " in " + zone)
                .isEqualTo(skipped.plusSeconds(length).atZone(zone).toEpochSecond())
                .isEqualTo(skipped.toEpochSecond(gap.getOffsetBefore()));
    }

    /**
     * The documented overlap rule: a local time that occurs twice (clocks going back) means its
     * earlier occurrence.
     */
    @Property
    void localTimeThatOccursTwiceMeansTheEarlierOccurrence(
            @ForAll("zones") ZoneId zone, @ForAll("moments") Moment moment) {
        ZoneOffsetTransition overlap = nextTransition(zone, moment, false);
        Assume.that(overlap != null);
        long length = -overlap.getDuration().getSeconds();
        LocalDateTime twice =
                overlap.getDateTimeAfter().plusSeconds(Math.floorMod(moment.epochSecond(), length));
        String raw = format(twice, moment.millis() % 2 == 0, false);
        long earlier = twice.toEpochSecond(overlap.getOffsetBefore());
        assertThat(earlier).isLessThan(twice.toEpochSecond(overlap.getOffsetAfter()));
        assertThat(Timestamps.toEpochSecond(raw, zone)).as(raw + " in " + zone).isEqualTo(earlier);
    }

    /** The zone's first gap (or overlap) after the moment and before now; null if it has none. */
    private static ZoneOffsetTransition nextTransition(ZoneId zone, Moment moment, boolean gap) {
        ZoneOffsetTransition transition = zone.getRules().nextTransition(moment.instant());
        while (transition != null && transition.getInstant().getEpochSecond() <= NOW) {
            if (transition.isGap() == gap) {
                return transition;
            }
            transition = zone.getRules().nextTransition(transition.getInstant());
        }
        return null;
    }

    @Property
    void epochSecondsAsANumber(@ForAll("moments") Moment moment, @ForAll boolean withFraction) {
        String raw =
                withFraction
                        ? BigDecimal.valueOf(moment.epochSecond())
                                .add(BigDecimal.valueOf(moment.millis(), 3))
                                .toPlainString()
                        : Long.toString(moment.epochSecond());
        assertThat(Timestamps.toEpochSecond(raw, ZoneId.of("UTC")))
                .as(raw)
                .isEqualTo(moment.epochSecond());
    }

    /** Jackson renders a fractional JSON number such as 1614852900.5 as "1.6148529005E9". */
    @Property
    void epochSecondsAsJacksonRendersAFractionalNumber(@ForAll("moments") Moment moment) {
        String raw = Double.toString(moment.epochSecond() + moment.millis() / 1000.0);
        assertThat(Timestamps.toEpochSecond(raw, ZoneId.of("UTC")))
                .as(raw)
                .isEqualTo(moment.epochSecond());
    }

    /**
     * Milliseconds are told from seconds by magnitude: from {@link Timestamps#MILLIS_THRESHOLD}
     * (1973-03-03T09:46:40Z in milliseconds) on. Below it a number is read as seconds, as
     * documented.
     */
    @Property
    void epochMilliseconds(@ForAll("moments") Moment moment) {
        long millis = moment.instant().toEpochMilli();
        String raw = Long.toString(millis);
        long expected = millis >= Timestamps.MILLIS_THRESHOLD ? moment.epochSecond() : millis;
        assertThat(Timestamps.toEpochSecond(raw, ZoneId.of("UTC"))).as(raw).isEqualTo(expected);
    }

    private static String local(
            Moment moment, ZoneOffset offset, boolean space, boolean dropZeroSeconds) {
        return format(LocalDateTime.ofInstant(moment.instant(), offset), space, dropZeroSeconds);
    }

    /**
     * ISO local date-time: fraction only when there is one; "HH:mm" when asked and the seconds are
     * zero.
     */
    private static String format(LocalDateTime local, boolean space, boolean dropZeroSeconds) {
        String text =
                dropZeroSeconds && local.getSecond() == 0 && local.getNano() == 0
                        ? local.format(DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm"))
                        : local.format(DateTimeFormatter.ISO_LOCAL_DATE_TIME);
        return space ? text.replace('T', ' ') : text;
    }

    /** Style 0: "+05:45", 1: "+0545", 2: "+05" (whole hours only, else as style 0). */
    private static String offsetText(ZoneOffset offset, int style) {
        int total = offset.getTotalSeconds();
        String sign = total < 0 ? "-" : "+";
        int hours = Math.abs(total) / 3600;
        int minutes = Math.abs(total) / 60 % 60;
        return switch (style) {
            case 1 -> String.format("%s%02d%02d", sign, hours, minutes);
            case 2 ->
                    minutes == 0
                            ? String.format("%s%02d", sign, hours)
                            : String.format("%s%02d:%02d", sign, hours, minutes);
            default -> String.format("%s%02d:%02d", sign, hours, minutes);
        };
    }
}
