package dev.migrator.intercom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.migrator.support.UpperBound;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import okhttp3.mockwebserver.MockResponse;
import okhttp3.mockwebserver.MockWebServer;
import okhttp3.mockwebserver.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/** A request's files travel as base64 in its {@code attachment_files}, streamed from disk. */
class HttpTransportFilesTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final MockWebServer server = new MockWebServer();
    private final HttpTransport transport = transportTo(server);

    @TempDir Path dir;

    @AfterEach
    void stop() throws IOException {
        server.shutdown();
    }

    @Test
    void theFilesArriveIntactBesideTheBody() throws Exception {
        Path report = write("report.pdf", randomBytes(3 * 1024 * 1024 + 7, 1));
        Path note = write("note.txt", "héllo\n".getBytes(StandardCharsets.UTF_8));
        server.enqueue(new MockResponse().setBody("{\"id\":\"1\"}"));

        transport.exchange(
                ApiRequest.create(
                        "/conversations/1/reply",
                        reply(),
                        List.of(
                                new AttachmentFile(
                                        "report.pdf",
                                        "application/pdf",
                                        report,
                                        Files.size(report)),
                                new AttachmentFile(
                                        "note.txt", "text/plain", note, Files.size(note)))));

        RecordedRequest request = server.takeRequest();
        assertThat(request.getHeader("Content-Type")).isEqualTo("application/json");
        Received received = read(request);
        assertThat(received.fields())
                .containsEntry("message_type", "comment")
                .containsEntry("body", "See attached")
                .containsEntry("admin_id", "7");
        assertThat(received.files())
                .containsExactly(
                        new Sent(
                                "report.pdf",
                                "application/pdf",
                                Files.size(report),
                                sha256(report)),
                        new Sent("note.txt", "text/plain", Files.size(note), sha256(note)));
    }

    @Test
    void aCreateWithFilesWhoseOutcomeIsUnknownIsNotSentAgainAndLeavesNoTemporaryFile()
            throws Exception {
        Path file = write("a.bin", randomBytes(1000, 2));
        server.enqueue(new MockResponse().setResponseCode(502));
        Set<Path> before = requestFiles();

        assertThatThrownBy(
                        () ->
                                transport.exchange(
                                        ApiRequest.create(
                                                "/conversations/1/reply",
                                                reply(),
                                                List.of(
                                                        new AttachmentFile(
                                                                "a.bin",
                                                                "application/octet-stream",
                                                                file,
                                                                1000)))))
                .isInstanceOf(OutcomeUnknownException.class);

        assertThat(server.getRequestCount()).isOne();
        assertThat(requestFiles()).isEqualTo(before);
    }

    @Test
    void aSuccessfulCallLeavesNoTemporaryFile() throws Exception {
        Path file = write("a.bin", randomBytes(10, 3));
        server.enqueue(new MockResponse().setBody("{}"));
        Set<Path> before = requestFiles();

        transport.exchange(
                ApiRequest.create(
                        "/conversations/1/reply",
                        reply(),
                        List.of(new AttachmentFile("a.bin", null, file, 10))));

        assertThat(requestFiles()).isEqualTo(before);
        assertThat(read(server.takeRequest()).files())
                .singleElement()
                .satisfies(sent -> assertThat(sent.contentType()).isNull());
    }

    @Test
    void aMissingFileIsNamedAndNothingIsSent() throws Exception {
        Path missing = dir.resolve("gone.png");
        Set<Path> before = requestFiles();

        assertThatThrownBy(
                        () ->
                                transport.exchange(
                                        ApiRequest.create(
                                                "/conversations/1/reply",
                                                reply(),
                                                List.of(
                                                        new AttachmentFile(
                                                                "gone.png",
                                                                "image/png",
                                                                missing,
                                                                5)))))
                .isInstanceOf(UncheckedIOException.class)
                .hasMessageContaining(missing.toString());

        assertThat(server.getRequestCount()).isZero();
        assertThat(requestFiles()).isEqualTo(before);
    }

    private static ObjectNode reply() {
        return JSON.createObjectNode()
                .put("message_type", "comment")
                .put("type", "admin")
                .put("admin_id", "7")
                .put("body", "See attached");
    }

    private Path write(String name, byte[] bytes) throws IOException {
        return Files.write(dir.resolve(name), bytes);
    }

    private static byte[] randomBytes(int size, long seed) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    /** The transport's temporary body files present now. */
    private static Set<Path> requestFiles() throws IOException {
        try (Stream<Path> files = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            return files.filter(f -> f.getFileName().toString().startsWith("intercom-request-"))
                    .collect(Collectors.toSet());
        }
    }

    record Sent(String name, String contentType, long size, String sha256) {}

    record Received(Map<String, String> fields, List<Sent> files) {}

    /** The request's body, read as a stream: each file's data decoded into a digest. */
    private static Received read(RecordedRequest request) throws Exception {
        Map<String, String> fields = new LinkedHashMap<>();
        List<Sent> files = new ArrayList<>();
        try (JsonParser parser = JSON.createParser(request.getBody().inputStream())) {
            parser.nextToken();
            while (parser.nextToken() == JsonToken.PROPERTY_NAME) {
                String name = parser.currentName();
                parser.nextToken();
                if (!name.equals("attachment_files")) {
                    fields.put(name, parser.getString());
                    continue;
                }
                while (parser.nextToken() == JsonToken.START_OBJECT) {
                    Map<String, String> file = new LinkedHashMap<>();
                    long size = 0;
                    String sha = null;
                    while (parser.nextToken() == JsonToken.PROPERTY_NAME) {
                        String property = parser.currentName();
                        parser.nextToken();
                        if (property.equals("data")) {
                            MessageDigest digest = MessageDigest.getInstance("SHA-256");
                            size =
                                    parser.readBinaryValue(
                                            new DigestOutputStream(
                                                    OutputStream.nullOutputStream(), digest));
                            sha = HexFormat.of().formatHex(digest.digest());
                        } else {
                            file.put(property, parser.getString());
                        }
                    }
                    files.add(new Sent(file.get("name"), file.get("content_type"), size, sha));
                }
            }
        }
        return new Received(fields, files);
    }

    private static String sha256(Path file) throws IOException, NoSuchAlgorithmException {
        return HexFormat.of()
                .formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    }

    private static HttpTransport transportTo(MockWebServer server) {
        return new HttpTransport(
                new IntercomProperties(
                        URI.create(server.url("/").toString()),
                        "2.16",
                        "token",
                        UpperBound.AUTO,
                        Duration.ofSeconds(5),
                        new IntercomProperties.RetryProperties(
                                3, Duration.ofMillis(1), Duration.ofMillis(1)),
                        Duration.ofMinutes(2)),
                JSON,
                Clock.systemUTC());
    }
}
