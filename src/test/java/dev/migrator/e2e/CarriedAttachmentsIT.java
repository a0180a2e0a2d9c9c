package dev.migrator.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.migrator.testserver.FakeIntercom;
import dev.migrator.testserver.FakeIntercom.Part;
import dev.migrator.testserver.FakeIntercom.UploadedFile;
import dev.migrator.testserver.FakeIntercom.Write;
import dev.migrator.testserver.SourceFiles;
import dev.migrator.testserver.SourceFiles.Access;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged jar carrying attachments itself ({@code migration.attachments: upload}): killed with
 * {@code kill -9} while a reply with files is on its way (before Intercom applied it, and after,
 * before the answer came), the same command run again must leave every file in Intercom exactly
 * once; and a 200 MB file goes through a process limited to a 256 MB heap.
 */
class CarriedAttachmentsIT {

    private static final int CONVERSATIONS = 4;
    private static final long START = Instant.parse("2024-06-01T09:00:00Z").getEpochSecond();

    @TempDir Path workDir;

    private FakeIntercom intercom;
    private SourceFiles files;
    private final List<String> expectedSha256 = new ArrayList<>();

    @BeforeEach
    void setUp() {
        intercom = FakeIntercom.start();
        Agents.addTo(intercom);
        files = SourceFiles.start();
    }

    @AfterEach
    void tearDown() {
        intercom.close();
        files.close();
    }

    @Test
    void killedBeforeAReplyWithFilesWasAppliedItUploadsEachFileOnce() throws Exception {
        killAt(intercom -> intercom.holdFirst(Write.REPLY));
    }

    @Test
    void killedAfterAReplyWithFilesWasAppliedBeforeItsAnswerItUploadsEachFileOnce()
            throws Exception {
        killAt(intercom -> intercom.holdAnswerOfFirst(Write.REPLY));
    }

    @Test
    void aFileOf200MbGoesThroughA256MbHeap() throws Exception {
        String url =
                files.addGenerated(
                        "recording.bin", 200L << 20, "application/octet-stream", Access.PUBLIC);
        Path export = workDir.resolve("big.jsonl");
        Files.writeString(
                export,
                """
                {"id":"big-1","subject":"Call recording",\
                "contact":{"email":"big@example.org","name":"Big"},"messages":[\
                {"id":"m-1","author":{"type":"contact"},"body":"Here is the call.","created_at":%d},\
                {"id":"m-2","author":{"type":"agent","email":"bob@acme.example"},\
                "body":"The recording, as asked.","created_at":%d,\
                "attachments":[{"url":"%s","name":"recording.bin","content_type":"application/octet-stream"}]}]}
                """
                        .formatted(START, START + 60, url));
        Path config =
                config(
                        """
                        migration.attachment-max-size: 250MB
                        migration.attachment-max-part-size: 250MB
                        """);

        Process process =
                PackagedJar.process(
                                List.of("-Xmx256m"),
                                config,
                                workDir.resolve("state"),
                                "migrate",
                                "--input",
                                export.toString())
                        .redirectOutput(workDir.resolve("big.txt").toFile())
                        .start();

        assertThat(process.waitFor(5, TimeUnit.MINUTES)).isTrue();
        String output = Files.readString(workDir.resolve("big.txt"));
        assertThat(process.exitValue()).as(output).isZero();
        assertThat(output).doesNotContain("OutOfMemoryError");
        assertThat(uploadedFiles())
                .singleElement()
                .satisfies(
                        file -> {
                            assertThat(file.name()).isEqualTo("recording.bin");
                            assertThat(file.size()).isEqualTo(200L << 20);
                            assertThat(file.sha256()).isEqualTo(files.sha256(url));
                        });
    }

    private void killAt(Function<FakeIntercom, CompletableFuture<Void>> hold) throws Exception {
        Path export = workDir.resolve("export.jsonl");
        List<String> lines = new ArrayList<>();
        for (int i = 1; i <= CONVERSATIONS; i++) {
            lines.add(conversation(i));
        }
        Files.write(export, lines);
        Path config = config("");

        CompletableFuture<Void> held = hold.apply(intercom);
        Process first = start(config, export);
        CompletableFuture.anyOf(held, first.onExit()).get(3, TimeUnit.MINUTES);
        assertThat(held).as("a reply with files reached Intercom:\n" + output()).isDone();
        first.destroyForcibly(); // SIGKILL: no shutdown hook, no last words
        assertThat(first.waitFor(1, TimeUnit.MINUTES)).isTrue();
        intercom.releaseHeld();

        int runs = 0;
        int exitCode = -1;
        while (exitCode != 0) {
            assertThat(runs++).as("runs needed to finish:\n" + output()).isLessThan(5);
            Process again = start(config, export);
            assertThat(again.waitFor(3, TimeUnit.MINUTES)).as(output()).isTrue();
            exitCode = again.exitValue();
            assertThat(exitCode).as(output()).isIn(0, 1);
        }

        assertThat(uploadedFiles())
                .as("files in Intercom, by content")
                .extracting(UploadedFile::sha256)
                .containsExactlyInAnyOrderElementsOf(expectedSha256);
        for (int i = 1; i <= CONVERSATIONS; i++) {
            int n = i;
            String contactId =
                    intercom.contacts().stream()
                            .filter(c -> ("u-" + n).equals(c.externalId()))
                            .findFirst()
                            .orElseThrow()
                            .id();
            assertThat(intercom.conversationsOf(contactId))
                    .as("conversation c-%d", i)
                    .singleElement()
                    .satisfies(
                            c ->
                                    assertThat(c.parts())
                                            .filteredOn(p -> !p.files().isEmpty())
                                            .extracting(p -> p.files().get(0).name())
                                            .as("parts with files of c-%d, once each", n)
                                            .containsExactlyInAnyOrder(
                                                    "opening-" + n + ".txt",
                                                    "reply-" + n + ".pdf",
                                                    "again-" + n + ".png"));
        }
        assertThat(intercom.notifications()).as("customers notified").isZero();
    }

    /**
     * Three messages, each with a file of its own: the opening's goes in a note after it (a create
     * takes URLs only), the agent's and the contact's replies carry theirs.
     */
    private String conversation(int i) {
        String opening = file("opening-" + i + ".txt", "text/plain");
        String reply = file("reply-" + i + ".pdf", "application/pdf");
        String again = file("again-" + i + ".png", "image/png");
        long at = START + i * 3_600L;
        return """
        {"id":"c-%1$d","subject":"Order %1$d",\
        "contact":{"email":"customer%1$d@example.org","external_id":"u-%1$d","name":"Customer %1$d"},\
        "messages":[\
        {"id":"m-1","author":{"type":"contact"},"body":"Invoice attached.","created_at":%2$d,\
        "attachments":[%3$s]},\
        {"id":"m-2","author":{"type":"agent","email":"bob@acme.example","name":"Bob"},\
        "body":"Here is the corrected one.","created_at":%4$d,"attachments":[%5$s]},\
        {"id":"m-3","author":{"type":"contact"},"body":"And a screenshot.","created_at":%6$d,\
        "attachments":[%7$s]}]}\
        """
                .formatted(i, at, opening, at + 60, reply, at + 120, again);
    }

    private String file(String name, String contentType) {
        String url =
                files.add(
                        name,
                        ("the bytes of " + name).getBytes(StandardCharsets.UTF_8),
                        contentType,
                        Access.PUBLIC);
        expectedSha256.add(files.sha256(url));
        return """
        {"url":"%s","name":"%s","content_type":"%s"}\
        """
                .formatted(url, name, contentType);
    }

    private List<UploadedFile> uploadedFiles() {
        return intercom.conversations().stream()
                .flatMap(c -> c.parts().stream())
                .map(Part::files)
                .flatMap(List::stream)
                .toList();
    }

    private Process start(Path config, Path export) throws IOException {
        return PackagedJar.process(
                        config, workDir.resolve("state"), "migrate", "--input", export.toString())
                .redirectOutput(
                        ProcessBuilder.Redirect.appendTo(workDir.resolve("runs.txt").toFile()))
                .start();
    }

    private String output() throws IOException {
        Path runs = workDir.resolve("runs.txt");
        return Files.exists(runs) ? Files.readString(runs) : "";
    }

    private Path config(String extra) throws IOException {
        Path config = workDir.resolve("config.yml");
        Files.writeString(
                config,
                """
                intercom.base-url: %s
                intercom.timeout: 3s
                intercom.search-lag: 3s
                migration.chunk-size: 2
                migration.concurrency: 2
                migration.default-admin-id: %s
                migration.attachments: upload
                %s\
                """
                        .formatted(intercom.baseUrl(), intercom.admins().get(0).id(), extra));
        return config;
    }
}
