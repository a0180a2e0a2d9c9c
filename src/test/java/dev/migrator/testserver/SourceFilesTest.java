package dev.migrator.testserver;

import static org.assertj.core.api.Assertions.assertThat;

import dev.migrator.testserver.SourceFiles.Access;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SourceFilesTest {

    private static final byte[] PDF = "%PDF-1.4 a small file".getBytes(StandardCharsets.UTF_8);

    private final SourceFiles files = SourceFiles.start();
    private final HttpClient http = HttpClient.newHttpClient();

    @AfterEach
    void stop() {
        files.close();
    }

    @Test
    void aPublicFileIsServedWithItsTypeAndLength() throws Exception {
        String url = files.add("quote 2024.pdf", PDF, "application/pdf", Access.PUBLIC);

        HttpResponse<byte[]> response = get(url);

        assertThat(url).startsWith("http://127.0.0.1:").endsWith("/quote%202024.pdf");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo(PDF);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/pdf");
        assertThat(response.headers().firstValueAsLong("Content-Length")).hasValue(PDF.length);
        assertThat(files.downloads(url)).isOne();
        assertThat(files.sha256(url)).isEqualTo(sha256(PDF));
        assertThat(files.size(url)).isEqualTo(PDF.length);
    }

    @Test
    void headTellsTypeAndLengthWithoutDownloading() throws Exception {
        String url = files.add("a.pdf", PDF, "application/pdf", Access.PUBLIC);

        HttpResponse<byte[]> response =
                http.send(
                        HttpRequest.newBuilder(URI.create(url))
                                .method("HEAD", HttpRequest.BodyPublishers.noBody())
                                .build(),
                        HttpResponse.BodyHandlers.ofByteArray());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEmpty();
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/pdf");
        assertThat(response.headers().firstValueAsLong("Content-Length")).hasValue(PDF.length);
        assertThat(files.downloads(url)).isZero();
        assertThat(files.requests(url)).isOne();
    }

    @Test
    void aBearerFileNeedsItsToken() throws Exception {
        String url = files.add("a.pdf", PDF, "application/pdf", Access.bearer("front-token"));

        HttpResponse<byte[]> without = get(url);
        HttpResponse<byte[]> wrong = get(url, "Bearer other");
        HttpResponse<byte[]> with = get(url, "Bearer front-token");

        assertThat(without.statusCode()).isEqualTo(401);
        assertThat(without.headers().firstValue("WWW-Authenticate")).hasValue("Bearer");
        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(with.statusCode()).isEqualTo(200);
        assertThat(with.body()).isEqualTo(PDF);
        assertThat(files.downloads(url)).isOne();
    }

    @Test
    void aBasicFileNeedsItsLogin() throws Exception {
        String url =
                files.add("a.pdf", PDF, "application/pdf", Access.basic("me@x.test/token", "t0k"));
        String login =
                "Basic "
                        + Base64.getEncoder()
                                .encodeToString(
                                        "me@x.test/token:t0k".getBytes(StandardCharsets.UTF_8));

        assertThat(get(url).statusCode()).isEqualTo(401);
        assertThat(get(url, "Bearer t0k").statusCode()).isEqualTo(401);
        assertThat(get(url, login).body()).isEqualTo(PDF);
    }

    @Test
    void anExpiredUrlAnswersLikeS3AndAGoneOne404() throws Exception {
        String expired = files.add("a.pdf", PDF, "application/pdf", Access.EXPIRED);
        String gone = files.add("b.pdf", PDF, "application/pdf", Access.GONE);

        HttpResponse<byte[]> expiredResponse = get(expired);

        assertThat(expiredResponse.statusCode()).isEqualTo(403);
        assertThat(new String(expiredResponse.body(), StandardCharsets.UTF_8))
                .contains("<Code>AccessDenied</Code>", "Request has expired");
        assertThat(expiredResponse.headers().firstValue("Content-Type"))
                .hasValue("application/xml");
        assertThat(get(gone).statusCode()).isEqualTo(404);
        assertThat(files.downloads(expired)).isZero();
        assertThat(files.downloads(gone)).isZero();
    }

    @Test
    void aGeneratedFileIsStreamedAndItsShaIsKnown() throws Exception {
        long size = 5L * 1024 * 1024 + 13;
        String url = files.addGenerated("big.bin", size, "application/octet-stream", Access.PUBLIC);

        HttpResponse<InputStream> response =
                http.send(
                        HttpRequest.newBuilder(URI.create(url)).build(),
                        HttpResponse.BodyHandlers.ofInputStream());
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        long read;
        try (InputStream in = new DigestInputStream(response.body(), digest)) {
            read = in.transferTo(OutputStream.nullOutputStream());
        }

        assertThat(read).isEqualTo(size);
        assertThat(HexFormat.of().formatHex(digest.digest())).isEqualTo(files.sha256(url));
        assertThat(response.headers().firstValueAsLong("Content-Length")).hasValue(size);
    }

    @Test
    void theSameNameAndSizeGenerateTheSameBytes() {
        try (SourceFiles other = SourceFiles.start()) {
            String here = files.addGenerated("x.bin", 100_000, "image/png", Access.PUBLIC);
            String there = other.addGenerated("x.bin", 100_000, "image/png", Access.PUBLIC);

            assertThat(other.sha256(there)).isEqualTo(files.sha256(here));
        }
    }

    @Test
    void aRangeIsAnsweredWithThatSliceOfTheFile() throws Exception {
        String url = files.addGenerated("x.bin", 200_000, "image/png", Access.PUBLIC);
        byte[] whole = get(url).body();

        HttpResponse<byte[]> response =
                http.send(
                        HttpRequest.newBuilder(URI.create(url))
                                .header("Range", "bytes=70000-")
                                .build(),
                        HttpResponse.BodyHandlers.ofByteArray());

        assertThat(response.statusCode()).isEqualTo(206);
        assertThat(response.headers().firstValue("Content-Range"))
                .hasValue("bytes 70000-199999/200000");
        assertThat(response.body()).isEqualTo(Arrays.copyOfRange(whole, 70_000, 200_000));
        assertThat(files.downloads(url)).isEqualTo(2);
    }

    @Test
    void anAbandonedDownloadCountsAsOne() throws Exception {
        String url = files.addGenerated("x.bin", 10_000_000, "image/png", Access.PUBLIC);

        HttpResponse<InputStream> response =
                http.send(
                        HttpRequest.newBuilder(URI.create(url)).build(),
                        HttpResponse.BodyHandlers.ofInputStream());
        try (InputStream in = response.body()) {
            assertThat(in.readNBytes(10)).hasSize(10);
        }

        assertThat(files.downloads(url)).isOne();
    }

    @Test
    void aRateLimitIsAnsweredOnceWithRetryAfter() throws Exception {
        String url = files.add("a.pdf", PDF, "application/pdf", Access.PUBLIC);
        files.rateLimitOnce(url, 7);

        HttpResponse<byte[]> first = get(url);
        HttpResponse<byte[]> second = get(url);

        assertThat(first.statusCode()).isEqualTo(429);
        assertThat(first.headers().firstValue("Retry-After")).hasValue("7");
        assertThat(second.statusCode()).isEqualTo(200);
        assertThat(files.downloads(url)).isOne();
        assertThat(files.requests(url)).isEqualTo(2);
    }

    @Test
    void anUnknownPathIs404() throws Exception {
        String url = files.add("a.pdf", PDF, "application/pdf", Access.PUBLIC);

        assertThat(get(url.replace("a.pdf", "b.pdf")).statusCode()).isEqualTo(404);
    }

    private HttpResponse<byte[]> get(String url) throws IOException, InterruptedException {
        return http.send(
                HttpRequest.newBuilder(URI.create(url)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }

    private HttpResponse<byte[]> get(String url, String authorization)
            throws IOException, InterruptedException {
        return http.send(
                HttpRequest.newBuilder(URI.create(url))
                        .header("Authorization", authorization)
                        .build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }
}
