package dev.migrator.intercom;

import dev.migrator.support.UpperBound;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import java.net.URI;
import java.time.Duration;
import java.util.Set;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * How to reach Intercom. The access token is never printed: see {@link #toString()}. {@code
 * requestsPerMinute} is {@code auto} (follow the server's {@code X-RateLimit-*} headers) or an
 * upper bound the user wants (a lower server figure still wins).
 */
@Validated
@ConfigurationProperties("intercom")
public record IntercomProperties(
        @NotNull URI baseUrl,
        @NotBlank String version,
        String accessToken,
        @NotNull UpperBound requestsPerMinute,
        @NotNull Duration timeout,
        @NotNull @Valid RetryProperties retry,
        @NotNull Duration searchLag) {

    /**
     * {@code created_at} is honoured from 2.11 on; older versions would stamp every part with the
     * import time.
     */
    static final String OLDEST_SUPPORTED_VERSION = "2.11";

    private static final Set<String> LOOPBACK_HOSTS =
            Set.of("localhost", "127.0.0.1", "[::1]", "::1");

    public IntercomProperties {
        accessToken =
                accessToken == null
                        ? null
                        : accessToken.strip(); // a secret file's trailing newline
        if (version != null && !version.isBlank() && !supported(version)) {
            throw new IllegalArgumentException(
                    "intercom.version is '"
                            + version
                            + "', but the migrator needs "
                            + OLDEST_SUPPORTED_VERSION
                            + " or later (older versions ignore created_at)");
        }
        if (baseUrl != null
                && !"https".equals(baseUrl.getScheme())
                && !("http".equals(baseUrl.getScheme())
                        && LOOPBACK_HOSTS.contains(String.valueOf(baseUrl.getHost())))) {
            throw new IllegalArgumentException(
                    "intercom.base-url must be an https:// URL (plain http only to this machine),"
                            + " not '"
                            + baseUrl
                            + "'");
        }
    }

    /**
     * Intercom's default per-app limit: the rate before the server's first answer tells its own,
     * when {@code requests-per-minute} is {@code auto}.
     */
    static final int DEFAULT_REQUESTS_PER_MINUTE = 10_000;

    public boolean hasAccessToken() {
        return accessToken != null && !accessToken.isBlank();
    }

    private static boolean supported(String version) {
        if (version.equalsIgnoreCase("Unstable")) {
            return true;
        }
        String[] parts = version.trim().split("\\.");
        try {
            int major = Integer.parseInt(parts[0]);
            int minor = parts.length > 1 ? Integer.parseInt(parts[1]) : 0;
            return major > 2 || (major == 2 && minor >= 11);
        } catch (NumberFormatException e) {
            return false;
        }
    }

    @Override
    public String toString() {
        return "IntercomProperties[baseUrl="
                + baseUrl
                + ", version="
                + version
                + ", accessToken="
                + (hasAccessToken() ? "(set)" : "(not set)")
                + ", requestsPerMinute="
                + requestsPerMinute
                + "]";
    }

    /** Retries of transient failures: exponential backoff with jitter. */
    public record RetryProperties(
            @Min(1) int maxAttempts,
            @NotNull Duration initialBackoff,
            @NotNull Duration maxBackoff) {}
}
