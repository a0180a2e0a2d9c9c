package dev.migrator.cli;

import dev.migrator.support.OwnerOnly;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import org.springframework.boot.context.event.ApplicationEnvironmentPreparedEvent;
import org.springframework.boot.context.event.ApplicationPreparedEvent;
import org.springframework.boot.context.event.SpringApplicationEvent;
import org.springframework.boot.context.logging.LoggingApplicationListener;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.ApplicationListener;
import org.springframework.core.Ordered;
import org.springframework.core.env.MapPropertySource;

/**
 * Rejects, logs and the job repository hold customer data: the state directory is created
 * owner-only (or made so) once the configuration says where it is, and before the log file and the
 * database are opened in it.
 */
public final class StateDirectory implements ApplicationListener<SpringApplicationEvent>, Ordered {

    private static final String PROPERTY = "migration.state-dir";

    private String failure;

    @Override
    public void onApplicationEvent(SpringApplicationEvent event) {
        if (event instanceof ApplicationEnvironmentPreparedEvent prepared) {
            String stateDir =
                    Binder.get(prepared.getEnvironment()).bind(PROPERTY, String.class).orElse(null);
            if (stateDir == null) {
                return;
            }
            try {
                OwnerOnly.directory(Path.of(stateDir));
            } catch (IOException e) {
                failure =
                        "cannot create the state directory "
                                + stateDir
                                + " readable by its owner only ("
                                + e.getClass().getSimpleName()
                                + ": "
                                + e.getMessage()
                                + ")";
                // No log file there: the logging starts without one, and the failure is said once
                // it has (the console gets the message, not the logging's stack trace).
                prepared.getEnvironment()
                        .getPropertySources()
                        .addFirst(
                                new MapPropertySource(
                                        "noLogFileInAnUnusableStateDirectory",
                                        Map.of("logging.file.name", "")));
            }
        } else if (event instanceof ApplicationPreparedEvent && failure != null) {
            throw new IllegalStateException(failure);
        }
    }

    /** After the configuration files are read; before the logging opens its file. */
    @Override
    public int getOrder() {
        return LoggingApplicationListener.DEFAULT_ORDER - 1;
    }
}
