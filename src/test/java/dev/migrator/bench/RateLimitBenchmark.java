package dev.migrator.bench;

import dev.migrator.ConversationMigratorApplication;
import dev.migrator.testserver.FakeIntercom;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Throughput at Intercom's rate limit, at the default settings (no configuration but the base URL),
 * against the fake Intercom in four scenarios: an app's 10,000 calls a minute, a small app's 1,000,
 * a workspace's 25,000, each with 300 ± 150 ms answers, and 10,000 with 1,000 ± 300 ms answers.
 * Prints, per scenario, the calls, the seconds from the first call to the last as the fake saw
 * them, calls/s and its ratio to the limit, the 429s, the calls per conversation and the most calls
 * the fake was answering at once, and the calls in each of the fake's 10-second windows. Not part
 * of the test suite; docs/performance.md says how to run it.
 *
 * <p>Usage: {@code RateLimitBenchmark [scenarios=all] [seconds=70] [configuration line...]}, where
 * scenarios is {@code all} or a comma-separated list of {@code 10k,1k,25k,10k-slow} and {@code
 * fake} (can the fake itself answer 25,000 calls a minute with 300 ms answers?); configuration
 * lines (like {@code "migration.chunk-size: 1000"}) are added to every run's configuration.
 */
public final class RateLimitBenchmark {

    /** One fake Intercom: its limit a minute and its answers' time. */
    private record Scenario(String name, int perMinute, int latencyMillis, int jitterMillis) {
        int perWindow() {
            return perMinute / 6;
        }
    }

    private static final List<Scenario> SCENARIOS =
            List.of(
                    new Scenario("10k", 10_000, 300, 150),
                    new Scenario("1k", 1_000, 300, 150),
                    new Scenario("25k", 25_000, 300, 150),
                    new Scenario("10k-slow", 10_000, 1_000, 300));

    /** What a generated conversation costs on average (docs/performance.md). */
    private static final double CALLS_PER_CONVERSATION = 7.8;

    private RateLimitBenchmark() {}

    public static void main(String[] args) throws Exception {
        List<String> names = Arrays.asList((args.length > 0 ? args[0] : "all").split(","));
        int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 70;
        List<String> configuration =
                args.length > 2 ? List.of(args).subList(2, args.length) : List.of();
        if (names.contains("fake")) {
            checkFakeCapacity(seconds);
        }
        Path dir = Files.createTempDirectory("rate-benchmark");
        System.out.println(
                "configuration: defaults"
                        + (configuration.isEmpty()
                                ? ""
                                : " + " + String.join(", ", configuration)));
        System.out.println(
                "scenario | limit/min | answers | calls | traffic s | calls/s | ratio to limit |"
                        + " 429s | 429 share | calls/conversation | peak calls in flight | calls"
                        + " per 10 s window");
        for (Scenario scenario : SCENARIOS) {
            if (names.contains("all") || names.contains(scenario.name())) {
                run(scenario, dir.resolve(scenario.name()), seconds, configuration);
            }
        }
    }

    private static void run(Scenario scenario, Path dir, int seconds, List<String> configuration)
            throws Exception {
        Files.createDirectories(dir);
        // Enough conversations for the wanted seconds of traffic at the limit.
        int conversations =
                (int) Math.ceil(scenario.perMinute() / 60.0 * seconds / CALLS_PER_CONVERSATION);
        Path export = dir.resolve("export.jsonl");
        ExportGenerator.generate("jsonl", conversations, export, 1);
        try (FakeIntercom intercom =
                FakeIntercom.builder().rateLimitPerWindow(scenario.perWindow()).start()) {
            intercom.addAdmin("bob@acme.example", "Bob Stone");
            intercom.addAdmin("carol@acme.example", "Carol Diaz");
            intercom.latency(
                    Duration.ofMillis(scenario.latencyMillis()),
                    Duration.ofMillis(scenario.jitterMillis()));
            Path config = dir.resolve("config.yml");
            List<String> lines = new ArrayList<>();
            lines.add("intercom.base-url: " + intercom.baseUrl());
            lines.addAll(configuration);
            Files.write(config, lines);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            PrintStream stream = new PrintStream(out, true, StandardCharsets.UTF_8);
            int exit =
                    ConversationMigratorApplication.run(
                            new String[] {
                                "migrate",
                                "--input",
                                export.toString(),
                                "--config",
                                config.toString(),
                                "--state-dir",
                                dir.resolve("state").toString()
                            },
                            stream,
                            stream,
                            Map.of("INTERCOM_ACCESS_TOKEN", FakeIntercom.TOKEN));
            if (exit != 0) {
                throw new IllegalStateException(
                        "the run exited " + exit + ":\n" + out.toString(StandardCharsets.UTF_8));
            }
            long calls = intercom.requestCount();
            double traffic = intercom.trafficSpan().toMillis() / 1000.0;
            double perSecond = calls / traffic;
            System.out.printf(
                    "%s | %,d | %d ± %d ms | %,d | %.1f | %.1f | %.3f | %d | %.2f%% | %.2f | %d |"
                            + " %s%n",
                    scenario.name(),
                    scenario.perMinute(),
                    scenario.latencyMillis(),
                    scenario.jitterMillis(),
                    calls,
                    traffic,
                    perSecond,
                    perSecond / (scenario.perWindow() / 10.0),
                    intercom.rateLimited(),
                    100.0 * intercom.rateLimited() / calls,
                    (double) calls / conversations,
                    intercom.peakInFlight(),
                    intercom.requestsPerWindow());
        }
    }

    /**
     * Sends {@code GET /me} at a workspace's 25,000 calls a minute (416.7/s) for {@code seconds}
     * against a fake with 300 ± 150 ms answers and no limit in the way, and prints the answers/s
     * and answer times: a benchmark's figures are the migrator's only if the fake keeps up.
     */
    private static void checkFakeCapacity(int seconds) throws Exception {
        double perSecond = 25_000 / 60.0;
        try (FakeIntercom intercom = FakeIntercom.builder().rateLimitPerWindow(1_000_000).start()) {
            intercom.latency(Duration.ofMillis(300), Duration.ofMillis(150));
            HttpClient client =
                    HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            HttpRequest me =
                    HttpRequest.newBuilder(URI.create(intercom.baseUrl() + "/me"))
                            .header("Authorization", "Bearer " + FakeIntercom.TOKEN)
                            .header("Intercom-Version", "2.16")
                            .header("Accept", "application/json")
                            .build();
            int total = (int) (perSecond * seconds);
            AtomicLong answerNanos = new AtomicLong();
            AtomicLong slowestNanos = new AtomicLong();
            List<CompletableFuture<?>> answers = new ArrayList<>(total);
            long start = System.nanoTime();
            for (int i = 0; i < total; i++) {
                long due = start + (long) (i * 1e9 / perSecond);
                long early = due - System.nanoTime();
                if (early > 0) {
                    Thread.sleep(early / 1_000_000, (int) (early % 1_000_000));
                }
                long sentAt = System.nanoTime();
                answers.add(
                        client.sendAsync(me, HttpResponse.BodyHandlers.discarding())
                                .thenRun(
                                        () -> {
                                            long took = System.nanoTime() - sentAt;
                                            answerNanos.addAndGet(took);
                                            slowestNanos.accumulateAndGet(took, Math::max);
                                        }));
            }
            CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new)).join();
            double elapsed = (System.nanoTime() - start) / 1e9;
            System.out.printf(
                    "fake capacity: %,d calls asked at %.1f/s: answered %.1f/s over %.1f s (first"
                            + " to last call %.1f s), answer time mean %.0f ms, slowest %.0f ms,"
                            + " peak calls in flight %d%n",
                    total,
                    perSecond,
                    total / elapsed,
                    elapsed,
                    intercom.trafficSpan().toMillis() / 1000.0,
                    answerNanos.get() / 1e6 / total,
                    slowestNanos.get() / 1e6,
                    intercom.peakInFlight(),
                    intercom.requestsPerWindow());
        }
    }
}
