package dev.migrator.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/** {@code auto} or a number, bound as Spring Boot binds configuration. */
class UpperBoundTest {

    @Test
    void autoInAnyCaseIsNoBound() {
        assertThat(bind("auto").isAuto()).isTrue();
        assertThat(bind(" Auto ").orElse(512)).isEqualTo(512);
    }

    @Test
    void aNumberWrittenAsTextOrAsANumberIsTheBound() {
        assertThat(bind("32")).isEqualTo(UpperBound.of(32));
        assertThat(bind(32).orElse(512)).isEqualTo(32);
        assertThat(bind(25_000).toString()).isEqualTo("25000");
    }

    @Test
    void anythingElseIsRefusedNamingTheProperty() {
        for (Object value : new Object[] {"0", 0, -3, "eight", "8.5"}) {
            assertThatThrownBy(() -> bind(value))
                    .isInstanceOf(BindException.class)
                    .hasMessageContaining("migration.concurrency")
                    .rootCause()
                    .hasMessageContaining("must be auto or a");
        }
    }

    private static UpperBound bind(Object value) {
        MapConfigurationPropertySource source =
                new MapConfigurationPropertySource(Map.of("migration.concurrency", value));
        return new Binder(source).bind("migration.concurrency", UpperBound.class).get();
    }
}
