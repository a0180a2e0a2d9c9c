package dev.migrator.support;

/** What a failure says to a user: the message of its root cause, never null. */
public final class Throwables {

    private Throwables() {}

    /** The first line of the root cause's message, or its class name when it has none. */
    public static String rootMessage(Throwable failure) {
        Throwable cause = failure;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        String message = cause.getMessage();
        if (message == null || message.isBlank()) {
            return cause.getClass().getSimpleName();
        }
        return message.lines().findFirst().orElse(message);
    }
}
