package dev.migrator.testserver;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.Random;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ServerSocketFactory;
import okhttp3.mockwebserver.Dispatcher;
import okhttp3.mockwebserver.MockResponse;
import okhttp3.mockwebserver.MockWebServer;
import okhttp3.mockwebserver.RecordedRequest;
import okhttp3.mockwebserver.SocketPolicy;
import okio.Buffer;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Stateful, thread-safe fake of the Intercom REST API (2.16 semantics) for tests, served by a
 * {@link MockWebServer} on 127.0.0.1 and a random port.
 *
 * <p>It implements the endpoints the migrator uses, with Intercom's error envelope, version gating,
 * rate-limit headers and search lag, plus deterministic fault injection (seeded {@link Random}) for
 * the failure modes that matter to an exactly-once migration: lost responses after the work was
 * done, resets and 5xx before it was done, 429s and outages.
 *
 * <p>Every mutable field is guarded by {@link #lock}; snapshots handed to tests are immutable
 * records.
 */
public final class FakeIntercom implements AutoCloseable {

    public static final String TOKEN = "test-token";
    public static final String DEFAULT_APP_ID = "fakeapp1";

    /**
     * Version applied when a request carries no Intercom-Version header (the workspace default).
     */
    public static final String DEFAULT_VERSION = "2.9";

    public static final int DEFAULT_RATE_LIMIT_PER_WINDOW = 1666;
    public static final Duration RATE_LIMIT_WINDOW = Duration.ofSeconds(10);
    public static final String ME_EMAIL = "me@fake.example";
    public static final String ME_NAME = "Token Owner";

    private static final JsonMapper JSON = JsonMapper.builder().build();
    // MockWebServer logs a warning for every connection the fake drops on purpose; keep test output
    // readable.
    // (Held in a field: java.util.logging forgets the level of loggers nobody references.)
    private static final Logger MOCK_WEB_SERVER_LOG = quietLogger(MockWebServer.class.getName());
    private static final int MAX_ATTACHMENTS = 10;
    private static final String REPLY_ROUTE_PATH = "/conversations/{id}/reply";
    private static final String REPLY_ROUTE = "POST " + REPLY_ROUTE_PATH;
    private static final int MAX_PARTS_IN_MODEL = 500;
    private static final int MAX_PER_PAGE = 150;

    /** The fields {@code POST /companies} takes; any other is refused. */
    private static final Set<String> COMPANY_FIELDS =
            Set.of(
                    "name",
                    "company_id",
                    "plan",
                    "size",
                    "website",
                    "industry",
                    "custom_attributes",
                    "remote_created_at",
                    "update_last_request_at",
                    "monthly_spend");

    // ------------------------------------------------------------------ public snapshot model

    public enum Fault {
        DOWN,
        CONNECTION_RESET,
        SERVER_ERROR,
        TOO_MANY_REQUESTS,
        LOST_RESPONSE,
        /** Held unanswered and unprocessed by {@link #holdFirst}, then dropped. */
        HELD,
        /**
         * Answered, work done, but only after {@link #slowResponses}' delay: later than a client's
         * timeout.
         */
        SLOW_RESPONSE,
        /** 401 because the token was revoked ({@link #revokeTokenAfterRequests}). */
        TOKEN_REVOKED,
        /** 404 "User Not Found" for a contact younger than {@link #contactVisibilityDelay}. */
        CONTACT_NOT_YET_VISIBLE,
        /**
         * A create held before it is processed ({@link #lateCreates}): done after the client gave
         * up.
         */
        LATE_CREATE,
        /** A write applied, then answered 502, 503 or 504 ({@link #serverErrorAfterWrite}). */
        SERVER_ERROR_AFTER_WRITE,
        /**
         * A write applied, its answer held past the client's timeout ({@link #answerAfterTimeout}).
         */
        ANSWER_AFTER_TIMEOUT
    }

    /**
     * The writes to a conversation whose faults can be set apart: its create, a reply (comment or
     * note), a close and an assignment, which Intercom has no idempotency for, and an update
     * ({@code PUT /conversations/{id}}: title and custom attributes), which it has.
     */
    public enum Write {
        CONVERSATION_CREATE,
        REPLY,
        CLOSE,
        ASSIGNMENT,
        UPDATE;

        /** The write a request asks for, if it is one of these. */
        static Optional<Write> of(String routeKey, String body) {
            return switch (routeKey) {
                case "POST /conversations" -> Optional.of(CONVERSATION_CREATE);
                case "POST /conversations/{id}/reply" -> Optional.of(REPLY);
                case "PUT /conversations/{id}" -> Optional.of(UPDATE);
                case "POST /conversations/{id}/parts" ->
                        switch (messageType(body)) {
                            case "close" -> Optional.of(CLOSE);
                            case "assignment" -> Optional.of(ASSIGNMENT);
                            default -> Optional.empty();
                        };
                default -> Optional.empty();
            };
        }

        private static String messageType(String body) {
            try {
                return parseBody(body).path("message_type").asString("");
            } catch (ApiError unreadable) {
                return "";
            }
        }
    }

    /**
     * One request as it reached the server (dropped and refused ones included): {@code route} is
     * the route key like {@code "POST /conversations/{id}/reply"}, {@code body} the raw text (""
     * when none), {@code fault} the fault injected into it (null when none). A reply with {@code
     * attachment_files} is shown as the fake read it: each file's {@code data} replaced by {@code
     * {"decoded_size": n, "decoded_sha256": hex}}, or {@code {"refused": reason}} where reading
     * stopped.
     */
    public record ReceivedRequest(
            String method, String path, String route, String body, Fault fault) {
        ReceivedRequest withFault(Fault injected) {
            return new ReceivedRequest(method, path, route, body, injected);
        }
    }

    public enum State {
        OPEN,
        CLOSED;

        String json() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public record Admin(String id, String name, String email) {}

    public record Contact(
            String id,
            String role,
            String email,
            String externalId,
            String name,
            Instant createdAt) {}

    public record Tag(String id, String name) {}

    public record Team(String id, String name) {}

    /**
     * One delete the API did ({@code DELETE /conversations|contacts|companies/{id}} answered 200):
     * {@code kind} conversation, contact or company; {@code retainMetrics} as a conversation's
     * delete asked (null for the others).
     */
    public record Deletion(String kind, String id, Boolean retainMetrics) {}

    /** A company: {@code id} is Intercom's, {@code companyId} the one the client gave it. */
    public record Company(String id, String companyId, String name) {}

    /** Who an assignment part assigned the conversation to: {@code type} admin or team. */
    public record Assignee(String type, String id) {}

    /**
     * A file a reply carried in its {@code attachment_files}, as the fake decoded it (its bytes are
     * not kept): {@code size} in bytes, {@code sha256} in hex, {@code contentType} null when none
     * was sent.
     */
    public record UploadedFile(String name, String contentType, long size, String sha256) {}

    /**
     * One conversation part. {@code attachments} are its {@code attachment_urls}, {@code files} its
     * {@code attachment_files}; {@code skipNotifications} is the flag exactly as sent (null when
     * absent); {@code notifiedCustomer} says whether the fake counted it as a customer
     * notification; {@code assignedTo} is set on assignment parts only.
     */
    public record Part(
            String id,
            String partType,
            String authorType,
            String authorId,
            String body,
            Instant createdAt,
            List<String> attachments,
            Boolean skipNotifications,
            boolean notifiedCustomer,
            Assignee assignedTo,
            List<UploadedFile> files) {
        public Part {
            attachments = List.copyOf(attachments);
            files = List.copyOf(files);
        }

        /** A part without uploaded files. */
        public Part(
                String id,
                String partType,
                String authorType,
                String authorId,
                String body,
                Instant createdAt,
                List<String> attachments,
                Boolean skipNotifications,
                boolean notifiedCustomer,
                Assignee assignedTo) {
            this(
                    id,
                    partType,
                    authorType,
                    authorId,
                    body,
                    createdAt,
                    attachments,
                    skipNotifications,
                    notifiedCustomer,
                    assignedTo,
                    List.of());
        }
    }

    /**
     * A conversation; {@code subject}, {@code body} and {@code attachments} belong to its source
     * message.
     */
    public record Conversation(
            String id,
            String messageId,
            String contactId,
            String authorType,
            Instant createdAt,
            Instant updatedAt,
            String subject,
            String body,
            List<String> attachments,
            State state,
            List<String> tags,
            List<Part> parts) {
        public Conversation {
            attachments = List.copyOf(attachments);
            tags = List.copyOf(tags);
            parts = List.copyOf(parts);
        }

        public boolean isOpen() {
            return state == State.OPEN;
        }

        Conversation withPart(Part part, State newState, Instant now) {
            List<Part> more = new ArrayList<>(parts);
            more.add(part);
            return new Conversation(
                    id,
                    messageId,
                    contactId,
                    authorType,
                    createdAt,
                    now,
                    subject,
                    body,
                    attachments,
                    newState,
                    tags,
                    more);
        }

        Conversation withTag(String tagName, Instant now) {
            if (tags.contains(tagName)) {
                return this;
            }
            List<String> more = new ArrayList<>(tags);
            more.add(tagName);
            return new Conversation(
                    id,
                    messageId,
                    contactId,
                    authorType,
                    createdAt,
                    now,
                    subject,
                    body,
                    attachments,
                    state,
                    more,
                    parts);
        }

        Conversation withoutPart(int index) {
            List<Part> fewer = new ArrayList<>(parts);
            fewer.remove(index);
            return new Conversation(
                    id,
                    messageId,
                    contactId,
                    authorType,
                    createdAt,
                    updatedAt,
                    subject,
                    body,
                    attachments,
                    state,
                    tags,
                    fewer);
        }
    }

    // ------------------------------------------------------------------ state

    private final Object lock = new Object();

    private final Map<CompletableFuture<Integer>, Integer> requestWatchers = new HashMap<>();
    private Hold hold;
    private Duration latency = Duration.ZERO;
    private Duration latencyJitter = Duration.ZERO;
    private final MockWebServer server = new MockWebServer();
    private final String token;
    private final String appId;
    private final Clock clock;
    private final String meAdminId;
    private final List<Route> routes;

    private final Store store = new Store();
    private final Faults faults;
    private final RateLimiter rateLimiter;
    private final Counters counters = new Counters();
    private final Traffic traffic = new Traffic();
    private final List<Throwable> internalErrors = new ArrayList<>();
    private final List<ReceivedRequest> received = new ArrayList<>();
    private final List<Deletion> deletions = new ArrayList<>();
    private Duration searchLag = Duration.ZERO;
    private Duration contactVisibilityDelay = Duration.ZERO;

    private FakeIntercom(Builder builder) {
        this.token = builder.token;
        this.appId = builder.appId;
        this.clock = builder.clock;
        this.faults = new Faults(new Random(builder.seed));
        this.rateLimiter = new RateLimiter(builder.rateLimitPerWindow);
        this.meAdminId = store.addAdmin(ME_NAME, ME_EMAIL);
        this.routes =
                List.of(
                        Route.of("GET", "/me", false, this::me),
                        Route.of("GET", "/admins", false, this::listAdmins),
                        Route.of("GET", "/teams", false, this::listTeams),
                        Route.of("POST", "/contacts/search", false, this::searchContacts),
                        Route.of("POST", "/contacts", true, this::createContact),
                        Route.of("GET", "/contacts/{id}", false, this::getContact),
                        Route.of("POST", "/companies", true, this::upsertCompany),
                        Route.of("POST", "/contacts/{id}/companies", true, this::attachCompany),
                        Route.of(
                                "GET", "/contacts/{id}/companies", false, this::companiesOfContact),
                        Route.of("POST", "/conversations/search", false, this::searchConversations),
                        Route.of("POST", "/conversations", true, this::createConversation),
                        Route.of(
                                "GET",
                                "/conversations/attributes",
                                false,
                                this::listConversationAttributes),
                        Route.of("GET", "/conversations/{id}", false, this::getConversation),
                        Route.of("PUT", "/conversations/{id}", false, this::updateConversation),
                        Route.of("POST", REPLY_ROUTE_PATH, true, this::reply),
                        Route.of(
                                "POST",
                                "/conversations/{id}/parts",
                                true,
                                this::manageConversation),
                        Route.of("POST", "/conversations/{id}/tags", true, this::tagConversation),
                        Route.of("POST", "/tags", true, this::createTag),
                        Route.of("DELETE", "/conversations/{id}", false, this::deleteConversation),
                        Route.of("DELETE", "/contacts/{id}", false, this::deleteContact),
                        Route.of("GET", "/companies", false, this::findCompanies),
                        Route.of("GET", "/companies/{id}/contacts", false, this::contactsOfCompany),
                        Route.of("DELETE", "/companies/{id}", false, this::deleteCompany));
    }

    // ------------------------------------------------------------------ lifecycle

    public static FakeIntercom start() {
        return builder().start();
    }

    public static FakeIntercom start(String token) {
        return builder().token(token).start();
    }

    public static Builder builder() {
        return new Builder();
    }

    public static final class Builder {
        private String token = TOKEN;
        private String appId = DEFAULT_APP_ID;
        private Clock clock = Clock.systemUTC();
        private int rateLimitPerWindow = DEFAULT_RATE_LIMIT_PER_WINDOW;
        private long seed = 42L;

        private Builder() {}

        public Builder token(String token) {
            this.token = Objects.requireNonNull(token);
            return this;
        }

        public Builder appId(String appId) {
            this.appId = Objects.requireNonNull(appId);
            return this;
        }

        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock);
            return this;
        }

        public Builder rateLimitPerWindow(int limit) {
            this.rateLimitPerWindow = requirePositive(limit);
            return this;
        }

        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        public FakeIntercom start() {
            FakeIntercom fake = new FakeIntercom(this);
            fake.server.setDispatcher(fake.new FakeDispatcher());
            fake.server.setServerSocketFactory(new NoDelayServerSocketFactory());
            try {
                fake.server.start(InetAddress.getByName("127.0.0.1"), 0);
            } catch (IOException e) {
                throw new UncheckedIOException("could not start FakeIntercom", e);
            }
            return fake;
        }
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + server.getPort();
    }

    public String token() {
        return token;
    }

    public String appId() {
        return appId;
    }

    public String meAdminId() {
        return meAdminId;
    }

    @Override
    public void close() {
        releaseHeld();
        try {
            server.shutdown();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ------------------------------------------------------------------ configuration and fault
    // injection

    public FakeIntercom lostResponseRate(double rate) {
        synchronized (lock) {
            faults.lostResponse = requireRate(rate);
        }
        return this;
    }

    public FakeIntercom connectionResetRate(double rate) {
        synchronized (lock) {
            faults.connectionReset = requireRate(rate);
        }
        return this;
    }

    public FakeIntercom serverErrorRate(double rate) {
        synchronized (lock) {
            faults.serverError = requireRate(rate);
        }
        return this;
    }

    public FakeIntercom tooManyRequestsRate(double rate) {
        synchronized (lock) {
            faults.tooManyRequests = requireRate(rate);
        }
        return this;
    }

    /**
     * Answers this share of requests only after {@code delay} (meant to be longer than the client's
     * timeout); the request itself is processed at once, so a slow answer to a create is a lost
     * answer whose work was done.
     */
    public FakeIntercom slowResponses(double rate, Duration delay) {
        synchronized (lock) {
            faults.slowResponse = requireRate(rate);
            faults.slowResponseDelay = requireNonNegative(delay);
        }
        return this;
    }

    /**
     * Holds this share of creates (the writes whose answer can be lost) for {@code delay} before
     * processing them: with a delay longer than the client's timeout, the client gives up first and
     * the create still happens afterwards, as when a server keeps working on a request its client
     * abandoned. {@link #awaitLateCreates} waits until every held create was processed.
     */
    public FakeIntercom lateCreates(double rate, Duration delay) {
        synchronized (lock) {
            faults.lateCreate = requireRate(rate);
            faults.lateCreateDelay = requireNonNegative(delay);
        }
        return this;
    }

    /**
     * Applies this share of {@code write}s, then answers 502, 503 or 504 as a gateway does when the
     * server behind it did the work but the answer did not make it back. The share is spread evenly
     * (rate 0.02: the 50th, 100th, … write of that kind), not drawn, so a test can rely on every
     * kind of write meeting the fault.
     */
    public FakeIntercom serverErrorAfterWrite(Write write, double rate) {
        synchronized (lock) {
            faults.serverErrorAfterWrite.set(write, requireRate(rate));
        }
        return this;
    }

    /**
     * Applies this share of {@code write}s at once, then holds the answer for {@code delay}: with a
     * delay past the client's configured timeout, the client times out on a write that was done.
     * The share is spread evenly, as in {@link #serverErrorAfterWrite}, over the writes that reach
     * this fault.
     */
    public FakeIntercom answerAfterTimeout(Write write, double rate, Duration delay) {
        synchronized (lock) {
            faults.answerAfterTimeout.set(write, requireRate(rate));
            faults.answerAfterTimeoutDelay.put(write, requireNonNegative(delay));
        }
        return this;
    }

    /**
     * Blocks until no create is held by {@link #lateCreates} any more (at most {@code max}); true
     * when none is.
     */
    public boolean awaitLateCreates(Duration max) throws InterruptedException {
        long deadline = System.nanoTime() + max.toNanos();
        synchronized (lock) {
            while (faults.lateCreatesHeld > 0) {
                long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (left <= 0) {
                    return false;
                }
                lock.wait(left);
            }
            return true;
        }
    }

    /**
     * Holds the first request on {@code routeKey} (like {@code "PUT /conversations/{id}"}) that
     * arrives from now on, unanswered and unprocessed, until {@link #releaseHeld()}: for a test
     * that kills its client between two given calls. The future completes when that request
     * arrives. Every other request, before or after it, is served as usual.
     */
    public CompletableFuture<Void> holdFirst(String routeKey) {
        return hold(incoming -> incoming.routeKey().equals(routeKey));
    }

    /**
     * Holds the first request for this kind of write, as {@link #holdFirst(String)} does: {@link
     * Write#ASSIGNMENT} holds the first assignment and lets closes through, though both are {@code
     * POST /conversations/{id}/parts}.
     */
    public CompletableFuture<Void> holdFirst(Write write) {
        return hold(
                incoming ->
                        Write.of(incoming.routeKey(), incoming.body()).equals(Optional.of(write)));
    }

    /**
     * Applies the first request for this kind of write, then holds its answer until {@link
     * #releaseHeld()}, which drops it: for a test that kills its client after a write was done and
     * before it heard so. The future completes once the write is applied.
     */
    public CompletableFuture<Void> holdAnswerOfFirst(Write write) {
        return hold(
                incoming ->
                        Write.of(incoming.routeKey(), incoming.body()).equals(Optional.of(write)),
                true);
    }

    private CompletableFuture<Void> hold(Predicate<Incoming> matches) {
        return hold(matches, false);
    }

    private CompletableFuture<Void> hold(Predicate<Incoming> matches, boolean applies) {
        synchronized (lock) {
            if (hold != null) {
                throw new IllegalStateException("a hold is set already: releaseHeld() first");
            }
            hold = new Hold(matches, applies);
            return hold.arrived;
        }
    }

    /**
     * Drops the request {@link #holdFirst} holds, without applying it and without an answer (its
     * connection is closed), and ends the hold: one not yet met is cancelled.
     */
    public void releaseHeld() {
        synchronized (lock) {
            if (hold != null) {
                hold.released.countDown();
                hold = null;
            }
        }
    }

    /**
     * Serves the next {@code n} requests normally, then answers 401 to every one until {@link
     * #restoreToken()}.
     */
    public FakeIntercom revokeTokenAfterRequests(int n) {
        if (n < 0) {
            throw new IllegalArgumentException("n must be >= 0");
        }
        synchronized (lock) {
            faults.tokenRevoked = n == 0;
            faults.requestsUntilRevoked = n == 0 ? -1 : n;
        }
        return this;
    }

    /** The token is valid again (and no revocation is pending). */
    public FakeIntercom restoreToken() {
        synchronized (lock) {
            faults.tokenRevoked = false;
            faults.requestsUntilRevoked = -1;
        }
        return this;
    }

    public boolean isTokenRevoked() {
        synchronized (lock) {
            return faults.tokenRevoked;
        }
    }

    /** Reseeds the random source behind every injected fault, so a run can be replayed. */
    public FakeIntercom seed(long seed) {
        synchronized (lock) {
            faults.random = new Random(seed);
        }
        return this;
    }

    /** Drops every connection and request until {@link #comeBack()}; nothing is processed. */
    public FakeIntercom goDown() {
        synchronized (lock) {
            faults.down = true;
            faults.requestsUntilDown = -1;
        }
        return this;
    }

    public FakeIntercom comeBack() {
        synchronized (lock) {
            faults.down = false;
            faults.requestsUntilDown = -1;
        }
        return this;
    }

    /** Serves the next {@code n} requests normally, then behaves as after {@link #goDown()}. */
    public FakeIntercom goDownAfterRequests(int n) {
        if (n < 0) {
            throw new IllegalArgumentException("n must be >= 0");
        }
        synchronized (lock) {
            faults.down = n == 0;
            faults.requestsUntilDown = n == 0 ? -1 : n;
        }
        return this;
    }

    public boolean isDown() {
        synchronized (lock) {
            return faults.down;
        }
    }

    /**
     * Contacts and conversations stay invisible to the search endpoints for this long after
     * creation.
     */
    public FakeIntercom searchLag(Duration lag) {
        synchronized (lock) {
            searchLag = requireNonNegative(lag);
        }
        return this;
    }

    /**
     * POST /conversations and contact replies answer "User Not Found" for contacts younger than
     * this.
     */
    public FakeIntercom contactVisibilityDelay(Duration delay) {
        synchronized (lock) {
            contactVisibilityDelay = requireNonNegative(delay);
        }
        return this;
    }

    public FakeIntercom rateLimitPerWindow(int limit) {
        synchronized (lock) {
            rateLimiter.limit = requirePositive(limit);
        }
        return this;
    }

    // ------------------------------------------------------------------ seeding and data loss

    public String addAdmin(String email, String name) {
        synchronized (lock) {
            return store.addAdmin(name, email);
        }
    }

    /**
     * Adds a pre-existing contact: visible to search and conversations at once, regardless of lag.
     */
    public String addContact(String role, String email, String externalId, String name) {
        synchronized (lock) {
            Contact contact = store.newContact(role, email, externalId, name, nowSeconds());
            store.contactStoredAt.put(contact.id(), Instant.MIN);
            return contact.id();
        }
    }

    /**
     * A conversation attribute, as an admin creates it in Intercom's settings ({@code data_type}:
     * {@code string}, {@code integer}, {@code decimal}, {@code boolean}, {@code datetime}…; a list
     * through {@link #addListAttribute}).
     */
    public void addConversationAttribute(String name, String dataType) {
        synchronized (lock) {
            store.conversationAttributes.add(
                    new ConversationAttribute(
                            store.conversationAttributes.size() + 1L, name, dataType, List.of()));
        }
    }

    /** A conversation attribute of type {@code list}, with these options in this order. */
    public void addListAttribute(String name, String... optionLabels) {
        synchronized (lock) {
            long id = store.conversationAttributes.size() + 1L;
            List<ListOption> options = new ArrayList<>();
            for (String label : optionLabels) {
                // Intercom's option ids are UUIDs; these are stable for a given attribute and
                // label.
                byte[] seed = (id + ":" + label).getBytes(StandardCharsets.UTF_8);
                options.add(new ListOption(UUID.nameUUIDFromBytes(seed).toString(), label, false));
            }
            store.conversationAttributes.add(new ConversationAttribute(id, name, "list", options));
        }
    }

    /**
     * An admin archives one option of a list attribute: still listed (as archived), no longer a
     * value the attribute takes.
     */
    public void archiveListOption(String attributeName, String label) {
        synchronized (lock) {
            store.conversationAttributes.replaceAll(
                    a ->
                            a.name().equals(attributeName) && a.dataType().equals("list")
                                    ? a.withArchived(label)
                                    : a);
        }
    }

    /**
     * The custom attributes set on the conversation, by name: each value a {@code String}, a {@code
     * Long}, a {@code Double} or a {@code Boolean}, as it was sent.
     */
    public Map<String, Object> customAttributes(String conversationId) {
        synchronized (lock) {
            return Map.copyOf(store.customAttributes.getOrDefault(conversationId, Map.of()));
        }
    }

    /** The conversation's title, if one was set. */
    public Optional<String> title(String conversationId) {
        synchronized (lock) {
            return Optional.ofNullable(store.titles.get(conversationId));
        }
    }

    /** A team, as an admin creates it in Intercom's settings; its id. */
    public String addTeam(String name) {
        synchronized (lock) {
            return store.addTeam(name);
        }
    }

    /** An admin deletes the contact in Intercom; its conversations stay. */
    public void deleteContact(String contactId) {
        synchronized (lock) {
            if (store.contacts.remove(contactId) == null) {
                throw new IllegalArgumentException("no contact " + contactId);
            }
        }
    }

    /** An admin deletes the conversation in Intercom. */
    public void deleteConversation(String conversationId) {
        synchronized (lock) {
            if (store.conversations.remove(conversationId) == null) {
                throw new IllegalArgumentException("no conversation " + conversationId);
            }
        }
    }

    /** Silently deletes one part, to simulate data loss on the Intercom side. */
    public void removePart(String conversationId, int index) {
        synchronized (lock) {
            Conversation conversation = store.conversations.get(conversationId);
            if (conversation == null) {
                throw new IllegalArgumentException("no conversation " + conversationId);
            }
            store.conversations.put(conversationId, conversation.withoutPart(index));
        }
    }

    // ------------------------------------------------------------------ inspection

    /** The deletes the API did, in order (an item deleted twice would be listed twice). */
    public List<Deletion> deletions() {
        synchronized (lock) {
            return List.copyOf(deletions);
        }
    }

    public List<Conversation> conversations() {
        synchronized (lock) {
            return List.copyOf(store.conversations.values());
        }
    }

    public Optional<Conversation> conversation(String id) {
        synchronized (lock) {
            return Optional.ofNullable(store.conversations.get(id));
        }
    }

    public List<Conversation> conversationsOf(String contactId) {
        synchronized (lock) {
            return store.conversations.values().stream()
                    .filter(c -> c.contactId().equals(contactId))
                    .toList();
        }
    }

    public List<Contact> contacts() {
        synchronized (lock) {
            return List.copyOf(store.contacts.values());
        }
    }

    public List<Admin> admins() {
        synchronized (lock) {
            return List.copyOf(store.admins.values());
        }
    }

    public List<Tag> tags() {
        synchronized (lock) {
            return List.copyOf(store.tagsByName.values());
        }
    }

    public List<Team> teams() {
        synchronized (lock) {
            return List.copyOf(store.teams.values());
        }
    }

    /** The admin the conversation is assigned to, if any. */
    public Optional<String> adminAssignee(String conversationId) {
        synchronized (lock) {
            return Optional.ofNullable(store.adminAssignees.get(conversationId));
        }
    }

    /** The team the conversation is assigned to, if any. */
    public Optional<String> teamAssignee(String conversationId) {
        synchronized (lock) {
            return Optional.ofNullable(store.teamAssignees.get(conversationId));
        }
    }

    public List<Company> companies() {
        synchronized (lock) {
            return List.copyOf(store.companies.values());
        }
    }

    /** The companies the contact is attached to, in the order they were attached. */
    public List<Company> companiesOf(String contactId) {
        synchronized (lock) {
            return store.companiesByContact.getOrDefault(contactId, Set.of()).stream()
                    .map(store.companies::get)
                    .toList();
        }
    }

    /** Admin comments that would have emailed the customer (no effective skip_notifications). */
    public int notifications() {
        synchronized (lock) {
            return counters.notifications;
        }
    }

    /** Every request that reached the server, including dropped and rejected ones. */
    public int requestCount() {
        synchronized (lock) {
            return counters.requests;
        }
    }

    /**
     * Completes when the n-th request (counting every request that reached the server) arrives,
     * before it is answered: a test can kill the client at an exact point of its run.
     */
    public CompletableFuture<Integer> whenRequestCount(int n) {
        CompletableFuture<Integer> reached = new CompletableFuture<>();
        synchronized (lock) {
            if (counters.requests >= n) {
                reached.complete(counters.requests);
            } else {
                requestWatchers.put(reached, n);
            }
        }
        return reached;
    }

    /**
     * Every answer takes {@code mean} plus or minus up to {@code jitter}, like a real API across a
     * network.
     */
    public FakeIntercom latency(Duration mean, Duration jitter) {
        synchronized (lock) {
            latency = mean;
            latencyJitter = jitter;
        }
        return this;
    }

    /**
     * Requests per route, keyed like {@code "POST /conversations/{id}/reply"} (unknown paths:
     * method and raw path).
     */
    public int requests(String routeKey) {
        synchronized (lock) {
            return counters.byRoute.getOrDefault(routeKey, 0);
        }
    }

    public Map<Fault, Integer> faultsInjected() {
        synchronized (lock) {
            return Collections.unmodifiableMap(new EnumMap<>(counters.faults));
        }
    }

    public int faultsInjected(Fault fault) {
        synchronized (lock) {
            return counters.faults.getOrDefault(fault, 0);
        }
    }

    /**
     * Every request that reached the server, in arrival order, with its body: to check what the
     * client sends.
     */
    public List<ReceivedRequest> receivedRequests() {
        synchronized (lock) {
            return List.copyOf(received);
        }
    }

    /**
     * From the first request to the last, as this server saw them (zero before two have come): the
     * span of a benchmark's traffic.
     */
    public Duration trafficSpan() {
        synchronized (lock) {
            return Duration.ofMillis(traffic.lastAt - traffic.firstAt);
        }
    }

    /**
     * Requests per rate-limit window, from the first request's window to the last's: whether each
     * window's limit was used.
     */
    public List<Integer> requestsPerWindow() {
        synchronized (lock) {
            return List.copyOf(traffic.perWindow.values());
        }
    }

    /** The most requests that were being answered at once (each from arrival to its answer). */
    public int peakInFlight() {
        synchronized (lock) {
            return traffic.peakInFlight;
        }
    }

    /** All 429 answers: real window overflows and injected ones. */
    public int rateLimited() {
        synchronized (lock) {
            return counters.rateLimited;
        }
    }

    /** Exceptions thrown by the fake itself (answered as 500); a test should expect none. */
    public List<Throwable> internalErrors() {
        synchronized (lock) {
            return List.copyOf(internalErrors);
        }
    }

    // ------------------------------------------------------------------ request pipeline

    private final class FakeDispatcher extends Dispatcher {
        @Override
        public MockResponse dispatch(RecordedRequest request) {
            discardRecordedRequests();
            if (request.getRequestLine().isEmpty()) {
                // Bookkeeping call for a connection that peek() refused at accept time.
                synchronized (lock) {
                    counters.fault(Fault.DOWN);
                }
                return new MockResponse();
            }
            Incoming incoming = incoming(request);
            Optional<Hold> held = holdIfFirst(incoming);
            if (held.isPresent()) {
                if (held.get().applies) {
                    serve(request, incoming);
                    held.get().arrived.complete(null);
                }
                return held.get().dropOnRelease();
            }
            boolean late = holdLateCreate(incoming);
            try {
                return serve(request, incoming);
            } finally {
                if (late) {
                    synchronized (lock) {
                        faults.lateCreatesHeld--;
                        lock.notifyAll();
                    }
                }
            }
        }

        /**
         * MockWebServer consults peek() when it accepts a connection; DISCONNECT_AT_START there
         * closes the socket before anything is read, so new connections fail like a dead host while
         * down. (It is connection-level only, which is why per-request drops use
         * DISCONNECT_AFTER_REQUEST.)
         */
        @Override
        public MockResponse peek() {
            MockResponse response = new MockResponse();
            return isDown() ? response.setSocketPolicy(SocketPolicy.DISCONNECT_AT_START) : response;
        }
    }

    /**
     * Sleeps (outside the lock, on this connection's thread) before a create chosen by {@link
     * #lateCreates}; true when it did, and the caller then counts the create as no longer held once
     * it was processed.
     */
    private boolean holdLateCreate(Incoming incoming) {
        boolean create = incoming.match().map(m -> m.route().creates()).orElse(false);
        long delay;
        synchronized (lock) {
            if (!create || !faults.roll(faults.lateCreate)) {
                return false;
            }
            counters.fault(Fault.LATE_CREATE);
            faults.lateCreatesHeld++;
            delay = faults.lateCreateDelay.toMillis();
        }
        try {
            Thread.sleep(delay);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return true;
    }

    /**
     * MockWebServer queues every request for takeRequest(); nobody takes them, so keep memory flat.
     */
    private void discardRecordedRequests() {
        try {
            while (server.takeRequest(0, TimeUnit.MILLISECONDS) != null) {
                // discard
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A request as it arrived: its route (if one matches), route key and body text. */
    private record Incoming(
            String method, String path, Optional<RouteMatch> match, String routeKey, String body) {}

    private Incoming incoming(RecordedRequest request) {
        String path = pathOf(request);
        Optional<RouteMatch> match =
                routes.stream()
                        .map(route -> route.match(request.getMethod(), path))
                        .flatMap(Optional::stream)
                        .findFirst();
        String routeKey = match.map(m -> m.route().key()).orElse(request.getMethod() + " " + path);
        Buffer body = request.getBody();
        return new Incoming(
                request.getMethod(),
                path,
                match,
                routeKey,
                routeKey.equals(REPLY_ROUTE)
                        ? replyText(body)
                        : body.readString(StandardCharsets.UTF_8));
    }

    /**
     * A reply's body, its {@code attachment_files} decoded as they are read: a file's base64 is
     * never held as text, so a body of hundreds of megabytes needs no copy beyond MockWebServer's
     * own buffer of it. Each {@code data} becomes {@code {"decoded_size", "decoded_sha256"}}, or
     * {@code {"refused": reason}} and the reading stops there. A reply without files, or not
     * readable as a JSON object, keeps its raw text.
     */
    private static String replyText(Buffer body) {
        // The clone shares the buffer's segments: no copy of the bytes.
        try (JsonParser parser = JSON.createParser(body.clone().inputStream())) {
            Optional<ObjectNode> decoded = withDecodedFiles(parser);
            if (decoded.isPresent()) {
                return JSON.writeValueAsString(decoded.get());
            }
        } catch (JacksonException unreadable) {
            // left to the usual parsing, which answers 400
        }
        return body.readString(StandardCharsets.UTF_8);
    }

    /** The body read from {@code parser}, if it is an object with an array of attachment files. */
    private static Optional<ObjectNode> withDecodedFiles(JsonParser parser) {
        if (parser.nextToken() != JsonToken.START_OBJECT) {
            return Optional.empty();
        }
        ObjectNode body = JSON.createObjectNode();
        boolean hasFiles = false;
        while (parser.nextToken() == JsonToken.PROPERTY_NAME) {
            String name = parser.currentName();
            if (parser.nextToken() != JsonToken.START_ARRAY || !name.equals("attachment_files")) {
                body.set(name, subtree(parser));
                continue;
            }
            hasFiles = true;
            ArrayNode files = body.putArray(name);
            while (parser.nextToken() != JsonToken.END_ARRAY) {
                if (parser.currentToken() != JsonToken.START_OBJECT) {
                    files.add(subtree(parser));
                    continue;
                }
                ObjectNode file = files.addObject();
                while (parser.nextToken() == JsonToken.PROPERTY_NAME) {
                    String property = parser.currentName();
                    parser.nextToken();
                    if (!property.equals("data")) {
                        file.set(property, subtree(parser));
                    } else if (!decode(parser, file.putObject("data"))) {
                        return Optional.of(body);
                    }
                }
            }
        }
        return hasFiles ? Optional.of(body) : Optional.empty();
    }

    /** The value at the parser (readTree would refuse the rest of the body as trailing tokens). */
    private static JsonNode subtree(JsonParser parser) {
        return parser.readValueAsTree();
    }

    /**
     * Decodes the base64 string at the parser into {@code data}'s size and SHA-256; false when it
     * is not base64 (the parser cannot go on after that).
     */
    private static boolean decode(JsonParser parser, ObjectNode data) {
        if (parser.currentToken() != JsonToken.VALUE_STRING) {
            parser.skipChildren();
            data.put("refused", "data must be a base64 string");
            return true;
        }
        MessageDigest digest = sha256();
        CountingOutputStream counted =
                new CountingOutputStream(
                        new DigestOutputStream(OutputStream.nullOutputStream(), digest));
        try {
            parser.readBinaryValue(counted);
        } catch (JacksonException notBase64) {
            data.put("refused", "data is not valid base64");
            return false;
        }
        data.put("decoded_size", counted.count);
        data.put("decoded_sha256", HexFormat.of().formatHex(digest.digest()));
        return true;
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static final class CountingOutputStream extends FilterOutputStream {
        long count;

        CountingOutputStream(OutputStream out) {
            super(out);
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            count++;
        }

        @Override
        public void write(byte[] bytes, int offset, int length) throws IOException {
            out.write(bytes, offset, length);
            count += length;
        }
    }

    /** Counts the request and keeps it for {@link #receivedRequests()}; its index there. */
    private int arrive(Incoming incoming) {
        counters.request(incoming.routeKey());
        received.add(
                new ReceivedRequest(
                        incoming.method(),
                        incoming.path(),
                        incoming.routeKey(),
                        incoming.body(),
                        null));
        requestWatchers
                .entrySet()
                .removeIf(
                        watcher ->
                                watcher.getValue() <= counters.requests
                                        && watcher.getKey().complete(counters.requests));
        return received.size() - 1;
    }

    /** The hold this request meets, if it is the first one a pending {@link #holdFirst} wants. */
    private Optional<Hold> holdIfFirst(Incoming incoming) {
        synchronized (lock) {
            if (hold == null || hold.met || !hold.matches.test(incoming)) {
                return Optional.empty();
            }
            hold.met = true;
            counters.fault(Fault.HELD);
            if (!hold.applies) {
                int index = arrive(incoming);
                received.set(index, received.get(index).withFault(Fault.HELD));
                hold.arrived.complete(null);
            }
            return Optional.of(hold);
        }
    }

    /** A request {@link #holdFirst} waits for, then holds until {@link #releaseHeld()}. */
    private static final class Hold {
        final Predicate<Incoming> matches;
        final boolean applies;
        final CompletableFuture<Void> arrived = new CompletableFuture<>();
        final CountDownLatch released = new CountDownLatch(1);
        boolean met;

        Hold(Predicate<Incoming> matches, boolean applies) {
            this.matches = matches;
            this.applies = applies;
        }

        /** Waits (on this connection's thread, outside the lock), then closes without answering. */
        MockResponse dropOnRelease() {
            try {
                released.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return new MockResponse().setSocketPolicy(SocketPolicy.DISCONNECT_AFTER_REQUEST);
        }
    }

    private MockResponse serve(RecordedRequest request, Incoming incoming) {
        synchronized (lock) {
            int index = arrive(incoming);
            counters.lastFault = null;
            try {
                MockResponse response = answer(request, incoming.match(), incoming.body());
                traffic.record(clock.millis(), response.getHeadersDelay(TimeUnit.MILLISECONDS));
                return response;
            } finally {
                if (counters.lastFault != null) {
                    received.set(index, received.get(index).withFault(counters.lastFault));
                }
            }
        }
    }

    /** Serves one request; called holding {@link #lock}. */
    private MockResponse answer(
            RecordedRequest request, Optional<RouteMatch> match, String bodyText) {
        countDownToRevocation();

        // Dropped before processing: the client cannot tell whether anything happened; nothing did.
        if (faults.down) {
            return drop(Fault.DOWN);
        }
        if (faults.roll(faults.connectionReset)) {
            return drop(Fault.CONNECTION_RESET);
        }

        RateWindow window = rateLimiter.consume(clock.instant());
        Reply reply = respond(request, bodyText, match, window);
        countDownToOutage();
        if (reply.status() == 429) {
            counters.rateLimited++;
        }
        boolean createdSomething =
                reply.isSuccess() && match.map(m -> m.route().creates()).orElse(false);
        if (createdSomething && faults.roll(faults.lostResponse)) {
            // The work above is committed; only the answer is lost (MockWebServer dispatches before
            // closing).
            return drop(Fault.LOST_RESPONSE);
        }
        Optional<Write> write =
                reply.isSuccess()
                        ? match.flatMap(m -> Write.of(m.route().key(), bodyText))
                        : Optional.empty();
        if (write.isPresent() && faults.serverErrorAfterWrite.falls(write.get())) {
            counters.fault(Fault.SERVER_ERROR_AFTER_WRITE);
            return serverErrorAfterWrite().toMockResponse(window);
        }
        if (write.isPresent() && faults.answerAfterTimeout.falls(write.get())) {
            // Done already; the answer leaves only after the delay (MockWebServer sleeps outside
            // the lock), when the client has given up.
            counters.fault(Fault.ANSWER_AFTER_TIMEOUT);
            return reply.toMockResponse(window)
                    .setHeadersDelay(
                            faults.answerAfterTimeoutDelay.get(write.get()).toMillis(),
                            TimeUnit.MILLISECONDS);
        }
        if (faults.roll(faults.slowResponse)) {
            // Processed already; the answer leaves only after the delay (MockWebServer sleeps
            // outside the lock).
            counters.fault(Fault.SLOW_RESPONSE);
            return reply.toMockResponse(window)
                    .setHeadersDelay(faults.slowResponseDelay.toMillis(), TimeUnit.MILLISECONDS);
        }
        return reply.toMockResponse(window).setHeadersDelay(latencyMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * How long this answer takes: the configured latency, spread uniformly over plus or minus the
     * jitter.
     */
    private long latencyMillis() {
        long jitter = latencyJitter.toMillis();
        return Math.max(
                0,
                latency.toMillis()
                        + (jitter == 0 ? 0 : faults.random.nextLong(-jitter, jitter + 1)));
    }

    private Reply respond(
            RecordedRequest request,
            String bodyText,
            Optional<RouteMatch> match,
            RateWindow window) {
        if (window.exceeded()) {
            return ApiError.rateLimitExceeded().reply();
        }
        if (faults.roll(faults.tooManyRequests)) {
            counters.fault(Fault.TOO_MANY_REQUESTS);
            return ApiError.rateLimitExceeded().reply();
        }
        if (faults.roll(faults.serverError)) {
            counters.fault(Fault.SERVER_ERROR);
            return injectedServerError();
        }
        try {
            ApiVersion version = authenticate(request);
            RouteMatch route = match.orElseThrow(() -> ApiError.notFound("Resource Not Found"));
            Call call = new Call(parseBody(bodyText), route.params(), version, queryOf(request));
            return new Reply(200, route.route().handler().apply(call));
        } catch (ApiError e) {
            return e.reply();
        } catch (RuntimeException e) {
            internalErrors.add(e);
            return new ApiError(500, "server_error", "FakeIntercom bug: " + e, null).reply();
        }
    }

    private Reply injectedServerError() {
        int[] statuses = {500, 502, 503};
        int status = statuses[faults.random.nextInt(statuses.length)];
        String code =
                switch (status) {
                    case 502 -> "bad_gateway";
                    case 503 -> "service_unavailable";
                    default -> "server_error";
                };
        return new ApiError(status, code, "Injected server error", null).reply();
    }

    /** A gateway's answer for a request the server behind it has done. */
    private Reply serverErrorAfterWrite() {
        int status = 502 + faults.random.nextInt(3);
        String code =
                switch (status) {
                    case 502 -> "bad_gateway";
                    case 503 -> "service_unavailable";
                    default -> "gateway_timeout";
                };
        return new ApiError(status, code, "Injected server error after the write", null).reply();
    }

    private MockResponse drop(Fault fault) {
        counters.fault(fault);
        return new MockResponse().setSocketPolicy(SocketPolicy.DISCONNECT_AFTER_REQUEST);
    }

    private void countDownToOutage() {
        if (faults.requestsUntilDown > 0 && --faults.requestsUntilDown == 0) {
            faults.down = true;
            faults.requestsUntilDown = -1;
        }
    }

    private void countDownToRevocation() {
        if (faults.requestsUntilRevoked == 0) {
            faults.tokenRevoked = true;
            faults.requestsUntilRevoked = -1;
        } else if (faults.requestsUntilRevoked > 0) {
            faults.requestsUntilRevoked--;
        }
    }

    private ApiVersion authenticate(RecordedRequest request) {
        if (faults.tokenRevoked) {
            counters.fault(Fault.TOKEN_REVOKED);
            throw new ApiError(401, "unauthorized", "Access Token Invalid", null);
        }
        if (!("Bearer " + token).equals(request.getHeader("Authorization"))) {
            throw new ApiError(401, "unauthorized", "Access Token Invalid", null);
        }
        if (!acceptsJson(request.getHeader("Accept"))) {
            throw new ApiError(
                    406,
                    "media_type_not_acceptable",
                    "The Accept header should send a media type of application/json",
                    null);
        }
        String header = request.getHeader("Intercom-Version");
        String requested = header == null ? DEFAULT_VERSION : header.trim();
        return ApiVersion.parse(requested)
                .orElseThrow(
                        () ->
                                new ApiError(
                                        400,
                                        "intercom_version_invalid",
                                        "The requested version could not be found: " + requested,
                                        "Intercom-Version"));
    }

    private static boolean acceptsJson(String accept) {
        if (accept == null) {
            return false;
        }
        return Arrays.stream(accept.split(","))
                .map(range -> range.split(";")[0].trim().toLowerCase(Locale.ROOT))
                .anyMatch(
                        range ->
                                range.equals("application/json")
                                        || range.equals("application/*")
                                        || range.equals("*/*"));
    }

    private static JsonNode parseBody(String text) {
        if (text.isBlank()) {
            return JSON.createObjectNode();
        }
        try {
            JsonNode body = JSON.readTree(text);
            if (!body.isObject()) {
                throw ApiError.invalid(null, "Request body must be a JSON object");
            }
            return body;
        } catch (JacksonException e) {
            throw ApiError.invalid(null, "Request body is not valid JSON");
        }
    }

    private static String pathOf(RecordedRequest request) {
        String path = Objects.requireNonNullElse(request.getPath(), "/");
        int query = path.indexOf('?');
        return query < 0 ? path : path.substring(0, query);
    }

    /** The request's query parameters, decoded (the last value of a repeated one). */
    private static Map<String, String> queryOf(RecordedRequest request) {
        String path = Objects.requireNonNullElse(request.getPath(), "/");
        int query = path.indexOf('?');
        Map<String, String> parameters = new LinkedHashMap<>();
        if (query >= 0) {
            for (String pair : path.substring(query + 1).split("&")) {
                int equals = pair.indexOf('=');
                String name = equals < 0 ? pair : pair.substring(0, equals);
                String value = equals < 0 ? "" : pair.substring(equals + 1);
                parameters.put(
                        URLDecoder.decode(name, StandardCharsets.UTF_8),
                        URLDecoder.decode(value, StandardCharsets.UTF_8));
            }
        }
        return parameters;
    }

    // ------------------------------------------------------------------ endpoints

    private JsonNode me(Call call) {
        Admin me = store.admins.get(meAdminId);
        ObjectNode node = adminJson(me);
        ObjectNode app = node.putObject("app");
        app.put("type", "app");
        app.put("id_code", appId);
        app.put("name", "Fake Workspace");
        return node;
    }

    private JsonNode listAdmins(Call call) {
        ObjectNode node = object("admin.list");
        ArrayNode admins = node.putArray("admins");
        store.admins.values().forEach(admin -> admins.add(adminJson(admin)));
        return node;
    }

    private JsonNode createContact(Call call) {
        JsonNode body = call.body();
        String role = Objects.requireNonNullElse(text(body, "role"), "user");
        if (!role.equals("user") && !role.equals("lead")) {
            throw ApiError.invalid("role", "role must be user or lead");
        }
        String email = text(body, "email");
        String externalId = identifier(body, "external_id");
        if (isBlank(email) && isBlank(externalId)) {
            throw ApiError.invalid("email", "email or external_id is required");
        }
        Optional<Contact> existing =
                store.contacts.values().stream()
                        .filter(
                                c ->
                                        sameIgnoringCase(c.email(), email)
                                                || sameExactly(c.externalId(), externalId))
                        .findFirst();
        if (existing.isPresent()) {
            throw new ApiError(
                    409,
                    "conflict",
                    "A contact matching those details already exists with id="
                            + existing.get().id(),
                    null);
        }
        Contact contact =
                store.newContact(role, email, externalId, text(body, "name"), nowSeconds());
        store.contactStoredAt.put(contact.id(), clock.instant());
        return contactJson(contact);
    }

    private JsonNode getContact(Call call) {
        return contactJson(existingContact(call.param(0)));
    }

    private JsonNode searchContacts(Call call) {
        Predicate<Contact> query = Query.compile(requiredQuery(call.body()), CONTACT_FIELDS);
        List<Contact> hits =
                store.contacts.values().stream()
                        .filter(c -> searchable(store.contactStoredAt.get(c.id())))
                        .filter(query)
                        .toList();
        Page<Contact> page = Page.of(hits, call.body().get("pagination"), 50);
        ObjectNode node = object("list");
        ArrayNode data = node.putArray("data");
        page.items().forEach(c -> data.add(contactJson(c)));
        node.put("total_count", hits.size());
        node.set("pages", page.json());
        return node;
    }

    private JsonNode createConversation(Call call) {
        JsonNode body = call.body();
        JsonNode from = body.path("from");
        String fromType = text(from, "type");
        if (!List.of("user", "lead", "contact")
                .contains(Objects.requireNonNullElse(fromType, ""))) {
            throw ApiError.invalid("from", "from.type must be user, lead or contact");
        }
        String contactId = identifier(from, "id");
        if (isBlank(contactId)) {
            throw ApiError.missing("from.id");
        }
        Contact contact = visibleContact(contactId);
        String text = requiredBody(body);
        List<String> attachments = attachmentUrls(body);
        Instant createdAt = partTime(body, call.version());

        Conversation conversation =
                new Conversation(
                        store.nextConversationId(),
                        store.nextMessageId(),
                        contact.id(),
                        contact.role(),
                        createdAt,
                        nowSeconds(),
                        text(body, "subject"),
                        text,
                        attachments,
                        State.OPEN,
                        List.of(),
                        List.of());
        store.conversations.put(conversation.id(), conversation);
        store.conversationStoredAt.put(conversation.id(), clock.instant());

        ObjectNode message = object("user_message");
        message.put("id", conversation.messageId());
        message.put("created_at", createdAt.getEpochSecond());
        message.put("body", text);
        message.put("message_type", "inapp");
        message.put("conversation_id", conversation.id());
        return message;
    }

    private JsonNode getConversation(Call call) {
        return conversationJson(existingConversation(call.param(0)));
    }

    private JsonNode listConversationAttributes(Call call) {
        ObjectNode node = object("list");
        ArrayNode data = node.putArray("data");
        for (ConversationAttribute attribute : store.conversationAttributes) {
            ObjectNode json = data.addObject();
            json.put("type", "conversation_attribute");
            json.put("id", attribute.id());
            json.put("name", attribute.name());
            json.put("description", "");
            json.put("data_type", attribute.dataType());
            json.put("required", false);
            json.putArray("visible_to_team_ids");
            json.put("archived", false);
            if (attribute.dataType().equals("list")) {
                ArrayNode options = json.putArray("options");
                for (ListOption option : attribute.options()) {
                    options.addObject()
                            .put("id", option.id())
                            .put("label", option.label())
                            .put("archived", option.archived());
                }
            }
        }
        return node;
    }

    /**
     * {@code PUT /conversations/{id}}: {@code title} and {@code custom_attributes} are kept. Like
     * Intercom, a name that is no conversation attribute, or that several share, and a value the
     * attribute's type does not take are refused (400), and then nothing is set.
     */
    private JsonNode updateConversation(Call call) {
        Conversation conversation = existingConversation(call.param(0));
        JsonNode title = call.body().path("title");
        if (!title.isMissingNode() && !title.isNull() && !title.isString()) {
            throw ApiError.invalid("title", "title must be a string");
        }
        Map<String, Object> values = customAttributeValues(call.body().path("custom_attributes"));

        if (title.isString()) {
            store.titles.put(conversation.id(), title.stringValue());
        } else if (title.isNull()) {
            store.titles.remove(conversation.id());
        }
        Map<String, Object> held =
                store.customAttributes.computeIfAbsent(
                        conversation.id(), k -> new LinkedHashMap<>());
        values.forEach(
                (name, value) -> {
                    if (value == null) {
                        held.remove(name);
                    } else {
                        held.put(name, value);
                    }
                });
        return conversationJson(conversation);
    }

    /** The values to set, by name (null: to clear), once every one was found to fit. */
    private Map<String, Object> customAttributeValues(JsonNode attributes) {
        Map<String, Object> values = new LinkedHashMap<>();
        if (attributes.isMissingNode()) {
            return values;
        }
        if (!attributes.isObject()) {
            throw ApiError.invalid("custom_attributes", "custom_attributes must be an object");
        }
        for (Map.Entry<String, JsonNode> entry : attributes.properties()) {
            String name = entry.getKey();
            List<ConversationAttribute> named =
                    store.conversationAttributes.stream()
                            .filter(a -> a.name().equals(name))
                            .toList();
            if (named.isEmpty()) {
                throw ApiError.invalid(
                        "custom_attributes", "Custom attribute '" + name + "' does not exist");
            }
            if (named.size() > 1) {
                throw new ApiError(
                        400,
                        "INVALID_PARAMETER",
                        "Multiple conversation attributes are named '" + name + "'",
                        "custom_attributes");
            }
            ConversationAttribute attribute = named.get(0);
            JsonNode value = entry.getValue();
            if (!value.isNull() && !fits(attribute, value)) {
                throw ApiError.invalid(
                        "custom_attributes",
                        attribute.dataType().equals("list")
                                ? "Custom attribute '"
                                        + name
                                        + "' must be one of its options: "
                                        + String.join(", ", activeLabels(attribute))
                                : "Custom attribute '"
                                        + name
                                        + "' must be of type "
                                        + attribute.dataType());
            }
            values.put(name, value.isNull() ? null : plainValue(value));
        }
        return values;
    }

    /**
     * Whether the attribute takes this JSON value: a datetime takes unix seconds or an ISO-8601
     * text, a list one of its options' labels.
     */
    private static boolean fits(ConversationAttribute attribute, JsonNode value) {
        return switch (attribute.dataType()) {
            case "string" -> value.isString();
            case "integer" -> value.isIntegralNumber();
            case "decimal" -> value.isNumber();
            case "boolean" -> value.isBoolean();
            case "datetime" ->
                    value.isIntegralNumber()
                            || value.isString() && isIsoDateTime(value.stringValue());
            case "list" -> value.isString() && attribute.offers(value.stringValue());
            default -> value.isString() || value.isNumber();
        };
    }

    private static List<String> activeLabels(ConversationAttribute attribute) {
        return attribute.options().stream()
                .filter(o -> !o.archived())
                .map(ListOption::label)
                .toList();
    }

    private static boolean isIsoDateTime(String text) {
        for (DateTimeFormatter format :
                List.of(DateTimeFormatter.ISO_DATE_TIME, DateTimeFormatter.ISO_DATE)) {
            try {
                format.parse(text);
                return true;
            } catch (DateTimeParseException notThisOne) {
                // try the next format
            }
        }
        return false;
    }

    /** A JSON scalar as the Java value the accessors hand out. */
    private static Object plainValue(JsonNode value) {
        if (value.isString()) {
            return value.stringValue();
        }
        if (value.isIntegralNumber()) {
            return value.longValue();
        }
        if (value.isNumber()) {
            return value.doubleValue();
        }
        if (value.isBoolean()) {
            return value.booleanValue();
        }
        return value;
    }

    private JsonNode reply(Call call) {
        Conversation conversation = existingConversation(call.param(0));
        JsonNode body = call.body();
        String messageType = Objects.requireNonNullElse(text(body, "message_type"), "");
        String type = Objects.requireNonNullElse(text(body, "type"), "");
        // First: a refused file may have stopped the reading of the body before its other fields.
        List<UploadedFile> files = attachmentFiles(body);
        Part part =
                switch (type) {
                    case "user" -> contactReply(body, messageType, call.version(), files);
                    case "admin" -> adminReply(body, messageType, call.version(), files);
                    default -> throw ApiError.invalid("type", "type must be user or admin");
                };
        // A customer writing into a closed conversation reopens it, as in Intercom.
        State state = type.equals("user") ? State.OPEN : conversation.state();
        Conversation updated = conversation.withPart(part, state, nowSeconds());
        store.conversations.put(updated.id(), updated);
        return conversationJson(updated);
    }

    private Part contactReply(
            JsonNode body, String messageType, ApiVersion version, List<UploadedFile> files) {
        if (!messageType.equals("comment")) {
            throw ApiError.invalid(
                    "message_type", "message_type must be comment for a contact reply");
        }
        String contactId = identifier(body, "intercom_user_id");
        if (isBlank(contactId)) {
            throw ApiError.missing("intercom_user_id");
        }
        Contact contact = visibleContact(contactId);
        return new Part(
                store.nextPartId(),
                "comment",
                contact.role(),
                contact.id(),
                requiredBody(body),
                partTime(body, version),
                attachmentUrls(body),
                null,
                false,
                null,
                files);
    }

    private Part adminReply(
            JsonNode body, String messageType, ApiVersion version, List<UploadedFile> files) {
        if (!messageType.equals("comment") && !messageType.equals("note")) {
            throw ApiError.invalid(
                    "message_type", "message_type must be comment or note for an admin reply");
        }
        Admin admin = existingAdmin(body);
        Boolean skipNotifications = optionalBoolean(body, "skip_notifications");
        boolean skipHonoured = version.atLeast(2, 15) && Boolean.TRUE.equals(skipNotifications);
        boolean notifies = messageType.equals("comment") && !skipHonoured;
        Part part =
                new Part(
                        store.nextPartId(),
                        messageType,
                        "admin",
                        admin.id(),
                        requiredBody(body),
                        partTime(body, version),
                        attachmentUrls(body),
                        skipNotifications,
                        notifies,
                        null,
                        files);
        if (notifies) {
            counters.notifications++;
        }
        return part;
    }

    /** {@code POST /conversations/{id}/parts}: a close, an open or an assignment. */
    private JsonNode manageConversation(Call call) {
        Conversation conversation = existingConversation(call.param(0));
        JsonNode body = call.body();
        String messageType = Objects.requireNonNullElse(text(body, "message_type"), "");
        return messageType.equals("assignment")
                ? assign(conversation, body)
                : changeState(conversation, body, messageType);
    }

    private JsonNode changeState(Conversation conversation, JsonNode body, String messageType) {
        State state =
                switch (messageType) {
                    case "close" -> State.CLOSED;
                    case "open" -> State.OPEN;
                    default ->
                            throw ApiError.invalid(
                                    "message_type",
                                    "message_type must be close, open or assignment");
                };
        if (!"admin".equals(text(body, "type"))) {
            throw ApiError.invalid("type", "type must be admin");
        }
        Admin admin = existingAdmin(body);
        Part part =
                new Part(
                        store.nextPartId(),
                        messageType,
                        "admin",
                        admin.id(),
                        text(body, "body"),
                        nowSeconds(),
                        List.of(),
                        null,
                        false,
                        null);
        Conversation updated = conversation.withPart(part, state, nowSeconds());
        store.conversations.put(updated.id(), updated);
        return conversationJson(updated);
    }

    /**
     * An assignment to an admin or a team ({@code assignee_id} "0": to nobody), by the admin {@code
     * admin_id}. It reopens a closed conversation, as the reference's example shows (its part is
     * then an {@code assign_and_reopen}); without a {@code body} it notifies nobody, with one it is
     * also a message to the customer.
     */
    private JsonNode assign(Conversation conversation, JsonNode body) {
        String type = Objects.requireNonNullElse(text(body, "type"), "");
        if (!type.equals("admin") && !type.equals("team")) {
            throw ApiError.invalid("type", "type must be admin or team");
        }
        Admin admin = existingAdmin(body);
        String assigneeId = identifier(body, "assignee_id");
        if (isBlank(assigneeId)) {
            throw ApiError.missing("assignee_id");
        }
        boolean toNobody = assigneeId.equals("0");
        if (!toNobody && type.equals("admin") && !store.admins.containsKey(assigneeId)) {
            throw new ApiError(404, "admin_not_found", "Admin not found", "assignee_id");
        }
        if (!toNobody && type.equals("team") && !store.teams.containsKey(assigneeId)) {
            throw new ApiError(404, "team_not_found", "Team not found", "assignee_id");
        }
        String message = text(body, "body");
        boolean notifies = !isBlank(message);
        boolean reopens = conversation.state() == State.CLOSED;
        Part part =
                new Part(
                        store.nextPartId(),
                        reopens ? "assign_and_reopen" : "assignment",
                        "admin",
                        admin.id(),
                        message,
                        nowSeconds(),
                        List.of(),
                        null,
                        notifies,
                        new Assignee(type, assigneeId));
        if (notifies) {
            counters.notifications++;
        }
        Map<String, String> assignees =
                type.equals("admin") ? store.adminAssignees : store.teamAssignees;
        if (toNobody) {
            assignees.remove(conversation.id());
        } else {
            assignees.put(conversation.id(), assigneeId);
        }
        Conversation updated = conversation.withPart(part, State.OPEN, nowSeconds());
        store.conversations.put(updated.id(), updated);
        return conversationJson(updated);
    }

    private JsonNode listTeams(Call call) {
        ObjectNode node = object("team.list");
        ArrayNode teams = node.putArray("teams");
        for (Team team : store.teams.values()) {
            ObjectNode json = teams.addObject();
            json.put("type", "team");
            json.put("id", team.id());
            json.put("name", team.name());
            json.putArray("admin_ids");
        }
        return node;
    }

    /** {@code POST /companies}: creates the company, or updates the one with its company_id. */
    private JsonNode upsertCompany(Call call) {
        JsonNode body = call.body();
        for (Map.Entry<String, JsonNode> field : body.properties()) {
            if (!COMPANY_FIELDS.contains(field.getKey())) {
                throw new ApiError(
                        400, "bad_request", "bad '" + field.getKey() + "' parameter", null);
            }
        }
        String companyId = text(body, "company_id");
        if (isBlank(companyId)) {
            throw ApiError.missing("company_id");
        }
        JsonNode name = body.path("name");
        if (!name.isMissingNode() && !name.isString()) {
            throw ApiError.invalid("name", "name must be a string");
        }
        Optional<Company> existing =
                store.companies.values().stream()
                        .filter(c -> c.companyId().equals(companyId))
                        .findFirst();
        Company company =
                new Company(
                        existing.map(Company::id).orElseGet(store::nextCompanyId),
                        companyId,
                        name.isString()
                                ? name.stringValue()
                                : existing.map(Company::name).orElse(null));
        store.companies.put(company.id(), company);
        return companyJson(company);
    }

    /** {@code POST /contacts/{id}/companies}: attaching a company twice changes nothing. */
    private JsonNode attachCompany(Call call) {
        String companyId = identifier(call.body(), "id");
        if (isBlank(companyId)) {
            throw new ApiError(400, "parameter_not_found", "company not specified", null);
        }
        String contactId = existingContact(call.param(0)).id();
        Company company = store.companies.get(companyId);
        if (company == null) {
            throw new ApiError(404, "company_not_found", "Company Not Found", null);
        }
        store.companiesByContact
                .computeIfAbsent(contactId, id -> new LinkedHashSet<>())
                .add(company.id());
        return companyJson(company);
    }

    private JsonNode companiesOfContact(Call call) {
        String contactId = existingContact(call.param(0)).id();
        List<Company> companies =
                store.companiesByContact.getOrDefault(contactId, Set.of()).stream()
                        .map(store.companies::get)
                        .toList();
        Page<Company> page = Page.of(companies, null, 50);
        ObjectNode node = object("list");
        ArrayNode data = node.putArray("data");
        page.items().forEach(company -> data.add(companyJson(company)));
        node.set("pages", page.json());
        node.put("total_count", companies.size());
        return node;
    }

    /**
     * {@code DELETE /conversations/{id}?retain_metrics=}: gone for good; {@code retain_metrics}
     * (default true) is recorded for {@link #deletions()}.
     */
    private JsonNode deleteConversation(Call call) {
        Conversation conversation = existingConversation(call.param(0));
        String retain = call.query().getOrDefault("retain_metrics", "true");
        if (!retain.equals("true") && !retain.equals("false")) {
            throw ApiError.invalid("retain_metrics", "retain_metrics must be true or false");
        }
        store.conversations.remove(conversation.id());
        store.conversationStoredAt.remove(conversation.id());
        deletions.add(new Deletion("conversation", conversation.id(), Boolean.valueOf(retain)));
        ObjectNode node = JSON.createObjectNode();
        node.put("id", conversation.id());
        node.put("object", "conversation");
        node.put("deleted", true);
        return node;
    }

    /** {@code DELETE /contacts/{id}}: its companies lose it; its conversations stay. */
    private JsonNode deleteContact(Call call) {
        Contact contact = existingContact(call.param(0));
        store.contacts.remove(contact.id());
        store.companiesByContact.remove(contact.id());
        deletions.add(new Deletion("contact", contact.id(), null));
        ObjectNode node = object("contact");
        node.put("id", contact.id());
        node.put("external_id", contact.externalId());
        node.put("deleted", true);
        return node;
    }

    /**
     * {@code GET /companies?company_id=}: the company with that company_id, as a list of one; 404
     * {@code company_not_found} when there is none. Without it, every company.
     */
    private JsonNode findCompanies(Call call) {
        String companyId = call.query().get("company_id");
        List<Company> found =
                store.companies.values().stream()
                        .filter(c -> companyId == null || c.companyId().equals(companyId))
                        .toList();
        if (companyId != null && found.isEmpty()) {
            throw new ApiError(404, "company_not_found", "Company Not Found", null);
        }
        Page<Company> page = Page.of(found, null, 15);
        ObjectNode node = object("list");
        ArrayNode data = node.putArray("data");
        page.items().forEach(company -> data.add(companyJson(company)));
        node.set("pages", page.json());
        node.put("total_count", found.size());
        return node;
    }

    /** {@code GET /companies/{id}/contacts}: the contacts attached to it. */
    private JsonNode contactsOfCompany(Call call) {
        Company company = existingCompany(call.param(0));
        List<Contact> attached =
                store.companiesByContact.entrySet().stream()
                        .filter(entry -> entry.getValue().contains(company.id()))
                        .map(entry -> store.contacts.get(entry.getKey()))
                        .filter(Objects::nonNull)
                        .toList();
        Page<Contact> page = Page.of(attached, null, 50);
        ObjectNode node = object("list");
        ArrayNode data = node.putArray("data");
        page.items().forEach(contact -> data.add(contactJson(contact)));
        node.put("total_count", attached.size());
        node.set("pages", page.json());
        return node;
    }

    /** {@code DELETE /companies/{id}}: its contacts are detached, not deleted. */
    private JsonNode deleteCompany(Call call) {
        Company company = existingCompany(call.param(0));
        store.companies.remove(company.id());
        store.companiesByContact.values().forEach(companies -> companies.remove(company.id()));
        deletions.add(new Deletion("company", company.id(), null));
        ObjectNode node = JSON.createObjectNode();
        node.put("id", company.id());
        node.put("object", "company");
        node.put("deleted", true);
        return node;
    }

    private Company existingCompany(String id) {
        Company company = store.companies.get(id);
        if (company == null) {
            throw new ApiError(404, "company_not_found", "Company Not Found", null);
        }
        return company;
    }

    private JsonNode createTag(Call call) {
        String name = text(call.body(), "name");
        if (isBlank(name)) {
            throw ApiError.missing("name");
        }
        return tagJson(store.tagsByName.computeIfAbsent(name, n -> new Tag(store.nextTagId(), n)));
    }

    private JsonNode tagConversation(Call call) {
        Conversation conversation = existingConversation(call.param(0));
        String tagId = identifier(call.body(), "id");
        if (isBlank(tagId)) {
            throw ApiError.missing("id");
        }
        existingAdmin(call.body());
        Tag tag =
                store.tagsByName.values().stream()
                        .filter(t -> t.id().equals(tagId))
                        .findFirst()
                        .orElseThrow(
                                () -> new ApiError(404, "tag_not_found", "Tag not found", "id"));
        store.conversations.put(conversation.id(), conversation.withTag(tag.name(), nowSeconds()));
        return tagJson(tag);
    }

    private JsonNode searchConversations(Call call) {
        Predicate<Conversation> query =
                Query.compile(requiredQuery(call.body()), conversationFields());
        List<Conversation> hits =
                store.conversations.values().stream()
                        .filter(c -> searchable(store.conversationStoredAt.get(c.id())))
                        .filter(query)
                        .toList();
        Page<Conversation> page = Page.of(hits, call.body().get("pagination"), 20);
        ObjectNode node = object("conversation.list");
        ArrayNode conversations = node.putArray("conversations");
        page.items().forEach(c -> conversations.add(conversationJson(c)));
        node.put("total_count", hits.size());
        node.set("pages", page.json());
        return node;
    }

    // ------------------------------------------------------------------ endpoint helpers

    private Contact visibleContact(String id) {
        Contact contact = store.contacts.get(id);
        Instant storedAt = store.contactStoredAt.get(id);
        if (contact == null) {
            throw ApiError.notFound("User Not Found");
        }
        if (clock.instant().isBefore(storedAt.plus(contactVisibilityDelay))) {
            counters.fault(Fault.CONTACT_NOT_YET_VISIBLE);
            throw ApiError.notFound("User Not Found");
        }
        return contact;
    }

    private Contact existingContact(String id) {
        Contact contact = store.contacts.get(id);
        if (contact == null) {
            throw ApiError.notFound("User Not Found");
        }
        return contact;
    }

    private Conversation existingConversation(String id) {
        Conversation conversation = store.conversations.get(id);
        if (conversation == null) {
            throw ApiError.notFound("Resource Not Found");
        }
        return conversation;
    }

    private Admin existingAdmin(JsonNode body) {
        String adminId = identifier(body, "admin_id");
        if (isBlank(adminId)) {
            throw ApiError.missing("admin_id");
        }
        Admin admin = store.admins.get(adminId);
        if (admin == null) {
            throw new ApiError(404, "admin_not_found", "Admin not found", "admin_id");
        }
        return admin;
    }

    private boolean searchable(Instant storedAt) {
        return storedAt == Instant.MIN || !storedAt.plus(searchLag).isAfter(clock.instant());
    }

    /** created_at is honoured from API 2.11 on; older versions stamp the server's "now". */
    private Instant partTime(JsonNode body, ApiVersion version) {
        JsonNode createdAt = body.get("created_at");
        if (createdAt == null || createdAt.isNull() || !version.atLeast(2, 11)) {
            return nowSeconds();
        }
        if (!createdAt.isIntegralNumber()) {
            throw ApiError.invalid("created_at", "created_at must be a UNIX timestamp in seconds");
        }
        return Instant.ofEpochSecond(createdAt.longValue());
    }

    private Instant nowSeconds() {
        return clock.instant().truncatedTo(ChronoUnit.SECONDS);
    }

    private static String requiredBody(JsonNode body) {
        String text = text(body, "body");
        if (isBlank(text)) {
            throw ApiError.invalid("body", "body is required and must not be blank");
        }
        return text;
    }

    private static JsonNode requiredQuery(JsonNode body) {
        JsonNode query = body.get("query");
        if (query == null || !query.isObject()) {
            throw ApiError.missing("query");
        }
        return query;
    }

    private static List<String> attachmentUrls(JsonNode body) {
        JsonNode urls = body.get("attachment_urls");
        if (urls == null || urls.isNull()) {
            return List.of();
        }
        if (!urls.isArray()) {
            throw ApiError.invalid("attachment_urls", "attachment_urls must be an array");
        }
        if (urls.size() > MAX_ATTACHMENTS) {
            throw ApiError.invalid(
                    "attachment_urls",
                    "A maximum of " + MAX_ATTACHMENTS + " attachment_urls is allowed");
        }
        List<String> result = new ArrayList<>();
        for (JsonNode url : urls) {
            if (!url.isString() || !isHttpUrl(url.stringValue())) {
                throw ApiError.invalid(
                        "attachment_urls", "Attachment URL must be an http(s) URL: " + url);
            }
            result.add(url.stringValue());
        }
        return result;
    }

    /** A reply's {@code attachment_files}, as {@link #replyText} decoded them. */
    private static List<UploadedFile> attachmentFiles(JsonNode body) {
        JsonNode files = body.get("attachment_files");
        if (files == null || files.isNull()) {
            return List.of();
        }
        if (!files.isArray()) {
            throw ApiError.invalid("attachment_files", "attachment_files must be an array");
        }
        if (files.size() > MAX_ATTACHMENTS) {
            throw ApiError.invalid(
                    "attachment_files",
                    "A maximum of " + MAX_ATTACHMENTS + " attachment_files is allowed");
        }
        List<UploadedFile> result = new ArrayList<>();
        for (JsonNode file : files) {
            if (!file.isObject()) {
                throw ApiError.invalid("attachment_files", "Attachment file must be an object");
            }
            JsonNode data = file.path("data");
            if (data.has("refused")) {
                throw ApiError.invalid("attachment_files", data.path("refused").asString());
            }
            if (isBlank(text(file, "name"))) {
                throw ApiError.missing("attachment_files.name");
            }
            if (!data.has("decoded_size")) {
                throw ApiError.missing("attachment_files.data");
            }
            result.add(
                    new UploadedFile(
                            text(file, "name"),
                            text(file, "content_type"),
                            data.path("decoded_size").asLong(),
                            data.path("decoded_sha256").asString()));
        }
        return result;
    }

    private static boolean isHttpUrl(String url) {
        try {
            URI uri = new URI(url);
            String scheme =
                    Objects.requireNonNullElse(uri.getScheme(), "").toLowerCase(Locale.ROOT);
            return (scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null;
        } catch (URISyntaxException e) {
            return false;
        }
    }

    private static Boolean optionalBoolean(JsonNode body, String field) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isBoolean()) {
            throw ApiError.invalid(field, field + " must be a boolean");
        }
        return value.booleanValue();
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value != null && value.isString() ? value.stringValue() : null;
    }

    /** Intercom accepts ids as strings or numbers (admin_id is often sent as a number). */
    private static String identifier(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value != null && value.isIntegralNumber()) {
            return String.valueOf(value.longValue());
        }
        return text(node, field);
    }

    private static boolean isBlank(String s) {
        return s == null || s.isBlank();
    }

    private static boolean sameExactly(String a, String b) {
        return !isBlank(a) && a.equals(b);
    }

    private static boolean sameIgnoringCase(String a, String b) {
        return !isBlank(a) && !isBlank(b) && a.equalsIgnoreCase(b);
    }

    // ------------------------------------------------------------------ JSON rendering

    private static ObjectNode object(String type) {
        ObjectNode node = JSON.createObjectNode();
        node.put("type", type);
        return node;
    }

    private static ObjectNode adminJson(Admin admin) {
        ObjectNode node = object("admin");
        node.put("id", admin.id());
        node.put("name", admin.name());
        node.put("email", admin.email());
        return node;
    }

    private static ObjectNode contactJson(Contact contact) {
        ObjectNode node = object("contact");
        node.put("id", contact.id());
        node.put("role", contact.role());
        node.put("email", contact.email());
        node.put("external_id", contact.externalId());
        node.put("name", contact.name());
        node.put("created_at", contact.createdAt().getEpochSecond());
        return node;
    }

    private static ObjectNode tagJson(Tag tag) {
        ObjectNode node = object("tag");
        node.put("id", tag.id());
        node.put("name", tag.name());
        return node;
    }

    private ObjectNode conversationJson(Conversation c) {
        ObjectNode node = object("conversation");
        node.put("id", c.id());
        node.put("created_at", c.createdAt().getEpochSecond());
        node.put("updated_at", c.updatedAt().getEpochSecond());
        node.put("state", c.state().json());
        node.put("open", c.isOpen());

        ObjectNode source = node.putObject("source");
        source.put("type", "conversation");
        source.put("id", c.messageId());
        source.put("delivered_as", "customer_initiated");
        source.put("subject", Objects.requireNonNullElse(c.subject(), ""));
        source.put("body", c.body());
        source.set("author", authorJson(c.authorType(), c.contactId()));
        source.set("attachments", attachmentsJson(c.attachments()));

        node.put("title", store.titles.get(c.id()));
        node.put("admin_assignee_id", assigneeNumber(store.adminAssignees.get(c.id())));
        node.put("team_assignee_id", assigneeNumber(store.teamAssignees.get(c.id())));

        ObjectNode customAttributes = node.putObject("custom_attributes");
        store.customAttributes
                .getOrDefault(c.id(), Map.of())
                .forEach((name, value) -> customAttributes.set(name, JSON.valueToTree(value)));

        ObjectNode contacts = node.putObject("contacts");
        contacts.put("type", "contact.list");
        ObjectNode contactRef = contacts.putArray("contacts").addObject();
        contactRef.put("type", "contact");
        contactRef.put("id", c.contactId());
        Contact contact = store.contacts.get(c.contactId());
        contactRef.put("external_id", contact == null ? null : contact.externalId());

        ObjectNode tags = node.putObject("tags");
        tags.put("type", "tag.list");
        ArrayNode tagList = tags.putArray("tags");
        c.tags().forEach(name -> tagList.add(tagJson(store.tagsByName.get(name))));

        ObjectNode parts = node.putObject("conversation_parts");
        parts.put("type", "conversation_part.list");
        ArrayNode partList = parts.putArray("conversation_parts");
        c.parts().stream().limit(MAX_PARTS_IN_MODEL).forEach(part -> partList.add(partJson(part)));
        parts.put("total_count", c.parts().size());
        return node;
    }

    /** Assignee ids are integers in the conversation model, 0 for nobody. */
    private static long assigneeNumber(String id) {
        return id == null ? 0 : Long.parseLong(id);
    }

    private ObjectNode companyJson(Company company) {
        ObjectNode node = object("company");
        node.put("company_id", company.companyId());
        node.put("id", company.id());
        node.put("app_id", appId);
        node.put("name", company.name());
        node.put("monthly_spend", 0);
        node.put("session_count", 0);
        node.put(
                "user_count",
                store.companiesByContact.values().stream()
                        .filter(ids -> ids.contains(company.id()))
                        .count());
        node.putObject("tags").put("type", "tag.list").putArray("tags");
        node.putObject("segments").put("type", "segment.list").putArray("segments");
        node.putObject("plan");
        node.putObject("custom_attributes");
        return node;
    }

    private static ObjectNode partJson(Part part) {
        ObjectNode node = object("conversation_part");
        node.put("id", part.id());
        node.put("part_type", part.partType());
        node.put("body", part.body());
        node.put("created_at", part.createdAt().getEpochSecond());
        node.put("updated_at", part.createdAt().getEpochSecond());
        if (part.assignedTo() == null) {
            node.putNull("assigned_to");
        } else {
            node.putObject("assigned_to")
                    .put("type", part.assignedTo().type())
                    .put("id", part.assignedTo().id());
        }
        node.set("author", authorJson(part.authorType(), part.authorId()));
        ArrayNode attachments = attachmentsJson(part.attachments());
        part.files().forEach(file -> attachments.add(uploadedJson(file)));
        node.set("attachments", attachments);
        return node;
    }

    private static ObjectNode authorJson(String type, String id) {
        ObjectNode author = object(type);
        author.put("id", id);
        return author;
    }

    private static ArrayNode attachmentsJson(List<String> urls) {
        ArrayNode array = JSON.createArrayNode();
        for (String url : urls) {
            ObjectNode attachment = array.addObject();
            attachment.put("type", "upload");
            attachment.put("name", url.substring(url.lastIndexOf('/') + 1));
            attachment.put("url", url);
        }
        return array;
    }

    /**
     * An uploaded file as Intercom lists it; its URL, on a reserved domain, is for show only (the
     * fake keeps no bytes).
     */
    private static ObjectNode uploadedJson(UploadedFile file) {
        ObjectNode attachment = JSON.createObjectNode();
        attachment.put("type", "upload");
        attachment.put("name", file.name());
        attachment.put(
                "url",
                "https://uploads.fake-intercom.invalid/"
                        + file.sha256()
                        + "/"
                        + URLEncoder.encode(file.name(), StandardCharsets.UTF_8)
                                .replace("+", "%20"));
        attachment.put("content_type", file.contentType());
        attachment.put("filesize", file.size());
        return attachment;
    }

    private static ObjectNode errorList(String code, String message, String field) {
        ObjectNode node = object("error.list");
        node.put("request_id", UUID.randomUUID().toString());
        ObjectNode error = node.putArray("errors").addObject();
        error.put("code", code);
        error.put("message", message);
        if (field != null) {
            error.put("field", field);
        }
        return node;
    }

    // ------------------------------------------------------------------ search

    private static final Map<String, Query.Field<Contact>> CONTACT_FIELDS =
            Map.of(
                    "id", Query.Field.string(Contact::id),
                    "email", Query.Field.string(Contact::email),
                    "external_id", Query.Field.string(Contact::externalId),
                    "role", Query.Field.string(Contact::role),
                    "name", Query.Field.string(Contact::name),
                    "created_at", Query.Field.number(c -> c.createdAt().getEpochSecond()));

    private Map<String, Query.Field<Conversation>> conversationFields() {
        Map<String, Query.Field<Conversation>> fields = new HashMap<>();
        fields.put("id", Query.Field.string(Conversation::id));
        fields.put("contact_ids", Query.Field.string(Conversation::contactId));
        fields.put("created_at", Query.Field.number(c -> c.createdAt().getEpochSecond()));
        fields.put("updated_at", Query.Field.number(c -> c.updatedAt().getEpochSecond()));
        fields.put("state", Query.Field.string(c -> c.state().json()));
        fields.put("source.id", Query.Field.string(Conversation::messageId));
        fields.put("source.subject", Query.Field.string(Conversation::subject));
        fields.put("source.body", Query.Field.text(Conversation::body));
        fields.put("source.author.id", Query.Field.string(Conversation::contactId));
        fields.put("source.author.type", Query.Field.string(Conversation::authorType));
        fields.put(
                "admin_assignee_id",
                Query.Field.number(c -> assigneeNumber(store.adminAssignees.get(c.id()))));
        fields.put(
                "team_assignee_id",
                Query.Field.number(c -> assigneeNumber(store.teamAssignees.get(c.id()))));
        for (ConversationAttribute attribute : store.conversationAttributes) {
            fields.put(
                    "custom_attributes." + attribute.name(),
                    new Query.Field<>(
                            Query.Kind.STRING,
                            c -> {
                                Object value =
                                        store.customAttributes
                                                .getOrDefault(c.id(), Map.of())
                                                .get(attribute.name());
                                return value == null ? List.of() : List.of(value.toString());
                            }));
        }
        fields.put(
                "tag_ids",
                new Query.Field<>(
                        Query.Kind.STRING,
                        c ->
                                c.tags().stream()
                                        .map(name -> (Object) store.tagsByName.get(name).id())
                                        .toList()));
        return fields;
    }

    /**
     * Compiles Intercom search queries (single filters and nested AND/OR groups) into predicates.
     */
    private static final class Query {

        enum Kind {
            STRING,
            NUMBER,
            TEXT
        }

        /**
         * A searchable field; TEXT is a string whose "=" matches single words, like Intercom's
         * source.body.
         */
        record Field<T>(Kind kind, Function<T, List<Object>> values) {
            static <T> Field<T> string(Function<T, String> getter) {
                return new Field<>(Kind.STRING, t -> listOf(getter.apply(t)));
            }

            static <T> Field<T> text(Function<T, String> getter) {
                return new Field<>(Kind.TEXT, t -> listOf(getter.apply(t)));
            }

            static <T> Field<T> number(Function<T, Long> getter) {
                return new Field<>(Kind.NUMBER, t -> listOf(getter.apply(t)));
            }

            private static List<Object> listOf(Object value) {
                return value == null ? List.of() : List.of(value);
            }
        }

        static <T> Predicate<T> compile(JsonNode query, Map<String, Field<T>> fields) {
            if (!query.isObject()) {
                throw ApiError.invalid("query", "Each query must be an object");
            }
            String operator = Objects.requireNonNullElse(text(query, "operator"), "");
            if (operator.equals("AND") || operator.equals("OR")) {
                return group(operator, query.get("value"), fields);
            }
            String name = text(query, "field");
            Field<T> field = fields.get(name);
            if (field == null) {
                throw ApiError.invalid("query", "Unsupported search field: " + name);
            }
            Predicate<List<Object>> condition =
                    condition(operator, field.kind(), query.get("value"));
            return t -> condition.test(field.values().apply(t));
        }

        private static <T> Predicate<T> group(
                String operator, JsonNode members, Map<String, Field<T>> fields) {
            if (members == null || !members.isArray() || members.isEmpty()) {
                throw ApiError.invalid("query", operator + " needs a non-empty array of filters");
            }
            List<Predicate<T>> filters = new ArrayList<>();
            members.forEach(member -> filters.add(compile(member, fields)));
            return operator.equals("AND")
                    ? t -> filters.stream().allMatch(f -> f.test(t))
                    : t -> filters.stream().anyMatch(f -> f.test(t));
        }

        private static Predicate<List<Object>> condition(
                String operator, Kind kind, JsonNode value) {
            return switch (operator) {
                case "=" -> equalTo(kind, value);
                case "!=" -> equalTo(kind, value).negate();
                case "IN" -> in(kind, value);
                case "NIN" -> in(kind, value).negate();
                // The 2.16 reference documents ">" and "<" as inclusive ("greater (or equal)
                // than").
                case ">" -> compare(kind, value, (actual, wanted) -> actual >= wanted);
                case "<" -> compare(kind, value, (actual, wanted) -> actual <= wanted);
                case "~" -> strings(kind, value, String::contains);
                case "!~" -> strings(kind, value, String::contains).negate();
                case "^" -> strings(kind, value, String::startsWith);
                case "$" -> strings(kind, value, String::endsWith);
                default -> throw ApiError.invalid("query", "Unsupported operator: " + operator);
            };
        }

        private static Predicate<List<Object>> equalTo(Kind kind, JsonNode value) {
            Object wanted = scalar(kind, value);
            return values -> values.stream().anyMatch(actual -> matchesEqual(kind, actual, wanted));
        }

        private static Predicate<List<Object>> in(Kind kind, JsonNode value) {
            if (value == null || !value.isArray()) {
                throw ApiError.invalid("query", "IN and NIN need an array value");
            }
            List<Object> wanted = new ArrayList<>();
            value.forEach(v -> wanted.add(scalar(kind, v)));
            return values ->
                    values.stream()
                            .anyMatch(
                                    actual ->
                                            wanted.stream()
                                                    .anyMatch(w -> matchesEqual(kind, actual, w)));
        }

        private static boolean matchesEqual(Kind kind, Object actual, Object wanted) {
            return switch (kind) {
                case NUMBER -> actual.equals(wanted);
                case STRING -> normalise(actual).equals(wanted);
                case TEXT -> Arrays.asList(normalise(actual).split("\\s+")).contains(wanted);
            };
        }

        private interface LongComparison {
            boolean test(long actual, long wanted);
        }

        private static Predicate<List<Object>> compare(
                Kind kind, JsonNode value, LongComparison comparison) {
            if (kind != Kind.NUMBER) {
                throw ApiError.invalid("query", "> and < only apply to numbers and dates");
            }
            long wanted = (Long) scalar(kind, value);
            return values ->
                    values.stream().anyMatch(actual -> comparison.test((Long) actual, wanted));
        }

        private interface StringMatch {
            boolean test(String actual, String wanted);
        }

        private static Predicate<List<Object>> strings(
                Kind kind, JsonNode value, StringMatch match) {
            if (kind == Kind.NUMBER) {
                throw ApiError.invalid(
                        "query", "String operators do not apply to numbers and dates");
            }
            String wanted = (String) scalar(kind, value);
            return values ->
                    values.stream().anyMatch(actual -> match.test(normalise(actual), wanted));
        }

        /** Query values must match the field's type; strings compare case-insensitively. */
        private static Object scalar(Kind kind, JsonNode value) {
            if (value == null || value.isNull() || value.isContainer()) {
                throw ApiError.invalid("query", "A scalar value is required");
            }
            if (kind == Kind.NUMBER) {
                if (!value.isIntegralNumber()) {
                    throw ApiError.invalid(
                            "query", "This field needs an integer (UNIX timestamp) value");
                }
                return value.longValue();
            }
            String text = value.isString() ? value.stringValue() : value.asString();
            return text.toLowerCase(Locale.ROOT);
        }

        private static String normalise(Object actual) {
            return actual.toString().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * Cursor pagination in Intercom's shape; the cursor is an opaque encoding of the next offset.
     */
    private record Page<T>(
            List<T> items, int page, int perPage, int totalPages, String nextCursor) {

        static <T> Page<T> of(List<T> all, JsonNode pagination, int defaultPerPage) {
            int perPage = defaultPerPage;
            int offset = 0;
            if (pagination != null && pagination.isObject()) {
                JsonNode size = pagination.get("per_page");
                if (size != null && !size.isNull()) {
                    if (!size.isIntegralNumber()
                            || size.intValue() < 1
                            || size.intValue() > MAX_PER_PAGE) {
                        throw ApiError.invalid(
                                "per_page", "per_page must be between 1 and " + MAX_PER_PAGE);
                    }
                    perPage = size.intValue();
                }
                String cursor = text(pagination, "starting_after");
                if (cursor != null) {
                    offset = decodeCursor(cursor);
                }
            }
            int end = Math.min(all.size(), offset + perPage);
            List<T> items = offset >= all.size() ? List.of() : all.subList(offset, end);
            String next = end < all.size() ? encodeCursor(end) : null;
            int totalPages = (all.size() + perPage - 1) / perPage;
            return new Page<>(List.copyOf(items), offset / perPage + 1, perPage, totalPages, next);
        }

        ObjectNode json() {
            ObjectNode pages = object("pages");
            pages.put("page", page);
            pages.put("per_page", perPage);
            pages.put("total_pages", totalPages);
            if (nextCursor != null) {
                ObjectNode next = pages.putObject("next");
                next.put("per_page", perPage);
                next.put("starting_after", nextCursor);
            }
            return pages;
        }

        private static String encodeCursor(int offset) {
            return Base64.getUrlEncoder()
                    .withoutPadding()
                    .encodeToString(("offset:" + offset).getBytes(StandardCharsets.UTF_8));
        }

        private static int decodeCursor(String cursor) {
            try {
                String decoded =
                        new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
                if (decoded.startsWith("offset:")) {
                    return Integer.parseInt(decoded.substring("offset:".length()));
                }
            } catch (IllegalArgumentException e) {
                // fall through to the error below
            }
            throw ApiError.invalid("starting_after", "Invalid starting_after cursor");
        }
    }

    // ------------------------------------------------------------------ internals

    /** A conversation attribute; {@code options} are a list attribute's, in their order. */
    private record ConversationAttribute(
            long id, String name, String dataType, List<ListOption> options) {
        ConversationAttribute {
            options = List.copyOf(options);
        }

        boolean offers(String label) {
            return options.stream().anyMatch(o -> !o.archived() && o.label().equals(label));
        }

        ConversationAttribute withArchived(String label) {
            return new ConversationAttribute(
                    id,
                    name,
                    dataType,
                    options.stream().map(o -> o.label().equals(label) ? o.archive() : o).toList());
        }
    }

    private record ListOption(String id, String label, boolean archived) {
        ListOption archive() {
            return new ListOption(id, label, true);
        }
    }

    /** The data held by the fake workspace. */
    private static final class Store {
        final Map<String, Admin> admins = new LinkedHashMap<>();
        final Map<String, Contact> contacts = new LinkedHashMap<>();
        final Map<String, Conversation> conversations = new LinkedHashMap<>();
        final Map<String, Tag> tagsByName = new LinkedHashMap<>();
        final List<ConversationAttribute> conversationAttributes = new ArrayList<>();
        final Map<String, Map<String, Object>> customAttributes = new HashMap<>();
        final Map<String, String> titles = new HashMap<>();
        final Map<String, String> adminAssignees = new HashMap<>();
        final Map<String, String> teamAssignees = new HashMap<>();
        final Map<String, Team> teams = new LinkedHashMap<>();
        final Map<String, Company> companies = new LinkedHashMap<>();
        final Map<String, Set<String>> companiesByContact = new HashMap<>();
        // When a record entered the fake (Instant.MIN = seeded, always visible). Search lag and
        // contact
        // visibility are measured from here, not from a back-dated created_at.
        final Map<String, Instant> contactStoredAt = new HashMap<>();
        final Map<String, Instant> conversationStoredAt = new HashMap<>();

        private long adminSeq = 991_200_000L;
        private long contactSeq;
        private long conversationSeq = 1_000L;
        private long messageSeq = 403_918_000L;
        private long partSeq = 5_000L;
        private long tagSeq = 100L;
        private long teamSeq = 5_017_690L;
        private long companySeq;

        String addAdmin(String name, String email) {
            Admin admin = new Admin(String.valueOf(++adminSeq), name, email);
            admins.put(admin.id(), admin);
            return admin.id();
        }

        Contact newContact(
                String role, String email, String externalId, String name, Instant createdAt) {
            Contact contact =
                    new Contact(
                            String.format("6762f0f3%016x", ++contactSeq),
                            role,
                            email,
                            externalId,
                            name,
                            createdAt);
            contacts.put(contact.id(), contact);
            return contact;
        }

        String nextConversationId() {
            return String.valueOf(++conversationSeq);
        }

        String nextMessageId() {
            return String.valueOf(++messageSeq);
        }

        String nextPartId() {
            return String.valueOf(++partSeq);
        }

        String nextTagId() {
            return String.valueOf(++tagSeq);
        }

        String addTeam(String name) {
            Team team = new Team(String.valueOf(++teamSeq), name);
            teams.put(team.id(), team);
            return team.id();
        }

        String nextCompanyId() {
            return String.format("6762f076%016x", ++companySeq);
        }
    }

    private static final class Faults {
        Random random;
        double lostResponse;
        double connectionReset;
        double serverError;
        double tooManyRequests;
        double slowResponse;
        double lateCreate;
        Duration lateCreateDelay = Duration.ZERO;
        int lateCreatesHeld;
        Duration slowResponseDelay = Duration.ZERO;
        final EvenShare serverErrorAfterWrite = new EvenShare();
        final EvenShare answerAfterTimeout = new EvenShare();
        final Map<Write, Duration> answerAfterTimeoutDelay = new EnumMap<>(Write.class);
        boolean down;
        int requestsUntilDown = -1;
        boolean tokenRevoked;
        int requestsUntilRevoked = -1;

        Faults(Random random) {
            this.random = random;
        }

        /**
         * Draws only for enabled faults, so enabling one does not shift the sequence of another.
         */
        boolean roll(double rate) {
            return rate > 0 && random.nextDouble() < rate;
        }
    }

    /**
     * A share of each kind of write, hit evenly: the n-th write is hit when n × rate passes a whole
     * number.
     */
    private static final class EvenShare {
        private final Map<Write, Double> rates = new EnumMap<>(Write.class);
        private final Map<Write, Integer> seen = new EnumMap<>(Write.class);

        void set(Write write, double rate) {
            rates.put(write, rate);
            seen.remove(write);
        }

        boolean falls(Write write) {
            double rate = rates.getOrDefault(write, 0.0);
            if (rate <= 0) {
                return false;
            }
            int n = seen.merge(write, 1, Integer::sum);
            return Math.floor(n * rate) > Math.floor((n - 1) * rate);
        }
    }

    private static final class Counters {
        int requests;
        int notifications;
        int rateLimited;

        /** The fault injected into the request being served. */
        Fault lastFault;

        final Map<String, Integer> byRoute = new HashMap<>();
        final Map<Fault, Integer> faults = new EnumMap<>(Fault.class);

        void request(String routeKey) {
            requests++;
            byRoute.merge(routeKey, 1, Integer::sum);
        }

        void fault(Fault fault) {
            faults.merge(fault, 1, Integer::sum);
            lastFault = fault;
        }
    }

    /** When requests came and when their answers leave, for {@link #peakInFlight()}. */
    private static final class Traffic {
        long firstAt;
        long lastAt;
        int peakInFlight;
        private final PriorityQueue<Long> answersLeaveAt = new PriorityQueue<>();
        final SortedMap<Long, Integer> perWindow = new TreeMap<>();

        void record(long arrivedAt, long answerDelayMillis) {
            if (firstAt == 0) {
                firstAt = arrivedAt;
            }
            lastAt = arrivedAt;
            perWindow.merge(
                    Math.floorDiv(arrivedAt, RATE_LIMIT_WINDOW.toMillis()), 1, Integer::sum);
            while (!answersLeaveAt.isEmpty() && answersLeaveAt.peek() <= arrivedAt) {
                answersLeaveAt.poll();
            }
            answersLeaveAt.add(arrivedAt + answerDelayMillis);
            peakInFlight = Math.max(peakInFlight, answersLeaveAt.size());
        }
    }

    /**
     * Fixed windows aligned to the clock's 10-second boundaries, like Intercom's per-window limit.
     */
    private static final class RateLimiter {
        int limit;
        private long windowStartMillis = Long.MIN_VALUE;
        private int used;

        RateLimiter(int limit) {
            this.limit = limit;
        }

        RateWindow consume(Instant now) {
            long windowMillis = RATE_LIMIT_WINDOW.toMillis();
            long start = Math.floorDiv(now.toEpochMilli(), windowMillis) * windowMillis;
            if (start != windowStartMillis) {
                windowStartMillis = start;
                used = 0;
            }
            used++;
            return new RateWindow(
                    limit, Math.max(0, limit - used), (start + windowMillis) / 1000, used > limit);
        }
    }

    private record RateWindow(int limit, int remaining, long resetEpochSecond, boolean exceeded) {}

    private record ApiVersion(int major, int minor) {
        private static final Pattern FORMAT = Pattern.compile("([12])\\.(0|[1-9][0-9]?)");
        private static final ApiVersion UNSTABLE = new ApiVersion(Integer.MAX_VALUE, 0);

        static Optional<ApiVersion> parse(String text) {
            if (text.equals("Unstable")) {
                return Optional.of(UNSTABLE);
            }
            Matcher m = FORMAT.matcher(text);
            if (!m.matches()) {
                return Optional.empty();
            }
            ApiVersion version =
                    new ApiVersion(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)));
            boolean known =
                    version.major() == 1 && version.minor() <= 4
                            || version.major() == 2 && version.minor() <= 16;
            return known ? Optional.of(version) : Optional.empty();
        }

        boolean atLeast(int major, int minor) {
            return this.major > major || this.major == major && this.minor >= minor;
        }
    }

    private record Call(
            JsonNode body, List<String> params, ApiVersion version, Map<String, String> query) {
        String param(int index) {
            return params.get(index);
        }
    }

    private record Route(
            String method,
            Pattern pattern,
            String key,
            boolean creates,
            Function<Call, JsonNode> handler) {

        /** {@code creates} marks writes whose response can be "lost" after the work was done. */
        static Route of(
                String method, String template, boolean creates, Function<Call, JsonNode> handler) {
            Pattern pattern = Pattern.compile(template.replace("{id}", "([^/]+)"));
            return new Route(method, pattern, method + " " + template, creates, handler);
        }

        Optional<RouteMatch> match(String requestMethod, String path) {
            Matcher m = pattern.matcher(path);
            if (!method.equals(requestMethod) || !m.matches()) {
                return Optional.empty();
            }
            List<String> params = new ArrayList<>();
            for (int i = 1; i <= m.groupCount(); i++) {
                params.add(m.group(i));
            }
            return Optional.of(new RouteMatch(this, params));
        }
    }

    private record RouteMatch(Route route, List<String> params) {}

    private record Reply(int status, JsonNode body) {
        boolean isSuccess() {
            return status / 100 == 2;
        }

        MockResponse toMockResponse(RateWindow window) {
            return new MockResponse()
                    .setResponseCode(status)
                    .setHeader("Content-Type", "application/json; charset=utf-8")
                    .setHeader("X-RateLimit-Limit", window.limit())
                    .setHeader("X-RateLimit-Remaining", window.remaining())
                    .setHeader("X-RateLimit-Reset", window.resetEpochSecond())
                    .setBody(JSON.writeValueAsString(body));
        }
    }

    /** An Intercom error answer, thrown from endpoint code and rendered as an error.list. */
    private static final class ApiError extends RuntimeException {
        final int status;
        final String code;
        final String field;

        ApiError(int status, String code, String message, String field) {
            super(message, null, false, false);
            this.status = status;
            this.code = code;
            this.field = field;
        }

        static ApiError notFound(String message) {
            return new ApiError(404, "not_found", message, null);
        }

        static ApiError invalid(String field, String message) {
            return new ApiError(400, "parameter_invalid", message, field);
        }

        static ApiError missing(String field) {
            return new ApiError(400, "parameter_not_found", field + " is required", field);
        }

        static ApiError rateLimitExceeded() {
            return new ApiError(429, "rate_limit_exceeded", "Rate Limit Exceeded", null);
        }

        Reply reply() {
            return new Reply(status, errorList(code, getMessage(), field));
        }
    }

    // ------------------------------------------------------------------ small utilities

    private static Logger quietLogger(String name) {
        Logger logger = Logger.getLogger(name);
        logger.setLevel(Level.SEVERE);
        return logger;
    }

    private static double requireRate(double rate) {
        if (rate < 0 || rate > 1 || Double.isNaN(rate)) {
            throw new IllegalArgumentException("rate must be within [0, 1]: " + rate);
        }
        return rate;
    }

    private static int requirePositive(int value) {
        if (value < 1) {
            throw new IllegalArgumentException("must be positive: " + value);
        }
        return value;
    }

    private static Duration requireNonNegative(Duration duration) {
        if (duration.isNegative()) {
            throw new IllegalArgumentException("must not be negative: " + duration);
        }
        return duration;
    }

    /**
     * MockWebServer writes a response's head and body separately; with Nagle's algorithm on, the
     * body then waits for the client's delayed ACK (~40 ms per request on Linux). TCP_NODELAY
     * avoids that.
     */
    private static final class NoDelayServerSocketFactory extends ServerSocketFactory {
        @Override
        public ServerSocket createServerSocket() throws IOException {
            return new ServerSocket() {
                @Override
                public Socket accept() throws IOException {
                    Socket socket = super.accept();
                    socket.setTcpNoDelay(true);
                    return socket;
                }
            };
        }

        @Override
        public ServerSocket createServerSocket(int port) throws IOException {
            throw new UnsupportedOperationException("MockWebServer binds unbound sockets");
        }

        @Override
        public ServerSocket createServerSocket(int port, int backlog) throws IOException {
            throw new UnsupportedOperationException("MockWebServer binds unbound sockets");
        }

        @Override
        public ServerSocket createServerSocket(int port, int backlog, InetAddress address)
                throws IOException {
            throw new UnsupportedOperationException("MockWebServer binds unbound sockets");
        }
    }

    /** A settable clock for tests that need to move time (search lag, rate-limit windows). */
    public static final class ManualClock extends Clock {
        private final AtomicReference<Instant> now;

        public ManualClock(Instant start) {
            this.now = new AtomicReference<>(start);
        }

        public void advance(Duration duration) {
            now.updateAndGet(t -> t.plus(duration));
        }

        public void set(Instant instant) {
            now.set(instant);
        }

        @Override
        public Instant instant() {
            return now.get();
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            if (!ZoneOffset.UTC.equals(zone)) {
                throw new UnsupportedOperationException("ManualClock is UTC only");
            }
            return this;
        }
    }
}
