package dev.migrator.intercom;

import dev.migrator.support.OwnerOnly;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import io.github.resilience4j.retry.RetryRegistry;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonGenerator;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.NullNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The Intercom REST API over {@link HttpClient}. Repeatable requests are retried on transient
 * failures with exponential random backoff; a 429 waits for the window to reset without spending
 * the retry budget; a non-repeatable create whose outcome is unknown is never re-sent here but
 * reported, so that the caller can check Intercom first.
 *
 * <p>A request with files is written to an owner-only temporary file first, each file's bytes
 * base64-streamed into it, and sent from there: memory stays bounded whatever the files' size.
 */
public class HttpTransport implements IntercomTransport {

    private static final Logger log = LoggerFactory.getLogger(HttpTransport.class);

    /** Enough 429 waits to sit out several windows of a busy workspace, but not forever. */
    private static final int MAX_RATE_LIMIT_WAITS = 30;

    private final HttpClient client;
    private final IntercomProperties properties;
    private final JsonMapper mapper;
    private final RetryRegistry retryRegistry;
    private final Retry retry;
    private final RateGovernor governor;
    private final InFlightWindow window;
    private final AtomicLong calls = new AtomicLong();
    private final AtomicLong retries = new AtomicLong();
    private final AtomicLong rateLimitWaits = new AtomicLong();

    public HttpTransport(IntercomProperties properties, JsonMapper mapper, Clock clock) {
        this.properties = properties;
        this.mapper = mapper;
        this.client =
                HttpClient.newBuilder()
                        .version(HttpClient.Version.HTTP_1_1)
                        .connectTimeout(properties.timeout())
                        .build();
        this.retryRegistry =
                RetryRegistry.of(
                        RetryConfig.custom()
                                .maxAttempts(properties.retry().maxAttempts())
                                .intervalFunction(
                                        IntervalFunction.ofExponentialRandomBackoff(
                                                properties.retry().initialBackoff(),
                                                2.0,
                                                0.5,
                                                properties.retry().maxBackoff()))
                                .retryExceptions(TransientFailure.class)
                                .build());
        this.retry = retryRegistry.retry("intercom");
        this.window =
                new InFlightWindow(
                        clock,
                        properties
                                .requestsPerMinute()
                                .orElse(IntercomProperties.DEFAULT_REQUESTS_PER_MINUTE));
        this.governor = new RateGovernor(properties.requestsPerMinute(), clock, window);
        retry.getEventPublisher().onRetry(event -> retries.incrementAndGet());
    }

    @Override
    public JsonNode exchange(ApiRequest request) {
        return exchange(request, SendPermit.ALWAYS);
    }

    /**
     * This transport, each call of which leaves only once {@code permit} allows it: a run's
     * requests, which stop the moment the run's lease is lost.
     */
    public IntercomTransport permittedBy(SendPermit permit) {
        return new IntercomTransport() {
            @Override
            public JsonNode exchange(ApiRequest request) {
                return HttpTransport.this.exchange(request, permit);
            }

            @Override
            public long callCount() {
                return HttpTransport.this.callCount();
            }
        };
    }

    private JsonNode exchange(ApiRequest request, SendPermit permit) {
        if (!properties.hasAccessToken()) {
            throw new AccessDeniedException(
                    "no Intercom access token: set the environment variable INTERCOM_ACCESS_TOKEN");
        }
        Path bodyFile = request.files().isEmpty() ? null : writeBodyWithFiles(request);
        try {
            return retry.executeSupplier(() -> sendUntilNotRateLimited(request, bodyFile, permit));
        } catch (TransientFailure e) {
            throw new IntercomUnavailableException(
                    "Intercom did not answer "
                            + request.method()
                            + " "
                            + request.path()
                            + " after "
                            + properties.retry().maxAttempts()
                            + " attempts: "
                            + e.getMessage(),
                    e);
        } finally {
            if (bodyFile != null) {
                deleteQuietly(bodyFile);
            }
        }
    }

    /**
     * The JSON of the request's body plus its {@code attachment_files}, in an owner-only temporary
     * file: each file's bytes are read and base64-encoded a buffer at a time, never whole.
     */
    private Path writeBodyWithFiles(ApiRequest request) {
        if (!(request.body() instanceof ObjectNode body)) {
            throw new IllegalArgumentException(
                    "files go with a JSON object body: " + request.method() + " " + request.path());
        }
        Path bodyFile;
        try {
            bodyFile = OwnerOnly.file(Files.createTempFile("intercom-request-", ".json"));
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "cannot create a temporary file for the files of " + request.path(), e);
        }
        AttachmentFile current = null;
        try (OutputStream out = Files.newOutputStream(bodyFile);
                JsonGenerator generator = mapper.createGenerator(out)) {
            generator.writeStartObject();
            for (var property : body.properties()) {
                generator.writeName(property.getKey());
                generator.writeTree(property.getValue());
            }
            generator.writeName("attachment_files");
            generator.writeStartArray();
            for (AttachmentFile file : request.files()) {
                current = file;
                generator.writeStartObject();
                generator.writeStringProperty("name", file.name());
                if (file.contentType() != null) {
                    generator.writeStringProperty("content_type", file.contentType());
                }
                generator.writeName("data");
                try (InputStream in = Files.newInputStream(file.path())) {
                    generator.writeBinary(in, -1);
                }
                generator.writeEndObject();
            }
            generator.writeEndArray();
            generator.writeEndObject();
            return bodyFile;
        } catch (IOException | JacksonException e) {
            deleteQuietly(bodyFile);
            String what = current == null ? "the body" : "the file " + current.path();
            throw new UncheckedIOException(
                    "cannot prepare "
                            + what
                            + " for "
                            + request.method()
                            + " "
                            + request.path()
                            + ": "
                            + e.getMessage(),
                    e instanceof IOException io ? io : new IOException(e));
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            log.warn("Could not delete the temporary file {}: {}", file, e.getMessage());
        }
    }

    @Override
    public long callCount() {
        return calls.get();
    }

    /** How many conversations a run may have in flight, as Intercom's answers tell. */
    public InFlightWindow inFlightWindow() {
        return window;
    }

    /** Where the metrics endpoint finds the retry's figures. */
    public RetryRegistry retryRegistry() {
        return retryRegistry;
    }

    /** Calls sent again after a transient failure, since start: for the progress display. */
    public long retryCount() {
        return retries.get();
    }

    /** 429s answered, each followed by a wait for the window to reset: for the progress display. */
    public long rateLimitWaitCount() {
        return rateLimitWaits.get();
    }

    private JsonNode sendUntilNotRateLimited(ApiRequest request, Path bodyFile, SendPermit permit) {
        for (int waits = 0; ; waits++) {
            HttpResponse<String> response = send(request, bodyFile, permit);
            int status = response.statusCode();
            if (status == 429) {
                // The governor now holds every call until the window resets; this one is sent again
                // after it.
                if (waits >= MAX_RATE_LIMIT_WAITS) {
                    throw new TransientFailure("still rate limited after " + waits + " waits");
                }
                rateLimitWaits.incrementAndGet();
                log.info("Rate limited by Intercom; waiting for the window to reset");
                continue;
            }
            if (status >= 500) {
                if (!request.repeatable()) {
                    throw new OutcomeUnknownException(request, "Intercom answered " + status);
                }
                throw new TransientFailure("Intercom answered " + status);
            }
            if (status == 401 || status == 403) {
                throw new AccessDeniedException(
                        "Intercom refused the access token ("
                                + status
                                + " "
                                + errorOf(response)
                                + "); check INTERCOM_ACCESS_TOKEN and its permissions");
            }
            if (status >= 400) {
                JsonNode error = firstError(response.body());
                throw new ApiErrorException(
                        status,
                        error.path("code").asString(null),
                        error.path("message").asString(null));
            }
            return parse(request, response.body());
        }
    }

    private HttpResponse<String> send(ApiRequest request, Path bodyFile, SendPermit permit) {
        HttpRequest httpRequest;
        try {
            httpRequest = newRequest(request, bodyFile);
        } catch (IllegalArgumentException e) {
            // The JDK's message would quote the header, token included.
            throw new AccessDeniedException(
                    "the Intercom access token holds characters an HTTP header cannot");
        }
        HttpResponse<String> response = null;
        boolean admitted = false;
        try {
            governor.acquire();
            admitted = true;
            permit.check(); // last, after any wait: the latest moment before the call leaves
            calls.incrementAndGet();
            long sentAt = System.nanoTime(); // the answer time, not a time of day: not the clock's
            response = client.send(httpRequest, HttpResponse.BodyHandlers.ofString());
            window.answered(response.statusCode(), Duration.ofNanos(System.nanoTime() - sentAt));
            return response;
        } catch (ConnectException e) {
            window.failed();
            // Refused before anything was sent: always safe to try again.
            throw new TransientFailure(
                    "cannot connect to "
                            + properties.baseUrl()
                            + " ("
                            + e.getClass().getSimpleName()
                            + ")");
        } catch (IOException e) {
            window.failed();
            if (!request.repeatable()) {
                throw new OutcomeUnknownException(request, "no response (" + describe(e) + ")");
            }
            throw new TransientFailure("no response (" + describe(e) + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IntercomUnavailableException("interrupted while calling Intercom");
        } finally {
            if (admitted) {
                governor.release(
                        response == null ? null : response.headers(),
                        response == null ? 0 : response.statusCode());
            }
        }
    }

    /** {@code bodyFile}: the body with its files, when the request has files. */
    private HttpRequest newRequest(ApiRequest request, Path bodyFile) {
        HttpRequest.Builder builder =
                HttpRequest.newBuilder(
                                URI.create(
                                        properties.baseUrl().toString().replaceAll("/+$", "")
                                                + request.path()))
                        .timeout(timeoutFor(bodyFile))
                        .header("Authorization", "Bearer " + properties.accessToken())
                        .header("Accept", "application/json")
                        .header("Intercom-Version", properties.version());
        if (bodyFile != null) {
            try {
                builder.header("Content-Type", "application/json")
                        .method(request.method(), HttpRequest.BodyPublishers.ofFile(bodyFile));
            } catch (FileNotFoundException e) {
                throw new UncheckedIOException("the request's body file is gone: " + bodyFile, e);
            }
        } else if (request.body() != null) {
            builder.header("Content-Type", "application/json")
                    .method(
                            request.method(),
                            HttpRequest.BodyPublishers.ofString(
                                    mapper.writeValueAsString(request.body())));
        } else {
            builder.method(request.method(), HttpRequest.BodyPublishers.noBody());
        }
        return builder.build();
    }

    /**
     * The configured timeout, and for a body with files one second more per MiB as well: it runs
     * while the body is sent, and an upload cut short by it would leave the reply in doubt.
     */
    private Duration timeoutFor(Path bodyFile) {
        if (bodyFile == null) {
            return properties.timeout();
        }
        try {
            return properties.timeout().plusSeconds(Files.size(bodyFile) >> 20);
        } catch (IOException e) {
            throw new UncheckedIOException("the request's body file is gone: " + bodyFile, e);
        }
    }

    private JsonNode parse(ApiRequest request, String body) {
        if (body == null || body.isBlank()) {
            return NullNode.getInstance();
        }
        try {
            return mapper.readTree(body);
        } catch (JacksonException e) {
            if (!request.repeatable()) {
                throw new OutcomeUnknownException(
                        request, "a success answer with an unreadable body");
            }
            throw new TransientFailure("unreadable response body");
        }
    }

    private JsonNode firstError(String body) {
        try {
            return mapper.readTree(body).path("errors").path(0);
        } catch (JacksonException e) {
            return NullNode.getInstance();
        }
    }

    private String errorOf(HttpResponse<String> response) {
        JsonNode error = firstError(response.body());
        return error.path("code").asString("") + " " + error.path("message").asString("");
    }

    private static String describe(IOException e) {
        return e.getMessage() == null
                ? e.getClass().getSimpleName()
                : e.getClass().getSimpleName() + ": " + e.getMessage();
    }

    /** A failure that a later attempt of the same request may not meet. */
    static final class TransientFailure extends RuntimeException {
        TransientFailure(String message) {
            super(message, null, false, false);
        }
    }
}
