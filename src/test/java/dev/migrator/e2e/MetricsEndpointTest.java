package dev.migrator.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.migrator.bench.ExportGenerator;
import dev.migrator.testserver.FakeIntercom;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.ServerSocket;
import java.net.SocketException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * With {@code migration.metrics-port}, a running migration serves Prometheus metrics: Spring
 * Batch's, Resilience4j's and its own.
 */
class MetricsEndpointTest {

    @TempDir Path workDir;

    @Test
    void aRunningMigrationServesItsMetrics() throws Exception {
        Path export = workDir.resolve("export.jsonl");
        ExportGenerator.generate("jsonl", 40, export, 3);
        int port = freePort();
        try (FakeIntercom intercom = FakeIntercom.start()) {
            Agents.addTo(intercom);
            intercom.seed(5).serverErrorRate(0.05);
            MigratorProcess migrator =
                    new MigratorProcess(
                            workDir,
                            intercom.baseUrl(),
                            FakeIntercom.TOKEN,
                            "  metrics-port: " + port);
            // Scraped mid-run, from the fake's request thread, once the migration has sent 150
            // requests.
            CompletableFuture<String> scraped =
                    intercom.whenRequestCount(150).thenApply(count -> scrape(port));

            MigratorProcess.Result result = migrator.run("migrate", "--input", export.toString());

            assertThat(result.exitCode()).as(result.all()).isZero();
            assertThat(scraped.get(1, TimeUnit.MINUTES))
                    .contains(
                            "migrator_records_done",
                            "migrator_api_calls_total",
                            "migrator_api_retries_total",
                            "migrator_api_rate_limit_waits_total")
                    .contains("resilience4j_retry_calls")
                    .contains("spring_batch_job_active");
        }
    }

    /**
     * The metrics name the workspace and its figures: by default only this machine can read them.
     * Another listener holds the port on this machine's network address, which an endpoint on every
     * interface could not share; no traffic leaves loopback.
     */
    @Test
    void theEndpointListensOnlyOnLoopbackByDefault() throws Exception {
        Optional<InetAddress> networkAddress = nonLoopbackAddress();
        assumeTrue(
                networkAddress.isPresent(),
                "this machine has no non-loopback IPv4 address to hold");
        Path export = workDir.resolve("export.jsonl");
        ExportGenerator.generate("jsonl", 20, export, 3);
        int port = freePort();
        try (FakeIntercom intercom = FakeIntercom.start();
                ServerSocket other = new ServerSocket(port, 50, networkAddress.get())) {
            Agents.addTo(intercom);
            MigratorProcess migrator =
                    new MigratorProcess(
                            workDir,
                            intercom.baseUrl(),
                            FakeIntercom.TOKEN,
                            "  metrics-port: " + port);
            CompletableFuture<String> scraped =
                    intercom.whenRequestCount(20).thenApply(count -> scrape(port));

            MigratorProcess.Result result = migrator.run("migrate", "--input", export.toString());

            assertThat(result.exitCode()).as(result.all()).isZero();
            assertThat(scraped.get(1, TimeUnit.MINUTES)).contains("migrator_api_calls_total");
        }
    }

    private static Optional<InetAddress> nonLoopbackAddress() throws SocketException {
        return NetworkInterface.networkInterfaces()
                .flatMap(NetworkInterface::inetAddresses)
                .filter(address -> address instanceof Inet4Address && !address.isLoopbackAddress())
                .findFirst();
    }

    private static String scrape(int port) {
        try {
            HttpResponse<String> response =
                    HttpClient.newHttpClient()
                            .send(
                                    HttpRequest.newBuilder(
                                                    URI.create(
                                                            "http://127.0.0.1:"
                                                                    + port
                                                                    + "/metrics"))
                                            .build(),
                                    HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).isEqualTo(200);
            return response.body();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
