package dev.migrator.bench;

import dev.migrator.ConversationMigratorApplication;
import dev.migrator.testserver.FakeIntercom;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Throughput at Intercom's rate limit, against the fake Intercom with a per-10-second limit L and
 * 100 ± 50 ms answers: once configured at the server's own rate and once at ten times it. Prints
 * achieved calls/s ÷ (L/10), the 429s and the calls per conversation. Not part of the test suite;
 * docs/performance.md says how to run it.
 *
 * <p>Usage: {@code RateLimitBenchmark [limitPerWindow=300] [seconds=70]}
 */
public final class RateLimitBenchmark {

    private RateLimitBenchmark() {}

    public static void main(String[] args) throws Exception {
        int limit = args.length > 0 ? Integer.parseInt(args[0]) : 300;
        int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 70;
        Path dir = Files.createTempDirectory("rate-benchmark");
        // About 5 calls per generated conversation: enough conversations for the wanted seconds of
        // traffic.
        int conversations = limit / 10 * seconds / 5;
        Path export = dir.resolve("export.jsonl");
        ExportGenerator.generate("jsonl", conversations, export, 1);
        System.out.printf(
                "L = %d calls per 10 s window, latency 100 ± 50 ms, %d conversations%n",
                limit, conversations);
        System.out.println(
                "configured rate | calls | seconds | calls/s | ratio to L/10 | 429s | 429 share |"
                        + " calls/conversation");
        for (int factor : new int[] {1, 10}) {
            run(dir.resolve("x" + factor), export, limit, factor, conversations);
        }
    }

    private static void run(Path dir, Path export, int limit, int factor, int conversations)
            throws Exception {
        Files.createDirectories(dir);
        try (FakeIntercom intercom = FakeIntercom.builder().rateLimitPerWindow(limit).start()) {
            intercom.addAdmin("bob@acme.example", "Bob Stone");
            intercom.addAdmin("carol@acme.example", "Carol Diaz");
            intercom.latency(Duration.ofMillis(100), Duration.ofMillis(50));
            Path config = dir.resolve("config.yml");
            Files.writeString(
                    config,
                    """
                    intercom.base-url: %s
                    intercom.requests-per-minute: %d
                    migration.concurrency: 32
                    """
                            .formatted(intercom.baseUrl(), limit * 6 * factor));
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
            JsonNode summary =
                    JsonMapper.builder()
                            .build()
                            .readTree(dir.resolve("state/runs/1/summary.json").toFile());
            double seconds =
                    Duration.between(
                                            LocalDateTime.parse(
                                                    summary.path("started_at").asString()),
                                            LocalDateTime.parse(
                                                    summary.path("ended_at").asString()))
                                    .toMillis()
                            / 1000.0;
            long calls = intercom.requestCount();
            double perSecond = calls / seconds;
            System.out.printf(
                    "%2d× the server's | %d | %.1f | %.1f | %.3f | %d | %.2f%% | %.2f%n",
                    factor,
                    calls,
                    seconds,
                    perSecond,
                    perSecond / (limit / 10.0),
                    intercom.rateLimited(),
                    100.0 * intercom.rateLimited() / calls,
                    (double) calls / conversations);
        }
    }
}
