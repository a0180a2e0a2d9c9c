package dev.migrator.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.migrator.bench.ExportGenerator;
import dev.migrator.testserver.FakeIntercom;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Scheduled imports with the packaged jar: {@code watch} takes three exports dropped into its inbox
 * one after the other, two of them overlapping, migrates each once and files it under done/; a file
 * it cannot read goes to failed/ with its reason; SIGTERM stops it.
 */
class WatchIT {

    @TempDir Path workDir;

    @Test
    void everyConversationOfThreeOverlappingExportsExistsOnce() throws Exception {
        Path all = workDir.resolve("all.jsonl");
        ExportGenerator.generate("jsonl", 40, all, 13);
        List<String> lines = Files.readAllLines(all);
        Path first = write("monday.jsonl", lines.subList(0, 20));
        Path second = write("tuesday.jsonl", lines.subList(10, 30)); // overlaps monday's last ten
        Path third = write("wednesday.jsonl", lines.subList(30, 40));
        Path broken = workDir.resolve("notes.txt");
        Files.writeString(broken, "not an export\n");
        Path inbox = Files.createDirectories(workDir.resolve("inbox"));

        try (FakeIntercom intercom = FakeIntercom.start()) {
            Agents.addTo(intercom);
            Path config = workDir.resolve("config.yml");
            Files.writeString(config, "intercom:\n  base-url: " + intercom.baseUrl() + "\n");
            Path output = workDir.resolve("watch.log");
            Process watcher =
                    PackagedJar.process(
                                    config,
                                    workDir.resolve("state"),
                                    "watch",
                                    "--inbox",
                                    inbox.toString(),
                                    "--every",
                                    "1s")
                            .redirectOutput(output.toFile())
                            .start();
            try {
                for (Path export : List.of(first, second, third, broken)) {
                    Files.move(
                            export,
                            inbox.resolve(export.getFileName()),
                            StandardCopyOption.ATOMIC_MOVE);
                    Path filed =
                            inbox.resolve(export == broken ? "failed" : "done")
                                    .resolve(export.getFileName());
                    awaitUntil(() -> Files.exists(filed), watcher, output);
                }
            } finally {
                watcher.destroy(); // SIGTERM
                assertThat(watcher.waitFor(1, TimeUnit.MINUTES))
                        .as("the watcher stops on SIGTERM")
                        .isTrue();
            }

            String log = Files.readString(output, StandardCharsets.UTF_8);
            assertThat(watcher.exitValue()).as(log).isZero();
            assertThat(log).contains("Stopped watching").doesNotContain("Exception");
            ExactlyOnce.assertMigrated(intercom, all);
            assertThat(Files.readString(inbox.resolve("failed/notes.txt.reason.txt")))
                    .contains("cannot tell its format");
            try (var left = Files.list(inbox)) {
                assertThat(left.filter(Files::isRegularFile))
                        .as("nothing left in the inbox")
                        .isEmpty();
            }
        }
    }

    private Path write(String name, List<String> lines) throws IOException {
        return Files.write(workDir.resolve(name), lines);
    }

    /**
     * Polls for what the watcher does, failing with its output if it exits or takes more than two
     * minutes.
     */
    private static void awaitUntil(BooleanSupplier condition, Process watcher, Path output)
            throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        while (!condition.getAsBoolean()) {
            if (!watcher.isAlive() || System.nanoTime() > deadline) {
                throw new AssertionError(
                        "the watcher did not file the export:\n" + Files.readString(output));
            }
            watcher.waitFor(100, TimeUnit.MILLISECONDS);
        }
    }
}
