package dev.migrator.attachments;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.migrator.attachments.AttachmentCarrier.Carried;
import dev.migrator.attachments.AttachmentCarrier.Plan;
import dev.migrator.attachments.AttachmentDownloads.Download;
import dev.migrator.attachments.AttachmentDownloads.SizeLimit;
import dev.migrator.intercom.AttachmentFile;
import dev.migrator.intercom.IntercomProperties.RetryProperties;
import dev.migrator.ledger.FailedAttachment;
import dev.migrator.mapping.PlannedAttachment;
import dev.migrator.support.YamlBinding;
import dev.migrator.testserver.FakeIntercom.ManualClock;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import okhttp3.mockwebserver.MockResponse;
import okhttp3.mockwebserver.MockWebServer;
import okhttp3.mockwebserver.RecordedRequest;
import okhttp3.mockwebserver.SocketPolicy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.mock.env.MockEnvironment;

/**
 * Which attachments are carried and how they are downloaded, against a local HTTP server: the
 * sources' credentials go to their hosts only, the size limits hold, a 429 is waited out, and a
 * file that cannot be had is listed with its reason.
 */
class AttachmentCarrierTest {

    private static final String FRONT_TOKEN = "front-secret-123";

    @TempDir Path stateDir;

    private final MockWebServer source = new MockWebServer();
    private final ManualClock clock = new ManualClock(Instant.parse("2026-01-01T00:00:00Z"));
    private final List<Long> sleeps = new ArrayList<>();
    private final List<Duration> timesSpent = new ArrayList<>();

    @BeforeEach
    void start() throws IOException {
        source.start();
    }

    @AfterEach
    void stop() throws IOException {
        source.shutdown();
    }

    private Path downloads() {
        return stateDir.resolve("runs/1/downloads");
    }

    private AttachmentCarrier carrier(String yaml, MockEnvironment environment) {
        AttachmentProperties properties =
                YamlBinding.bind(
                        """
                        migration:
                          attachment-hosts:
                            front: ["127.0.0.1"]
                        """
                                + yaml,
                        "migration",
                        AttachmentProperties.class);
        return new AttachmentCarrier(
                properties,
                SourceCredentials.from(properties, environment),
                new AttachmentDownloads(
                        downloads(),
                        Duration.ofSeconds(5),
                        new RetryProperties(3, Duration.ofMillis(1), Duration.ofMillis(2)),
                        clock,
                        millis -> {
                            sleeps.add(millis);
                            clock.advance(Duration.ofMillis(millis));
                        },
                        timesSpent::add));
    }

    private AttachmentCarrier carrier(String yaml) {
        return carrier(yaml, new MockEnvironment().withProperty("FRONT_TOKEN", FRONT_TOKEN));
    }

    /** The URL of {@code path} on the local source, by {@code host}: 127.0.0.1 or localhost. */
    private String url(String host, String path) {
        return source.url(path).newBuilder().host(host).build().toString();
    }

    private static PlannedAttachment attachment(String url, String name) {
        return new PlannedAttachment(url, name, null);
    }

    private static String content(AttachmentFile file) throws IOException {
        return Files.readString(file.path(), StandardCharsets.UTF_8);
    }

    @Test
    void a_source_token_goes_to_its_own_hosts_only_and_other_urls_are_checked_without_it()
            throws Exception {
        source.enqueue(new MockResponse().setResponseCode(200)); // HEAD of the localhost URL
        source.enqueue(
                new MockResponse().setHeader("Content-Type", "image/png; q=1").setBody("PNG!"));
        AttachmentCarrier carrier = carrier("");
        PlannedAttachment front = attachment(url("127.0.0.1", "/front/a.png"), "a.png");
        PlannedAttachment elsewhere = attachment(url("localhost", "/public/b.png"), "b.png");

        Plan plan = carrier.plan(List.of(front, elsewhere));

        assertThat(plan.toCarry()).containsExactly(front);
        assertThat(plan.linked()).containsExactly(elsewhere);
        RecordedRequest check = source.takeRequest(1, TimeUnit.SECONDS);
        assertThat(check.getMethod()).isEqualTo("HEAD");
        assertThat(check.getPath()).isEqualTo("/public/b.png");
        assertThat(check.getHeader("Authorization")).isNull();

        try (Carried carried = carrier.carry(plan.toCarry())) {
            RecordedRequest download = source.takeRequest(1, TimeUnit.SECONDS);
            assertThat(download.getPath()).isEqualTo("/front/a.png");
            assertThat(download.getHeader("Authorization")).isEqualTo("Bearer " + FRONT_TOKEN);
            assertThat(carried.failed()).isEmpty();
            AttachmentFile file = carried.files().get(0);
            assertThat(file.name()).isEqualTo("a.png");
            assertThat(file.contentType()).isEqualTo("image/png");
            assertThat(file.size()).isEqualTo(4);
            assertThat(content(file)).isEqualTo("PNG!");
            assertThat(file.path()).startsWith(downloads());
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file.path())))
                    .isEqualTo("rw-------");
            assertThat(carried.bodyWith("Hello")).isEqualTo("Hello");
        }
        assertThat(listDownloads()).as("deleted once sent").isEmpty();
    }

    @Test
    void credentials_do_not_follow_a_redirect_to_another_origin() throws Exception {
        try (MockWebServer cdn = new MockWebServer()) {
            cdn.enqueue(new MockResponse().setBody("from the cdn"));
            source.enqueue(
                    new MockResponse()
                            .setResponseCode(302)
                            .setHeader("Location", cdn.url("/signed/a.txt").toString()));
            AttachmentCarrier carrier = carrier("");
            PlannedAttachment front = attachment(url("127.0.0.1", "/front/a.txt"), "a.txt");

            try (Carried carried = carrier.carry(carrier.plan(List.of(front)).toCarry())) {
                assertThat(content(carried.files().get(0))).isEqualTo("from the cdn");
            }
            assertThat(source.takeRequest().getHeader("Authorization")).isNotNull();
            assertThat(cdn.takeRequest().getHeader("Authorization")).isNull();
        }
    }

    @Test
    void
            with_auto_a_url_that_refuses_without_credentials_is_carried_and_one_that_answers_is_linked()
                    throws Exception {
        AttachmentCarrier carrier = carrier("", new MockEnvironment());
        List<PlannedAttachment> attachments = new ArrayList<>();
        for (int status : new int[] {401, 403, 404, 410, 200, 302}) {
            source.enqueue(new MockResponse().setResponseCode(status));
            attachments.add(attachment(url("localhost", "/" + status), status + ".txt"));
        }
        source.enqueue(new MockResponse().setResponseCode(405)); // HEAD not allowed: GET then
        source.enqueue(new MockResponse().setResponseCode(403).setBody("expired"));
        attachments.add(attachment(url("localhost", "/head-not-allowed"), "h.txt"));

        Plan plan = carrier.plan(attachments);

        assertThat(plan.toCarry())
                .extracting(PlannedAttachment::name)
                .containsExactly("401.txt", "403.txt", "404.txt", "410.txt", "h.txt");
        assertThat(plan.linked())
                .extracting(PlannedAttachment::name)
                .containsExactly("200.txt", "302.txt");
    }

    @Test
    void an_expired_url_is_listed_with_its_reason_and_the_missing_variable_is_named()
            throws Exception {
        source.enqueue(new MockResponse().setResponseCode(410));
        source.enqueue(new MockResponse().setResponseCode(401));
        AttachmentCarrier carrier = carrier("", new MockEnvironment()); // no FRONT_TOKEN
        String expired = url("localhost", "/expired/report.pdf");
        String front = url("127.0.0.1", "/front/c.txt");

        try (Carried carried =
                carrier.carry(
                        List.of(attachment(expired, "report.pdf"), attachment(front, "c.txt")))) {
            assertThat(carried.files()).isEmpty();
            assertThat(carried.failed())
                    .containsExactly(
                            new FailedAttachment(
                                    expired, "report.pdf", "the source answered HTTP 410"),
                            new FailedAttachment(
                                    front,
                                    "c.txt",
                                    "the source answered HTTP 401 (Front's FRONT_TOKEN not set)"));
            assertThat(carried.bodyWith("See the files."))
                    .isEqualTo(
                            "See the files.\n\nAttachments not carried over:\nreport.pdf: "
                                    + expired
                                    + "\nc.txt: "
                                    + front);
        }
        assertThat(source.getRequestCount()).as("401 and 410 are not retried").isEqualTo(2);
    }

    @Test
    void a_file_over_the_size_limit_is_abandoned_by_its_length_or_by_counting() throws Exception {
        source.enqueue(new MockResponse().setBody("0123456789ABC")); // Content-Length: 13
        source.enqueue(new MockResponse().setChunkedBody("0123456789ABC", 4)); // no length
        source.enqueue(new MockResponse().setBody("0123456789")); // exactly the limit
        AttachmentCarrier carrier = carrier("  attachment-max-size: 10B\n");

        List<PlannedAttachment> files =
                Stream.of("long", "chunked", "fits")
                        .map(name -> attachment(url("127.0.0.1", "/" + name), name))
                        .toList();
        try (Carried carried = carrier.carry(files)) {
            assertThat(carried.failed())
                    .extracting(FailedAttachment::reason)
                    .containsExactly(
                            "13 bytes, more than migration.attachment-max-size (10 bytes)",
                            "more than migration.attachment-max-size (10 bytes)");
            assertThat(carried.files()).extracting(AttachmentFile::name).containsExactly("fits");
            assertThat(listDownloads()).hasSize(1); // the abandoned one is gone
        }
    }

    @Test
    void the_files_of_one_part_together_stay_within_the_part_limit() throws Exception {
        source.enqueue(new MockResponse().setBody("123456"));
        source.enqueue(new MockResponse().setBody("123456"));
        source.enqueue(new MockResponse().setBody("1234"));
        AttachmentCarrier carrier = carrier("  attachment-max-part-size: 10B\n");

        List<PlannedAttachment> files =
                Stream.of("a", "b", "c")
                        .map(name -> attachment(url("127.0.0.1", "/" + name), name))
                        .toList();
        try (Carried carried = carrier.carry(files)) {
            assertThat(carried.files()).extracting(AttachmentFile::name).containsExactly("a", "c");
            assertThat(carried.failed())
                    .extracting(FailedAttachment::reason)
                    .containsExactly(
                            "6 bytes, more than what migration.attachment-max-part-size (10"
                                    + " bytes) leaves after the part's other files");
        }
    }

    @Test
    void a_429_holds_the_host_for_its_retry_after_without_spending_the_retries() throws Exception {
        for (int i = 0; i < 3; i++) {
            source.enqueue(new MockResponse().setResponseCode(429).setHeader("Retry-After", "7"));
        }
        source.enqueue(new MockResponse().setBody("at last"));
        source.enqueue(new MockResponse().setBody("next"));
        AttachmentCarrier carrier = carrier(""); // 3 attempts: fewer than the 429s

        try (Carried carried =
                carrier.carry(
                        List.of(
                                attachment(url("127.0.0.1", "/a"), "a"),
                                attachment(url("127.0.0.1", "/b"), "b")))) {
            assertThat(carried.failed()).isEmpty();
            assertThat(content(carried.files().get(0))).isEqualTo("at last");
            assertThat(content(carried.files().get(1))).isEqualTo("next");
        }
        assertThat(sleeps).containsExactly(7_000L, 7_000L, 7_000L);
    }

    @Test
    void a_body_that_stalls_is_given_up_after_a_timeout_without_data() throws Exception {
        source.enqueue(
                new MockResponse()
                        .setBody("the first bytes, then nothing")
                        .throttleBody(4, 2, TimeUnit.SECONDS));
        AttachmentDownloads downloads =
                new AttachmentDownloads(
                        downloads(),
                        Duration.ofMillis(300),
                        new RetryProperties(1, Duration.ofMillis(1), Duration.ofMillis(2)),
                        clock,
                        millis -> clock.advance(Duration.ofMillis(millis)),
                        spent -> {});

        Download download =
                downloads.download(
                        attachment(url("127.0.0.1", "/stalled"), "stalled"),
                        Map.of(),
                        new SizeLimit(1 << 20, "migration.attachment-max-size"));

        assertThat(download)
                .isInstanceOfSatisfying(
                        Download.Failed.class,
                        failed -> assertThat(failed.reason()).contains("no data for 300 ms"));
        try (var files = Files.list(downloads())) {
            assertThat(files).as("the partial file is deleted").isEmpty();
        }
    }

    @Test
    void with_auto_a_host_that_does_not_answer_is_checked_once_without_retries_and_linked()
            throws Exception {
        for (int i = 0; i < 4; i++) { // the JDK's client may repeat a HEAD whose answer is lost
            source.enqueue(
                    new MockResponse().setSocketPolicy(SocketPolicy.DISCONNECT_AFTER_REQUEST));
        }
        AttachmentCarrier carrier = carrier("", new MockEnvironment());

        Plan plan =
                carrier.plan(
                        List.of(
                                attachment(url("127.0.0.1", "/a.pdf"), "a.pdf"),
                                attachment(url("127.0.0.1", "/b.pdf"), "b.pdf")));

        assertThat(plan.linked())
                .extracting(PlannedAttachment::name)
                .containsExactly("a.pdf", "b.pdf");
        assertThat(plan.toCarry()).isEmpty();
        List<String> asked = new ArrayList<>();
        for (RecordedRequest r; (r = source.takeRequest(0, TimeUnit.SECONDS)) != null; ) {
            asked.add(r.getPath());
        }
        assertThat(asked).as("URLs checked").isNotEmpty().containsOnly("/a.pdf");
        assertThat(sleeps).as("retry pauses").isEmpty();
    }

    @Test
    void what_a_dead_process_left_in_the_downloads_directory_is_deleted() throws Exception {
        Files.createDirectories(downloads());
        Path leftover = Files.writeString(downloads().resolve("0b1c.download"), "half a file");
        AttachmentDownloads downloads =
                new AttachmentDownloads(
                        downloads(),
                        Duration.ofSeconds(5),
                        new RetryProperties(1, Duration.ofMillis(1), Duration.ofMillis(2)),
                        clock,
                        millis -> clock.advance(Duration.ofMillis(millis)),
                        spent -> {});

        downloads.deleteLeftovers();

        assertThat(leftover).doesNotExist();
    }

    @Test
    void a_5xx_is_retried_and_the_last_failure_is_the_reason() throws Exception {
        source.enqueue(new MockResponse().setResponseCode(503));
        source.enqueue(new MockResponse().setBody("ok"));
        for (int i = 0; i < 3; i++) {
            source.enqueue(new MockResponse().setResponseCode(500));
        }
        AttachmentCarrier carrier = carrier("");

        try (Carried carried =
                carrier.carry(
                        List.of(
                                attachment(url("127.0.0.1", "/flaky"), "flaky"),
                                attachment(url("127.0.0.1", "/down"), "down")))) {
            assertThat(carried.files()).extracting(AttachmentFile::name).containsExactly("flaky");
            assertThat(carried.failed())
                    .extracting(FailedAttachment::reason)
                    .containsExactly("the source answered HTTP 500");
        }
        assertThat(source.getRequestCount()).isEqualTo(5);
        assertThat(timesSpent).as("each download's time, retries included, told").hasSize(2);
    }

    @Test
    void a_header_rule_applies_to_its_prefix_and_makes_its_urls_carried() throws Exception {
        source.enqueue(new MockResponse().setBody("doc"));
        AttachmentCarrier carrier =
                carrier(
                        "  attachment-headers:\n"
                                + "    - url-prefix: "
                                + url("localhost", "/private/")
                                + "\n      headers:\n        X-Api-Key: ${DOCS_KEY}\n",
                        new MockEnvironment().withProperty("DOCS_KEY", "k-1"));
        PlannedAttachment doc = attachment(url("localhost", "/private/doc.txt"), "doc.txt");

        Plan plan = carrier.plan(List.of(doc));
        try (Carried carried = carrier.carry(plan.toCarry())) {
            assertThat(carried.files()).hasSize(1);
        }
        assertThat(source.takeRequest().getHeader("X-Api-Key")).isEqualTo("k-1");
        assertThat(source.getRequestCount()).as("no check: the rule applies").isEqualTo(1);
    }

    @Test
    void link_mode_downloads_nothing_and_secrets_are_never_printed() {
        AttachmentCarrier links = AttachmentCarrier.links();
        PlannedAttachment any = attachment(url("127.0.0.1", "/a"), "a");
        assertThat(links.plan(List.of(any)).linked()).containsExactly(any);
        assertThat(links.mayCarry()).isFalse();
        assertThat(source.getRequestCount()).isZero();

        AttachmentProperties properties =
                YamlBinding.bind(
                        """
                        migration:
                          attachment-headers:
                            - url-prefix: https://files.example.com/
                              headers:
                                Authorization: Bearer very-secret
                        """,
                        "migration",
                        AttachmentProperties.class);
        assertThat(properties.toString()).doesNotContain("very-secret");
        assertThat(
                        SourceCredentials.from(
                                        properties,
                                        new MockEnvironment()
                                                .withProperty("FRONT_TOKEN", FRONT_TOKEN))
                                .toString())
                .doesNotContain(FRONT_TOKEN);
    }

    @Test
    void a_helpdesks_credentials_go_over_https_to_its_own_hosts_only() {
        AttachmentProperties properties =
                YamlBinding.bind(
                        "migration:\n  attachment-hosts:\n    zendesk: [\"*.zendesk.com\"]\n",
                        "migration",
                        AttachmentProperties.class);
        SourceCredentials credentials =
                SourceCredentials.from(
                        properties,
                        new MockEnvironment()
                                .withProperty("ZENDESK_EMAIL", "ann@acme.example")
                                .withProperty("ZENDESK_TOKEN", "tok"));

        assertThat(credentials.headersFor(URI.create("https://acme.zendesk.com/a/1")))
                .containsExactly(
                        Map.entry(
                                "Authorization",
                                "Basic "
                                        + Base64.getEncoder()
                                                .encodeToString(
                                                        "ann@acme.example/token:tok"
                                                                .getBytes(
                                                                        StandardCharsets.UTF_8))));
        for (String elsewhere :
                List.of(
                        "http://acme.zendesk.com/a/1", // not https
                        "https://acme.zendesk.com.evil.example/a/1",
                        "https://evilzendesk.com/a/1",
                        "https://files.example.com/a/1")) {
            assertThat(credentials.headersFor(URI.create(elsewhere))).as(elsewhere).isEmpty();
        }
    }

    @Test
    void a_header_naming_an_unset_variable_stops_the_run_naming_it() {
        AttachmentProperties properties =
                YamlBinding.bind(
                        """
                        migration:
                          attachment-headers:
                            - url-prefix: https://files.example.com/
                              headers:
                                Authorization: Bearer ${FILES_TOKEN}
                        """,
                        "migration",
                        AttachmentProperties.class);
        assertThatThrownBy(() -> SourceCredentials.from(properties, new MockEnvironment()))
                .hasMessage(
                        "migration.attachment-headers: header Authorization for"
                                + " https://files.example.com/ uses ${FILES_TOKEN}, which is not"
                                + " set");
        assertThat(
                        YamlBinding.problem(
                                "migration:\n  attachment-headers:\n    - url-prefix: files/\n",
                                "migration",
                                AttachmentProperties.class))
                .contains("url-prefix 'files/' is not an http(s) URL with a host");
    }

    private List<Path> listDownloads() throws IOException {
        try (Stream<Path> files = Files.list(downloads())) {
            return files.toList();
        }
    }
}
