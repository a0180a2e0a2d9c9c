package dev.migrator.cli;

import dev.migrator.support.Throwables;
import java.util.stream.Collectors;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.validation.BindValidationException;
import org.springframework.validation.FieldError;

/** Turns a failure to start into one line for the user (never a stack trace) and an exit code. */
public record StartupFailure(String message, ExitCode exitCode) {

    public static StartupFailure of(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof BindValidationException validation) {
                return unusable(
                        validation.getValidationErrors().getAllErrors().stream()
                                .map(
                                        error ->
                                                error instanceof FieldError field
                                                        ? validation.getValidationErrors().getName()
                                                                + "."
                                                                + field.getField()
                                                                + " "
                                                                + error.getDefaultMessage()
                                                                + " (is '"
                                                                + field.getRejectedValue()
                                                                + "')"
                                                        : error.getDefaultMessage())
                                .collect(Collectors.joining("; ")));
            }
            if (cause instanceof BindException bind
                    && !(bind.getCause() instanceof BindValidationException)) {
                return unusable(
                        bind.getProperty() == null
                                ? Throwables.rootMessage(bind)
                                : "configuration property "
                                        + bind.getProperty().getName()
                                        + " is unusable: "
                                        + Throwables.rootMessage(bind));
            }
        }
        String root = Throwables.rootMessage(failure);
        if (root.contains("Database may be already in use")
                || root.contains("The file is locked")) {
            return new StartupFailure(
                    "the state directory's database is in use by another migrator process; wait for"
                            + " it to finish (or stop it), then run this command again",
                    ExitCode.FAILED);
        }
        return unusable("cannot start: " + root);
    }

    private static StartupFailure unusable(String message) {
        return new StartupFailure(message, ExitCode.UNUSABLE);
    }
}
