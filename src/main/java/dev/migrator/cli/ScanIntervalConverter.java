package dev.migrator.cli;

import java.time.Duration;
import org.springframework.boot.convert.DurationStyle;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * {@code watch --every}: {@code 30s}, {@code 5m}, {@code 1h} or ISO-8601 ({@code PT5M}), at least a
 * second. Its messages are whole: the parser prints them as they are.
 */
final class ScanIntervalConverter implements ITypeConverter<Duration> {

    @Override
    public Duration convert(String text) {
        Duration every;
        try {
            every = DurationStyle.detectAndParse(text);
        } catch (IllegalArgumentException e) {
            throw new TypeConversionException(
                    "--every " + text + " is not a duration (30s, 5m, 1h)");
        }
        if (every.toMillis() < 1000) {
            throw new TypeConversionException("--every " + text + " is shorter than a second");
        }
        return every;
    }
}
