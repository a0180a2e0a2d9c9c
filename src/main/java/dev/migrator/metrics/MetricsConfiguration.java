package dev.migrator.metrics;

import com.sun.net.httpserver.HttpServer;
import dev.migrator.intercom.HttpTransport;
import dev.migrator.job.RunProgress;
import io.github.resilience4j.micrometer.tagged.TaggedRetryMetrics;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.observation.DefaultMeterObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import org.springframework.batch.core.configuration.annotation.BatchObservabilityBeanPostProcessor;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Optional Prometheus metrics for long runs, when {@code migration.metrics-port} is set: {@code GET
 * /metrics} on that port serves Spring Batch's job, step and chunk timers, the Resilience4j retry's
 * counts, and the migrator's own (records done, API calls, retries, rate-limit waits). The JDK's
 * HTTP server serves it: one plain-text page needs no web stack.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(prefix = "migration", name = "metrics-port")
@EnableConfigurationProperties(MetricsProperties.class)
public class MetricsConfiguration {

    @Bean
    PrometheusMeterRegistry prometheusMeterRegistry(
            RunProgress runProgress, HttpTransport httpTransport) {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        Gauge.builder("migrator.records.done", runProgress, RunProgress::records)
                .description("Records of the running migration written by its chunks")
                .register(registry);
        FunctionCounter.builder("migrator.api.calls", httpTransport, HttpTransport::callCount)
                .description("Calls sent to Intercom")
                .register(registry);
        FunctionCounter.builder("migrator.api.retries", httpTransport, HttpTransport::retryCount)
                .description("Calls sent again after a transient failure")
                .register(registry);
        FunctionCounter.builder(
                        "migrator.api.rate.limit.waits",
                        httpTransport,
                        HttpTransport::rateLimitWaitCount)
                .description("429 answers, each a wait for the rate-limit window to reset")
                .register(registry);
        TaggedRetryMetrics.ofRetryRegistry(httpTransport.retryRegistry()).bindTo(registry);
        return registry;
    }

    /** Spring Batch records its metrics through observations, when there is a registry for them. */
    @Bean
    ObservationRegistry observationRegistry(MeterRegistry meterRegistry) {
        ObservationRegistry observations = ObservationRegistry.create();
        observations
                .observationConfig()
                .observationHandler(new DefaultMeterObservationHandler(meterRegistry));
        return observations;
    }

    /**
     * Gives the job and its steps the observation registry (Boot's batch set-up leaves that to the
     * application).
     */
    @Bean
    static BatchObservabilityBeanPostProcessor batchObservabilityBeanPostProcessor() {
        return new BatchObservabilityBeanPostProcessor();
    }

    @Bean(destroyMethod = "stop")
    MetricsEndpoint metricsEndpoint(MetricsProperties metrics, PrometheusMeterRegistry registry)
            throws IOException {
        return new MetricsEndpoint(
                new InetSocketAddress(metrics.metricsAddress(), metrics.metricsPort()), registry);
    }

    /** {@code GET /metrics} in Prometheus's text format, for a scraper. */
    static final class MetricsEndpoint {
        private final HttpServer server;

        MetricsEndpoint(InetSocketAddress address, PrometheusMeterRegistry registry)
                throws IOException {
            server = HttpServer.create(address, 0);
            server.createContext(
                    "/metrics",
                    exchange -> {
                        byte[] body = registry.scrape().getBytes(StandardCharsets.UTF_8);
                        exchange.getResponseHeaders()
                                .set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
                        exchange.sendResponseHeaders(200, body.length);
                        try (OutputStream out = exchange.getResponseBody()) {
                            out.write(body);
                        }
                    });
            server.start();
        }

        void stop() {
            server.stop(0);
        }
    }
}
