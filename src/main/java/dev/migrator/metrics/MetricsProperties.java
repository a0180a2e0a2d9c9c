package dev.migrator.metrics;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Where the Prometheus endpoint listens: {@code migration.metrics-port}, and {@code
 * migration.metrics-address}, this machine only unless set (the metrics name the workspace and its
 * figures; a container publishing the port sets {@code 0.0.0.0}).
 */
@Validated
@ConfigurationProperties("migration")
public record MetricsProperties(
        @Min(1) @Max(65535) Integer metricsPort,
        @DefaultValue("127.0.0.1") @NotBlank String metricsAddress) {}
