package dev.migrator.testserver;

import static org.assertj.core.api.Assertions.assertThat;

import dev.migrator.intercom.ApiRequest;
import dev.migrator.intercom.AttachmentFile;
import dev.migrator.intercom.HttpTransport;
import dev.migrator.intercom.IntercomProperties;
import dev.migrator.support.UpperBound;
import dev.migrator.testserver.FakeIntercom.Part;
import dev.migrator.testserver.FakeIntercom.UploadedFile;
import dev.migrator.testserver.FakeIntercom.Write;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Replies carry files in their {@code attachment_files}, decoded as they arrive. */
class FakeIntercomAttachmentFilesTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final byte[] PNG = "\u0089PNG tiny".getBytes(StandardCharsets.ISO_8859_1);
    private static final byte[] CSV = "a,b\n1,2\n".getBytes(StandardCharsets.UTF_8);

    private final FakeIntercom fake = FakeIntercom.start();
    private final HttpClient http = HttpClient.newHttpClient();

    @TempDir Path dir;

    @AfterEach
    void stop() {
        fake.close();
    }

    @Test
    void anAdminReplyKeepsItsFilesAndShowsThemAsAttachments() throws Exception {
        String id = startConversation();
        Map<String, Object> body = adminReply();
        body.put("attachment_urls", List.of("https://files.example/x/logo.gif"));
        body.put(
                "attachment_files",
                List.of(
                        file("screen shot.png", "image/png", PNG),
                        file("data.csv", "text/csv", CSV)));

        Answer answer = post("/conversations/" + id + "/reply", body);

        assertThat(answer.status()).isEqualTo(200);
        Part part = fake.conversation(id).orElseThrow().parts().get(0);
        assertThat(part.attachments()).containsExactly("https://files.example/x/logo.gif");
        assertThat(part.files())
                .containsExactly(
                        new UploadedFile("screen shot.png", "image/png", PNG.length, sha256(PNG)),
                        new UploadedFile("data.csv", "text/csv", CSV.length, sha256(CSV)));
        JsonNode attachments =
                get("/conversations/" + id)
                        .path("conversation_parts")
                        .path("conversation_parts")
                        .get(0)
                        .path("attachments");
        assertThat(attachments.valueStream().map(a -> a.path("name").asString()))
                .containsExactly("logo.gif", "screen shot.png", "data.csv");
        JsonNode uploaded = attachments.get(1);
        assertThat(uploaded.path("type").asString()).isEqualTo("upload");
        assertThat(uploaded.path("content_type").asString()).isEqualTo("image/png");
        assertThat(uploaded.path("filesize").asLong()).isEqualTo(PNG.length);
        assertThat(uploaded.path("url").asString())
                .startsWith("https://")
                .endsWith("/screen%20shot.png");
    }

    @Test
    void aContactReplyKeepsItsFiles() throws Exception {
        String contact = fake.addContact("user", "c@example.com", null, "C");
        String id = createConversation(contact);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("message_type", "comment");
        body.put("type", "user");
        body.put("intercom_user_id", contact);
        body.put("body", "Here it is");
        body.put("attachment_files", List.of(file("data.csv", "text/csv", CSV)));

        assertThat(post("/conversations/" + id + "/reply", body).status()).isEqualTo(200);

        assertThat(fake.conversation(id).orElseThrow().parts().get(0).files())
                .containsExactly(new UploadedFile("data.csv", "text/csv", CSV.length, sha256(CSV)));
    }

    @Test
    void moreThanTenFilesAreRefused() throws Exception {
        String id = startConversation();
        List<Map<String, String>> files = new ArrayList<>();
        for (int i = 0; i < 11; i++) {
            files.add(file(i + ".csv", "text/csv", CSV));
        }

        Answer answer = post("/conversations/" + id + "/reply", withFiles(files));

        assertThat(answer.status()).isEqualTo(400);
        assertThat(answer.errorCode()).isEqualTo("parameter_invalid");
        assertThat(answer.errorMessage()).contains("maximum of 10 attachment_files");
        assertThat(fake.conversation(id).orElseThrow().parts()).isEmpty();
    }

    @Test
    void aFileWithoutNameOrDataOrWithBadBase64IsRefused() throws Exception {
        String id = startConversation();
        Map<String, Object> noName = new LinkedHashMap<>(file("a.csv", "text/csv", CSV));
        noName.remove("name");
        Map<String, Object> noData = new LinkedHashMap<>(file("a.csv", "text/csv", CSV));
        noData.remove("data");
        Map<String, Object> badBase64 = new LinkedHashMap<>(file("a.csv", "text/csv", CSV));
        badBase64.put("data", "not base64!");
        Map<String, Object> numberData = new LinkedHashMap<>(file("a.csv", "text/csv", CSV));
        numberData.put("data", 12);

        List<Answer> answers = new ArrayList<>();
        for (Map<String, Object> file : List.of(noName, noData, badBase64, numberData)) {
            answers.add(post("/conversations/" + id + "/reply", withFiles(List.of(file))));
        }

        assertThat(answers).extracting(Answer::status).containsOnly(400);
        assertThat(answers)
                .extracting(Answer::errorCode)
                .containsExactly(
                        "parameter_not_found",
                        "parameter_not_found",
                        "parameter_invalid",
                        "parameter_invalid");
        assertThat(answers.get(2).errorMessage()).contains("base64");
        assertThat(fake.conversation(id).orElseThrow().parts()).isEmpty();
    }

    @Test
    void theRequestAsReceivedShowsEachFileDecodedNotItsBase64() throws Exception {
        String id = startConversation();

        post("/conversations/" + id + "/reply", withFiles(List.of(file("a.csv", "text/csv", CSV))));

        JsonNode received =
                JSON.readTree(
                        fake.receivedRequests().get(fake.receivedRequests().size() - 1).body());
        assertThat(received.path("body").asString()).isEqualTo("With files");
        JsonNode data = received.path("attachment_files").get(0).path("data");
        assertThat(data.path("decoded_size").asLong()).isEqualTo(CSV.length);
        assertThat(data.path("decoded_sha256").asString()).isEqualTo(sha256(CSV));
    }

    @Test
    void aReplyWithFilesIsAReplyForTheWriteFaults() throws Exception {
        String id = startConversation();
        CompletableFuture<Void> held = fake.holdFirst(Write.REPLY);
        CompletableFuture<HttpResponse<String>> first =
                http.sendAsync(
                        request(
                                "/conversations/" + id + "/reply",
                                withFiles(List.of(file("a.csv", "text/csv", CSV)))),
                        HttpResponse.BodyHandlers.ofString());
        held.get(10, TimeUnit.SECONDS);
        fake.releaseHeld();
        fake.serverErrorAfterWrite(Write.REPLY, 1.0);

        Answer second =
                post(
                        "/conversations/" + id + "/reply",
                        withFiles(List.of(file("b.csv", "text/csv", CSV))));

        assertThat(first).failsWithin(Duration.ofSeconds(10));
        assertThat(second.status()).isGreaterThanOrEqualTo(500);
        assertThat(fake.conversation(id).orElseThrow().parts())
                .flatExtracting(Part::files)
                .extracting(UploadedFile::name)
                .containsExactly("b.csv");
    }

    @Test
    void aLargeFileFromTheTransportArrivesIntact() throws Exception {
        // 24 MB is 32 million base64 characters: more than Jackson lets a string be.
        Path large = dir.resolve("large.bin");
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        Random random = new Random(7);
        byte[] chunk = new byte[1 << 20];
        try (OutputStream out = Files.newOutputStream(large)) {
            for (int i = 0; i < 24; i++) {
                random.nextBytes(chunk);
                digest.update(chunk);
                out.write(chunk);
            }
        }
        String id = startConversation();

        transport()
                .exchange(
                        ApiRequest.create(
                                "/conversations/" + id + "/reply",
                                JSON.valueToTree(adminReply()),
                                List.of(
                                        new AttachmentFile(
                                                "large.bin",
                                                "application/octet-stream",
                                                large,
                                                Files.size(large)))));

        assertThat(fake.conversation(id).orElseThrow().parts().get(0).files())
                .containsExactly(
                        new UploadedFile(
                                "large.bin",
                                "application/octet-stream",
                                Files.size(large),
                                HexFormat.of().formatHex(digest.digest())));
    }

    private HttpTransport transport() {
        return new HttpTransport(
                new IntercomProperties(
                        URI.create(fake.baseUrl()),
                        "2.16",
                        FakeIntercom.TOKEN,
                        UpperBound.AUTO,
                        Duration.ofSeconds(30),
                        new IntercomProperties.RetryProperties(
                                1, Duration.ofMillis(1), Duration.ofMillis(1)),
                        Duration.ofMinutes(2)),
                JSON,
                Clock.systemUTC());
    }

    private Map<String, Object> adminReply() {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("message_type", "comment");
        body.put("type", "admin");
        body.put("admin_id", fake.meAdminId());
        body.put("body", "With files");
        return body;
    }

    private Map<String, Object> withFiles(List<? extends Map<String, ?>> files) {
        Map<String, Object> body = adminReply();
        body.put("attachment_files", files);
        return body;
    }

    private static Map<String, String> file(String name, String contentType, byte[] bytes) {
        Map<String, String> file = new LinkedHashMap<>();
        file.put("name", name);
        file.put("content_type", contentType);
        file.put("data", Base64.getEncoder().encodeToString(bytes));
        return file;
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    private String startConversation() throws Exception {
        return createConversation(
                fake.addContact("user", "s" + fake.contacts().size() + "@example.com", null, "S"));
    }

    private String createConversation(String contact) throws Exception {
        Answer answer =
                post(
                        "/conversations",
                        Map.of("from", Map.of("type", "user", "id", contact), "body", "Hello"));
        assertThat(answer.status()).isEqualTo(200);
        return answer.json().path("conversation_id").asString();
    }

    private JsonNode get(String path) throws IOException, InterruptedException {
        HttpResponse<String> response =
                http.send(
                        HttpRequest.newBuilder(URI.create(fake.baseUrl() + path))
                                .header("Authorization", "Bearer " + FakeIntercom.TOKEN)
                                .header("Intercom-Version", "2.16")
                                .header("Accept", "application/json")
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    private Answer post(String path, Map<String, ?> body) throws IOException, InterruptedException {
        HttpResponse<String> response =
                http.send(request(path, body), HttpResponse.BodyHandlers.ofString());
        return new Answer(response.statusCode(), JSON.readTree(response.body()));
    }

    private HttpRequest request(String path, Map<String, ?> body) {
        return HttpRequest.newBuilder(URI.create(fake.baseUrl() + path))
                .timeout(Duration.ofSeconds(10))
                .header("Authorization", "Bearer " + FakeIntercom.TOKEN)
                .header("Content-Type", "application/json")
                .header("Accept", "application/json")
                .header("Intercom-Version", "2.16")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)))
                .build();
    }

    private record Answer(int status, JsonNode json) {
        String errorCode() {
            return json.path("errors").get(0).path("code").asString();
        }

        String errorMessage() {
            return json.path("errors").get(0).path("message").asString();
        }
    }
}
