package dev.migrator.intercom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.migrator.support.UpperBound;
import dev.migrator.testserver.FakeIntercom;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/** The transport tells its window every call's outcome, against the real fake Intercom. */
class HttpTransportWindowTest {

    private final FakeIntercom intercom = FakeIntercom.start();
    private final HttpTransport transport =
            new HttpTransport(
                    new IntercomProperties(
                            URI.create(intercom.baseUrl()),
                            "2.16",
                            FakeIntercom.TOKEN,
                            UpperBound.AUTO,
                            Duration.ofSeconds(5),
                            new IntercomProperties.RetryProperties(
                                    1, Duration.ofMillis(1), Duration.ofMillis(1)),
                            Duration.ofMinutes(2)),
                    JsonMapper.builder().build(),
                    Clock.systemUTC());

    @AfterEach
    void stop() {
        intercom.close();
    }

    @Test
    void aServerErrorHalvesTheWindow() {
        intercom.serverErrorRate(1.0);

        assertThatThrownBy(() -> transport.exchange(ApiRequest.get("/me")))
                .isInstanceOf(IntercomUnavailableException.class);

        assertThat(transport.inFlightWindow().limit()).isEqualTo(InFlightWindow.INITIAL / 2);
        assertThat(transport.inFlightWindow().bound()).isEqualTo(InFlightWindow.Bound.BACKING_OFF);
    }

    @Test
    void aCallWithoutAnAnswerHalvesTheWindow() {
        intercom.connectionResetRate(1.0);

        assertThatThrownBy(() -> transport.exchange(ApiRequest.get("/me")))
                .isInstanceOf(IntercomUnavailableException.class);

        assertThat(transport.inFlightWindow().limit()).isEqualTo(InFlightWindow.INITIAL / 2);
    }
}
