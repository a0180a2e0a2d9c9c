package dev.migrator.cli;

import dev.migrator.support.OwnerOnly;
import java.io.IOException;
import java.nio.file.Path;
import org.springframework.boot.context.event.ApplicationEnvironmentPreparedEvent;
import org.springframework.boot.context.logging.LoggingApplicationListener;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.ApplicationListener;
import org.springframework.core.Ordered;

/**
 * Rejects, logs and the job repository hold customer data: the state directory is created
 * owner-only (or made so) once the configuration says where it is, and before the log file and the
 * database are opened in it.
 */
public final class StateDirectory
        implements ApplicationListener<ApplicationEnvironmentPreparedEvent>, Ordered {

    static final String PROPERTY = "migration.state-dir";

    @Override
    public void onApplicationEvent(ApplicationEnvironmentPreparedEvent event) {
        Binder.get(event.getEnvironment())
                .bind(PROPERTY, String.class)
                .ifBound(stateDir -> createOwnerOnly(Path.of(stateDir)));
    }

    private static void createOwnerOnly(Path stateDir) {
        try {
            OwnerOnly.directory(stateDir);
        } catch (IOException e) {
            throw new IllegalStateException(
                    "cannot create the state directory "
                            + stateDir
                            + " readable by its owner only ("
                            + e
                            + ")");
        }
    }

    /** After the configuration files are read; before the logging opens its file. */
    @Override
    public int getOrder() {
        return LoggingApplicationListener.DEFAULT_ORDER - 1;
    }
}
