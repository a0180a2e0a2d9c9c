package dev.migrator.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.core.io.ByteArrayResource;

/**
 * A configuration section bound from YAML by Spring Boot's own loader and binder, as the
 * application binds it.
 */
public final class YamlBinding {

    private YamlBinding() {}

    /** {@code yaml}'s section {@code prefix} as a {@code type}, created empty when absent. */
    public static <T> T bind(String yaml, String prefix, Class<T> type) {
        try {
            var sources =
                    new YamlPropertySourceLoader()
                            .load(
                                    "test",
                                    new ByteArrayResource(yaml.getBytes(StandardCharsets.UTF_8)));
            return new Binder(ConfigurationPropertySources.from(sources))
                    .bindOrCreate(prefix, type);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The message a user sees when binding fails: the root cause's, which the binder wraps; fails
     * the test when binding succeeds.
     */
    public static String problem(String yaml, String prefix, Class<?> type) {
        Throwable failure = null;
        try {
            bind(yaml, prefix, type);
        } catch (RuntimeException e) {
            failure = e;
        }
        if (failure == null) {
            throw new AssertionError("expected a binding failure for:\n" + yaml);
        }
        Throwable cause = failure;
        while (cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause.getMessage();
    }
}
