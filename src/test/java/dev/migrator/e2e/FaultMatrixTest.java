package dev.migrator.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.migrator.bench.ExportGenerator;
import dev.migrator.testserver.FakeIntercom;
import dev.migrator.testserver.FakeIntercom.Fault;
import dev.migrator.testserver.FakeIntercom.ReceivedRequest;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.ServerSocket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Issue 7, part 3: one generated export migrated through each kind of Intercom failure. Every case
 * ends with every conversation in Intercom exactly once with all its parts, no customer notified,
 * the contract's exit code (a fault that ends the run: 1, then 0 when the same command is run
 * again), and nothing unsafe in any request Intercom received.
 */
class FaultMatrixTest {

    private static final int CONVERSATIONS = 40;
    private static final long EXPORT_SEED = 23;
    private static final JsonMapper JSON = JsonMapper.builder().build();

    /**
     * An opening or closing HTML tag: what a customer would see raw, or what Intercom would render.
     */
    private static final Pattern HTML_TAG =
            Pattern.compile("</?[a-zA-Z][a-zA-Z0-9-]*(\\s[^<>]*)?/?>");

    /** Slower than the 1 s client timeout of the cases that use it. */
    private static final Duration BEYOND_TIMEOUT = Duration.ofMillis(2_500);

    private static final String SHORT_TIMEOUT = "intercom.timeout: 1s";

    /** The creates Intercom has no idempotency for: sent twice, they make two. */
    private static final Set<String> CREATES =
            Set.of(
                    "POST /conversations",
                    "POST /conversations/{id}/reply",
                    "POST /conversations/{id}/parts");

    /**
     * Intercom's clock 20 s behind ours: every X-RateLimit-Reset is already past by our clock, so a
     * 429 costs the governor's minimum pause (about 1 s) instead of up to a 10-second window, which
     * keeps the cases with 429s short. (A server clock that agrees with ours is RateLimitTest's.)
     */
    private static final Duration SERVER_CLOCK_BEHIND = Duration.ofSeconds(-20);

    /** What a run stopped by a revoked token must say: what happened, and which setting to fix. */
    private static final List<String> TOKEN_MESSAGE =
            List.of("Intercom refused the access token", "INTERCOM_ACCESS_TOKEN");

    @TempDir Path workDir;

    private FakeIntercom intercom;

    @AfterEach
    void stopIntercom() {
        if (intercom != null) {
            intercom.close();
        }
    }

    /**
     * One row of the matrix. {@code serverClockOffset} sets FakeIntercom's clock against ours;
     * {@code inject} sets the faults up before the first run; when {@code endsRun}, the first run
     * must fail resumably (saying {@code failureMentions}) and {@code heal} ends the fault before
     * the same command is run again. {@code expected} are the faults that must really have been
     * injected.
     */
    record Case(
            String name,
            long seed,
            Duration serverClockOffset,
            String config,
            Consumer<FakeIntercom> inject,
            boolean endsRun,
            Consumer<FakeIntercom> heal,
            Set<Fault> expected,
            List<String> failureMentions) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> matrix() {
        return Stream.of(
                new Case(
                        "5xx burst",
                        101,
                        Duration.ZERO,
                        SHORT_TIMEOUT,
                        fake -> {
                            // Mid-run, with every worker busy, twelve requests in a row answer
                            // 500/502/503.
                            fake.whenRequestCount(60).thenRun(() -> fake.serverErrorRate(1.0));
                            fake.whenRequestCount(72).thenRun(() -> fake.serverErrorRate(0));
                        },
                        false,
                        fake -> {},
                        Set.of(Fault.SERVER_ERROR),
                        List.of()),
                new Case(
                        "connection resets",
                        102,
                        Duration.ZERO,
                        SHORT_TIMEOUT,
                        fake -> fake.connectionResetRate(0.1),
                        false,
                        fake -> {},
                        Set.of(Fault.CONNECTION_RESET),
                        List.of()),
                new Case(
                        "lost responses after a successful create",
                        103,
                        Duration.ZERO,
                        SHORT_TIMEOUT,
                        fake -> fake.lostResponseRate(0.2).searchLag(Duration.ofMillis(300)),
                        false,
                        fake -> {},
                        Set.of(Fault.LOST_RESPONSE),
                        List.of()),
                new Case(
                        "429 storm",
                        104,
                        SERVER_CLOCK_BEHIND,
                        "",
                        fake -> {
                            fake.whenRequestCount(60).thenRun(() -> fake.tooManyRequestsRate(1.0));
                            fake.whenRequestCount(64).thenRun(() -> fake.tooManyRequestsRate(0));
                        },
                        false,
                        fake -> {},
                        Set.of(Fault.TOO_MANY_REQUESTS),
                        List.of()),
                new Case(
                        "responses slower than the client timeout",
                        105,
                        Duration.ZERO,
                        SHORT_TIMEOUT,
                        fake -> fake.slowResponses(0.05, BEYOND_TIMEOUT),
                        false,
                        fake -> {},
                        Set.of(Fault.SLOW_RESPONSE),
                        List.of()),
                new Case(
                        "token revoked mid-run",
                        106,
                        Duration.ZERO,
                        SHORT_TIMEOUT,
                        fake -> fake.revokeTokenAfterRequests(120),
                        true,
                        FakeIntercom::restoreToken,
                        Set.of(Fault.TOKEN_REVOKED),
                        TOKEN_MESSAGE),
                new Case(
                        "contact not visible right after creation",
                        107,
                        Duration.ZERO,
                        SHORT_TIMEOUT,
                        fake ->
                                fake.contactVisibilityDelay(Duration.ofMillis(200))
                                        .searchLag(Duration.ofMillis(300)),
                        false,
                        fake -> {},
                        Set.of(Fault.CONTACT_NOT_YET_VISIBLE),
                        List.of()),
                new Case(
                        "all at low rates, token revoked mid-run",
                        108,
                        SERVER_CLOCK_BEHIND,
                        SHORT_TIMEOUT,
                        fake -> {
                            fake.lostResponseRate(0.05)
                                    .connectionResetRate(0.03)
                                    .serverErrorRate(0.03)
                                    .tooManyRequestsRate(0.005)
                                    .slowResponses(0.03, BEYOND_TIMEOUT)
                                    .contactVisibilityDelay(Duration.ofMillis(200))
                                    .searchLag(Duration.ofMillis(300))
                                    .revokeTokenAfterRequests(150);
                            // And a few 429s in a row for sure (from the 250th request, in the
                            // resumed run; three, so that
                            // a connection reset cannot swallow them all).
                            fake.whenRequestCount(250).thenRun(() -> fake.tooManyRequestsRate(1.0));
                            fake.whenRequestCount(253)
                                    .thenRun(() -> fake.tooManyRequestsRate(0.005));
                        },
                        true,
                        FakeIntercom::restoreToken,
                        Set.of(
                                Fault.LOST_RESPONSE,
                                Fault.CONNECTION_RESET,
                                Fault.SERVER_ERROR,
                                Fault.SLOW_RESPONSE,
                                Fault.TOO_MANY_REQUESTS,
                                Fault.TOKEN_REVOKED,
                                Fault.CONTACT_NOT_YET_VISIBLE),
                        TOKEN_MESSAGE));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("matrix")
    void everyConversationArrivesExactlyOnce(Case c) throws Exception {
        intercom =
                FakeIntercom.builder()
                        .seed(c.seed())
                        .clock(Clock.offset(Clock.systemUTC(), c.serverClockOffset()))
                        .start();
        Agents.addTo(intercom);
        Path export = workDir.resolve("export.jsonl");
        ExportGenerator.generate("jsonl", CONVERSATIONS, export, EXPORT_SEED);
        MigratorProcess migrator =
                new MigratorProcess(workDir, intercom.baseUrl(), FakeIntercom.TOKEN, c.config());
        c.inject().accept(intercom);

        MigratorProcess.Result first = migrator.run("migrate", "--input", export.toString());

        if (c.endsRun()) {
            assertThat(first.exitCode()).as("first run: " + first.all()).isEqualTo(1);
            assertThat(first.err())
                    .as(first.all())
                    .contains(c.failureMentions())
                    .containsIgnoringCase("run the same command again")
                    .contains("migrate --input " + export);
            assertThat(first.all()).doesNotContain("\tat ").doesNotContain(FakeIntercom.TOKEN);
            assertThat(intercom.conversations().size())
                    .as("conversations before the fault ended the run")
                    .isBetween(1, CONVERSATIONS - 1);
            if (c.expected().contains(Fault.TOKEN_REVOKED)) {
                // Stopped at once: no more than the calls already in flight (concurrency 4) met the
                // revoked token.
                assertThat(intercom.faultsInjected(Fault.TOKEN_REVOKED))
                        .as("401s before the run stopped")
                        .isLessThanOrEqualTo(8);
            }
            c.heal().accept(intercom);

            MigratorProcess.Result resumed = migrator.run("migrate", "--input", export.toString());

            assertThat(resumed.exitCode()).as("resumed run: " + resumed.all()).isZero();
            assertThat(resumed.out()).contains("Resuming run 1");
        } else {
            assertThat(first.exitCode()).as(first.all()).isZero();
        }
        for (Fault fault : c.expected()) {
            assertThat(intercom.faultsInjected(fault)).as("%s injected", fault).isPositive();
            if (fault == Fault.LOST_RESPONSE || fault == Fault.SLOW_RESPONSE) {
                // The hazard itself: a create that was done but whose answer never came in time.
                assertThat(intercom.receivedRequests())
                        .as("a create answered by %s", fault)
                        .anyMatch(r -> r.fault() == fault && CREATES.contains(r.route()));
            }
        }
        ExactlyOnce.assertMigrated(intercom, export);
        assertNoUnsafeRequestLeft(intercom);
        assertThat(intercom.internalErrors()).isEmpty();
    }

    /**
     * A create Intercom processes only after the client's timeout (a slow server that keeps working
     * on an abandoned request): conversation creates, replies and closes alike. Exactly-once case
     * 2: whatever lost its answer is looked for until the in-doubt window since the loss has passed
     * (the migrate step defers the conversation, the settle step waits), so the held create is
     * found, never sent twice.
     */
    @Test
    void case2_aCreateReplyOrCloseProcessedAfterTheClientGaveUpIsNotDuplicated() throws Exception {
        intercom = FakeIntercom.builder().seed(109).start();
        Agents.addTo(intercom);
        Path export = workDir.resolve("export.jsonl");
        ExportGenerator.generate("jsonl", CONVERSATIONS, export, EXPORT_SEED);
        MigratorProcess migrator =
                new MigratorProcess(workDir, intercom.baseUrl(), FakeIntercom.TOKEN, SHORT_TIMEOUT);
        intercom.lateCreates(0.05, BEYOND_TIMEOUT);

        MigratorProcess.Result result = migrator.run("migrate", "--input", export.toString());
        assertThat(intercom.awaitLateCreates(Duration.ofSeconds(10)))
                .as("held creates processed")
                .isTrue();

        assertThat(result.exitCode()).as(result.all()).isZero();
        assertThat(intercom.faultsInjected(Fault.LATE_CREATE)).isPositive();
        ExactlyOnce.assertMigrated(intercom, export);
        assertNoUnsafeRequestLeft(intercom);
    }

    /**
     * Over every request Intercom received (failed and dropped ones included): every attachment URL
     * is http(s) with a host, and no body a customer sees (their own messages, admin comments)
     * holds an HTML tag.
     */
    static void assertNoUnsafeRequestLeft(FakeIntercom intercom) {
        int customerVisible = 0;
        int attachments = 0;
        for (ReceivedRequest request : intercom.receivedRequests()) {
            if (request.body().isBlank()) {
                continue;
            }
            JsonNode body = JSON.readTree(request.body());
            for (JsonNode url : body.path("attachment_urls")) {
                attachments++;
                assertThat(isHttpUrl(url.asString("")))
                        .as("attachment URL %s in %s %s", url, request.method(), request.path())
                        .isTrue();
            }
            boolean visible =
                    request.route().equals("POST /conversations")
                            || request.route().equals("POST /conversations/{id}/reply")
                                    && "comment".equals(body.path("message_type").asString(""));
            if (visible) {
                customerVisible++;
                assertThat(body.path("body").asString(""))
                        .as("customer-visible body sent to %s", request.path())
                        .doesNotContainPattern(HTML_TAG);
            }
        }
        assertThat(customerVisible).as("customer-visible bodies checked").isPositive();
        assertThat(attachments).as("attachment URLs checked").isPositive();
    }

    private static boolean isHttpUrl(String url) {
        try {
            URI uri = new URI(url);
            String scheme =
                    Optional.ofNullable(uri.getScheme()).orElse("").toLowerCase(Locale.ROOT);
            return (scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null;
        } catch (Exception e) {
            return false;
        }
    }

    /**
     * Plain http is allowed to the loopback only (FakeIntercom): to any other host the token would
     * cross the network in clear, so the run is refused before a single connection is made. (The
     * message side of this is in {@link CommandLineContractTest#plainHttpToAnotherHostIsRefused()};
     * here a real listener on this machine's non-loopback address proves nothing reached it.)
     */
    @Test
    void plainHttpToANonLoopbackHostIsRefusedBeforeAnyRequest() throws Exception {
        InetAddress address = nonLoopbackAddress();
        Assumptions.assumeTrue(address != null, "no non-loopback IPv4 address on this machine");
        try (ServerSocket listener = new ServerSocket()) {
            listener.bind(new InetSocketAddress(address, 0));
            String baseUrl = "http://" + address.getHostAddress() + ":" + listener.getLocalPort();
            Path export = workDir.resolve("export.jsonl");
            ExportGenerator.generate("jsonl", 3, export, EXPORT_SEED);

            MigratorProcess.Result result =
                    new MigratorProcess(workDir, baseUrl, FakeIntercom.TOKEN, "")
                            .run("migrate", "--input", export.toString());

            assertThat(result.exitCode()).as(result.all()).isEqualTo(2);
            assertThat(result.err()).contains("https://");
            assertThat(result.all()).doesNotContain("\tat ").doesNotContain(FakeIntercom.TOKEN);
            // A connection the client opened would wait in the backlog: accept() would return it at
            // once.
            listener.setSoTimeout(1);
            boolean connected;
            try {
                listener.accept().close();
                connected = true;
            } catch (SocketTimeoutException e) {
                connected = false;
            }
            assertThat(connected).as("a connection reached the plain-http host").isFalse();
        }
    }

    private static InetAddress nonLoopbackAddress() throws Exception {
        for (NetworkInterface nic : List.copyOf(NetworkInterface.networkInterfaces().toList())) {
            if (!nic.isUp() || nic.isLoopback()) {
                continue;
            }
            for (InetAddress address : nic.inetAddresses().toList()) {
                if (address instanceof Inet4Address
                        && !address.isLoopbackAddress()
                        && !address.isLinkLocalAddress()) {
                    return address;
                }
            }
        }
        return null;
    }
}
