package dev.migrator.job;

import dev.migrator.intercom.InFlightWindow;
import dev.migrator.support.UpperBound;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import org.hibernate.validator.constraints.time.DurationMin;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * How the migration runs: where its state lives, who authors unmatched agents' parts, the zone of
 * times without an offset, how wide it goes, how long a run's lease outlives its owner's last
 * heartbeat ({@code lease-duration}, see {@link RunLeases}), the conversation attribute that
 * receives each conversation's source key ({@code sourceAttribute}, optional), and whether what an
 * admin deleted in Intercom after an earlier run is created again ({@code recreate-deleted}; by
 * default such records are refused, saying so: the deletion may have been on purpose).
 */
@Validated
@ConfigurationProperties("migration")
public record MigrationProperties(
        @NotNull Path stateDir,
        String defaultAdminId,
        @NotNull ZoneId timezone,
        @Min(1) @Max(1000) int chunkSize,
        @NotNull UpperBound concurrency,
        @NotNull @DurationMin(seconds = 1) Duration leaseDuration,
        String sourceAttribute,
        boolean recreateDeleted) {

    public boolean hasDefaultAdmin() {
        return defaultAdminId != null && !defaultAdminId.isBlank();
    }

    /** The source attribute's name, or {@code null} when none is set. */
    public String sourceAttributeName() {
        return sourceAttribute == null || sourceAttribute.isBlank() ? null : sourceAttribute.trim();
    }

    /**
     * The most conversations a run may have in flight, whatever the adaptive window says: {@code
     * concurrency} when it is a number, else the window's own ceiling.
     */
    public int maxInFlight() {
        return concurrency.orElse(InFlightWindow.CEILING);
    }

    public Path runDir(long runId) {
        return stateDir.resolve("runs").resolve(Long.toString(runId));
    }
}
