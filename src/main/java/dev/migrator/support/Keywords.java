package dev.migrator.support;

import java.util.Locale;
import java.util.Set;

/**
 * The words exports use as values (a status, an author type, a role), read as one however they are
 * written: {@code "Closed "} is {@code "closed"}.
 */
public final class Keywords {

    private Keywords() {}

    /** {@code value} trimmed and in lower case; {@code null} stays {@code null}. */
    public static String normalize(String value) {
        return value == null ? null : value.trim().toLowerCase(Locale.ROOT);
    }

    /**
     * Whether {@code value}, in any case and with spaces around it, is one of {@code keywords}
     * (themselves normalized).
     */
    public static boolean isIn(String value, Set<String> keywords) {
        return value != null && keywords.contains(normalize(value));
    }
}
