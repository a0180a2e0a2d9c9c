package dev.migrator.source;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.DateTimeException;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.chrono.IsoChronology;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.ResolverStyle;
import java.time.temporal.ChronoField;
import java.time.temporal.TemporalAccessor;
import java.util.regex.Pattern;

/**
 * Reads the timestamp notations exports use into Unix epoch seconds, the unit Intercom's {@code
 * created_at} takes.
 */
public final class Timestamps {

    /**
     * At or above this magnitude a number is read as milliseconds (as seconds it would be past the
     * year 5000).
     */
    static final long MILLIS_THRESHOLD = 100_000_000_000L;

    // Exponent forms too, as Jackson renders a fractional JSON number such as 1614852960.5 as
    // "1.6148529605E9";
    // the exponent is kept short so that no input can make the arithmetic below huge.
    private static final Pattern NUMBER = Pattern.compile("-?\\d+(\\.\\d+)?([eE][+-]?\\d{1,2})?");
    private static final Pattern SPACE_SEPARATOR =
            Pattern.compile("^(\\d{4}-\\d{2}-\\d{2}) (?=\\d)");
    private static final Pattern DATE_ONLY = Pattern.compile("\\d{4}-\\d{2}-\\d{2}");

    /**
     * ISO local date-time with an optional offset: {@code Z}, {@code +02:00}, {@code +0200} or
     * {@code +02}.
     */
    private static final DateTimeFormatter DATE_TIME =
            new DateTimeFormatterBuilder()
                    .append(DateTimeFormatter.ISO_LOCAL_DATE_TIME)
                    .optionalStart()
                    .parseLenient()
                    .appendOffset("+HH", "Z")
                    .parseStrict()
                    .optionalEnd()
                    .toFormatter()
                    .withChronology(IsoChronology.INSTANCE)
                    .withResolverStyle(ResolverStyle.STRICT);

    private Timestamps() {}

    /**
     * The epoch second of {@code raw}. Accepts ISO-8601 with offset or {@code Z} (a space may stand
     * for the {@code T}); ISO local date-times and dates, read in {@code zone} (a date means the
     * start of that day); and epoch seconds or milliseconds, told apart by magnitude (see {@link
     * #MILLIS_THRESHOLD}). Fractions of a second are dropped toward the earlier second.
     *
     * <p>A local time that falls in a daylight-saving gap (02:30 on the day Paris springs forward)
     * is moved forward by the length of the gap (03:30); one that occurs twice (when clocks go
     * back) means its earlier occurrence.
     *
     * @throws IllegalArgumentException if {@code raw} is blank or none of these
     */
    public static long toEpochSecond(String raw, ZoneId zone) {
        String text = raw == null ? "" : raw.strip();
        try {
            BigDecimal seconds = epochSeconds(text);
            if (seconds != null) {
                return seconds.setScale(0, RoundingMode.FLOOR).longValueExact();
            }
            if (DATE_ONLY.matcher(text).matches()) {
                return LocalDate.parse(text).atStartOfDay(zone).toEpochSecond();
            }
            TemporalAccessor parsed =
                    DATE_TIME.parse(SPACE_SEPARATOR.matcher(text).replaceFirst("$1T"));
            if (parsed.isSupported(ChronoField.INSTANT_SECONDS)) {
                return parsed.getLong(ChronoField.INSTANT_SECONDS);
            }
            return LocalDateTime.from(parsed).atZone(zone).toEpochSecond();
        } catch (DateTimeException | ArithmeticException e) {
            throw notATimestamp(raw);
        }
    }

    /**
     * An epoch time, in seconds or milliseconds told apart by magnitude, as seconds with their
     * fraction; {@code null} when {@code text} is not a number.
     */
    public static BigDecimal epochSeconds(String text) {
        if (text == null || !NUMBER.matcher(text).matches()) {
            return null;
        }
        BigDecimal number = new BigDecimal(text);
        return number.abs().compareTo(BigDecimal.valueOf(MILLIS_THRESHOLD)) >= 0
                ? number.movePointLeft(3)
                : number;
    }

    private static IllegalArgumentException notATimestamp(String raw) {
        return new IllegalArgumentException(
                "'"
                        + (raw == null ? "" : raw)
                        + "' is not a timestamp (expected ISO-8601 or epoch seconds/milliseconds)");
    }
}
