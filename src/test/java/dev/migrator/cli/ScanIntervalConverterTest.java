package dev.migrator.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine.TypeConversionException;

class ScanIntervalConverterTest {

    private final ScanIntervalConverter converter = new ScanIntervalConverter();

    @ParameterizedTest
    @CsvSource({
        "30s, PT30S",
        "5m, PT5M",
        "1h, PT1H",
        "1s, PT1S",
        "1000ms, PT1S",
        "PT5M, PT5M",
        "PT1S, PT1S",
        "2d, PT48H"
    })
    void readsSimpleAndIsoDurations(String text, Duration expected) {
        assertThat(converter.convert(text)).isEqualTo(expected);
    }

    @ParameterizedTest
    @ValueSource(strings = {"0s", "999ms", "500", "PT0.5S", "-5m"})
    void refusesLessThanASecond(String text) {
        assertThatThrownBy(() -> converter.convert(text))
                .isInstanceOf(TypeConversionException.class)
                .hasMessage("--every " + text + " is shorter than a second");
    }

    @ParameterizedTest
    @ValueSource(strings = {"xyz", "5 minutes", "5min", "1.5h", "PT", ""})
    void refusesWhatIsNotADuration(String text) {
        assertThatThrownBy(() -> converter.convert(text))
                .isInstanceOf(TypeConversionException.class)
                .hasMessage("--every " + text + " is not a duration (30s, 5m, 1h)");
    }
}
