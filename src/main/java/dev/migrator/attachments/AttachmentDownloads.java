package dev.migrator.attachments;

import dev.migrator.intercom.AttachmentFile;
import dev.migrator.intercom.IntercomProperties.RetryProperties;
import dev.migrator.intercom.IntercomUnavailableException;
import dev.migrator.mapping.PlannedAttachment;
import dev.migrator.support.OwnerOnly;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.springframework.util.unit.DataSize;

/**
 * Downloads attachments from their source over the JDK's {@link HttpClient}, each streamed to an
 * owner-only temporary file (bounded memory whatever its size) and abandoned past its size limit
 * (by its {@code Content-Length} first, then by counting). Connection failures, broken bodies and
 * 5xx answers are retried with exponential random backoff (Resilience4j, as {@code intercom.retry}
 * says); a 429 holds every download from that host for its {@code Retry-After}, without spending
 * the retry budget; 401, 403, 404, 410 and any other answer are final. Redirects are followed here,
 * not by the client, so that headers (a source's credentials) never go to another origin than the
 * URL's.
 */
public class AttachmentDownloads {

    /** Enough 429 waits to sit out a busy source's windows, but not forever. */
    private static final int MAX_RATE_LIMIT_WAITS = 30;

    private static final int MAX_REDIRECTS = 5;

    private static final String DEFAULT_CONTENT_TYPE = "application/octet-stream";

    /** Pauses until a host's {@code Retry-After}; tests pass one that moves their clock. */
    @FunctionalInterface
    public interface Sleeper {
        void sleep(long millis) throws InterruptedException;

        Sleeper THREAD = Thread::sleep;
    }

    /** The most bytes a download may take, and the setting that says so, for its reason. */
    public record SizeLimit(long bytes, String setting) {}

    /** What came of one download. */
    public sealed interface Download {
        record Downloaded(AttachmentFile file) implements Download {}

        /**
         * Why the file could not be downloaded (said to the user: no credentials in it), and the
         * source's final answer, or 0 when that is not why.
         */
        record Failed(String reason, int status) implements Download {
            Failed(String reason) {
                this(reason, 0);
            }
        }
    }

    /** One daemon thread watches every download in progress for a body that stalls. */
    private static final ScheduledExecutorService STALL_WATCH =
            Executors.newSingleThreadScheduledExecutor(
                    task -> {
                        Thread thread = new Thread(task, "attachment-stall-watch");
                        thread.setDaemon(true);
                        return thread;
                    });

    private final HttpClient client;
    private final Path directory;
    private final Duration timeout;
    private final Retry retry;
    private final Retry checkRetry;
    private final Set<String> silentHosts = ConcurrentHashMap.newKeySet();
    private final Clock clock;
    private final Sleeper sleeper;
    private final Consumer<Duration> timeSpent;
    private final Map<String, Long> heldUntil = new ConcurrentHashMap<>();

    /**
     * @param directory where the temporary files go (made owner-only on first use)
     * @param timeout to connect, to wait for each answer's headers, and the longest a body may send
     *     nothing
     * @param timeSpent told how long each check and each download took: time a conversation spends
     *     between its calls to Intercom
     */
    public AttachmentDownloads(
            Path directory,
            Duration timeout,
            RetryProperties retries,
            Clock clock,
            Sleeper sleeper,
            Consumer<Duration> timeSpent) {
        this.directory = directory;
        this.timeSpent = timeSpent;
        this.timeout = timeout;
        this.clock = clock;
        this.sleeper = sleeper;
        this.client =
                HttpClient.newBuilder()
                        .connectTimeout(timeout)
                        .followRedirects(HttpClient.Redirect.NEVER)
                        .build();
        RetryConfig downloads =
                RetryConfig.custom()
                        .maxAttempts(retries.maxAttempts())
                        .intervalFunction(
                                IntervalFunction.ofExponentialRandomBackoff(
                                        retries.initialBackoff(), 2.0, 0.5, retries.maxBackoff()))
                        .retryExceptions(TransientFailure.class)
                        .build();
        this.retry = Retry.of("attachments", downloads);
        this.checkRetry =
                Retry.of(
                        "attachment-checks",
                        RetryConfig.from(downloads).ignoreExceptions(NoAnswer.class).build());
    }

    /**
     * Deletes what a process that died left in the downloads directory: files of parts it never
     * finished sending, never read again (each attempt downloads afresh). Called before a step
     * sends anything.
     */
    public void deleteLeftovers() {
        if (!Files.isDirectory(directory)) {
            return;
        }
        try (var leftovers = Files.list(directory)) {
            leftovers.forEach(AttachmentDownloads::delete);
        } catch (IOException e) {
            // left where they are; nothing depends on them
        }
    }

    /**
     * Downloads {@code attachment} with {@code headers} into a temporary file, which the caller
     * deletes once sent. Its content type is the export's, else the answer's.
     */
    public Download download(
            PlannedAttachment attachment, Map<String, String> headers, SizeLimit limit) {
        URI url = URI.create(attachment.url());
        long started = System.nanoTime();
        try {
            return retry.executeSupplier(() -> attempt(attachment, url, headers, limit));
        } catch (TransientFailure e) {
            return new Download.Failed(e.getMessage());
        } finally {
            timeSpent.accept(Duration.ofNanos(System.nanoTime() - started));
        }
    }

    /**
     * What {@code url} answers without credentials (HEAD, or GET where HEAD is not allowed), its
     * body left unread; empty when it does not answer at all. A host that did not answer once is
     * not asked again in this run, nor retried: each check of a host that is gone or unreachable
     * from here would otherwise cost the retries' backoff, or a connect timeout.
     */
    public OptionalInt check(URI url) {
        String host = host(url) + ":" + url.getPort();
        if (silentHosts.contains(host)) {
            return OptionalInt.empty();
        }
        long started = System.nanoTime();
        try {
            return OptionalInt.of(
                    checkRetry.executeSupplier(
                            () -> {
                                int status = statusOf(url, "HEAD");
                                return status == 405 || status == 501
                                        ? statusOf(url, "GET")
                                        : status;
                            }));
        } catch (NoAnswer e) {
            silentHosts.add(host);
            return OptionalInt.empty();
        } catch (TransientFailure e) {
            return OptionalInt.empty();
        } finally {
            timeSpent.accept(Duration.ofNanos(System.nanoTime() - started));
        }
    }

    private int statusOf(URI url, String method) {
        HttpResponse<InputStream> response = send(url, method, Map.of());
        try (InputStream unread = response.body()) {
            return response.statusCode();
        } catch (IOException e) {
            return response.statusCode(); // closing a body not read is all it asked
        }
    }

    private Download attempt(
            PlannedAttachment attachment, URI url, Map<String, String> headers, SizeLimit limit) {
        HttpResponse<InputStream> response = send(url, "GET", headers);
        Path file = null;
        try (InputStream body = response.body()) {
            int status = response.statusCode();
            if (status / 100 != 2) {
                return new Download.Failed("the source answered HTTP " + status, status);
            }
            OptionalLong length = response.headers().firstValueAsLong("Content-Length");
            if (length.isPresent() && length.getAsLong() > limit.bytes()) {
                return tooLarge(length.getAsLong(), limit);
            }
            file =
                    OwnerOnly.file(
                            OwnerOnly.directory(directory)
                                    .resolve(UUID.randomUUID() + ".download"));
            long size = copy(body, file, limit.bytes());
            if (size > limit.bytes()) {
                delete(file);
                return tooLarge(size, limit); // counted: its length was not given, or was wrong
            }
            return new Download.Downloaded(
                    new AttachmentFile(
                            attachment.name(),
                            Objects.requireNonNullElse(
                                    attachment.contentType(), contentType(response)),
                            file,
                            size));
        } catch (IOException e) {
            delete(file);
            throw new TransientFailure("the download broke off (" + describe(e) + ")");
        }
    }

    private static Download tooLarge(long bytes, SizeLimit limit) {
        return new Download.Failed(
                (bytes == limit.bytes() + 1 ? "more" : text(bytes) + ", more")
                        + " than "
                        + limit.setting());
    }

    /**
     * Copies at most {@code limit} + 1 bytes: returns the size, or {@code limit} + 1 when the body
     * is larger (it is then abandoned). A body that sends nothing for a whole timeout is closed: a
     * read on it has no timeout of its own and would hold its worker for good.
     */
    private long copy(InputStream body, Path file, long limit) throws IOException {
        byte[] buffer = new byte[64 * 1024];
        AtomicLong total = new AtomicLong();
        AtomicBoolean stalled = new AtomicBoolean();
        long[] seen = {-1};
        ScheduledFuture<?> watch =
                STALL_WATCH.scheduleWithFixedDelay(
                        () -> {
                            if (total.get() == seen[0] && stalled.compareAndSet(false, true)) {
                                closeStalled(body);
                            }
                            seen[0] = total.get();
                        },
                        timeout.toMillis(),
                        timeout.toMillis(),
                        TimeUnit.MILLISECONDS);
        try (OutputStream out = Files.newOutputStream(file)) {
            for (int read; (read = body.read(buffer)) >= 0; ) {
                if (total.addAndGet(read) > limit) {
                    return limit + 1;
                }
                out.write(buffer, 0, read);
            }
        } catch (IOException e) {
            if (stalled.get()) {
                throw new IOException("no data for " + timeout.toMillis() + " ms", e);
            }
            throw e;
        } finally {
            watch.cancel(false);
        }
        return total.get();
    }

    private static void closeStalled(InputStream body) {
        try {
            body.close(); // wakes the read blocked on it
        } catch (IOException e) {
            // closed is all that was asked
        }
    }

    private static String contentType(HttpResponse<?> response) {
        return response.headers()
                .firstValue("Content-Type")
                .map(type -> type.split(";", 2)[0].strip())
                .filter(type -> !type.isEmpty())
                .orElse(DEFAULT_CONTENT_TYPE);
    }

    /**
     * Sends one request, following redirects (headers to the URL's own origin only) and waiting out
     * 429s; a failure worth retrying throws {@link TransientFailure}.
     */
    private HttpResponse<InputStream> send(URI url, String method, Map<String, String> headers) {
        URI current = url;
        for (int redirects = 0, waits = 0; ; ) {
            HttpRequest.Builder request =
                    HttpRequest.newBuilder(current)
                            .timeout(timeout)
                            .method(method, HttpRequest.BodyPublishers.noBody());
            if (sameOrigin(current, url)) {
                headers.forEach(request::header);
            }
            String host = host(current);
            awaitHost(host);
            HttpResponse<InputStream> response;
            try {
                response = client.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
            } catch (IOException e) {
                throw new NoAnswer("no answer from " + host + " (" + describe(e) + ")");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IntercomUnavailableException("interrupted");
            }
            int status = response.statusCode();
            if (status == 429 && waits < MAX_RATE_LIMIT_WAITS) {
                OptionalLong pause = retryAfterMillis(response);
                close(response);
                if (pause.isEmpty()) {
                    throw new TransientFailure(host + " answered HTTP 429");
                }
                holdHost(host, pause.getAsLong());
                waits++;
                continue;
            }
            if (status >= 500 || status == 408 || status == 429) {
                close(response);
                throw new TransientFailure("the source answered HTTP " + status);
            }
            var location = response.headers().firstValue("Location");
            if (status / 100 == 3 && location.isPresent() && redirects < MAX_REDIRECTS) {
                close(response);
                current = current.resolve(location.get());
                redirects++;
                continue;
            }
            return response;
        }
    }

    private void holdHost(String host, long millis) {
        long until = clock.millis() + millis;
        heldUntil.merge(host, until, Math::max);
    }

    /** Waits until every 429 of the host has run its course. */
    private void awaitHost(String host) {
        for (long wait; (wait = heldUntil.getOrDefault(host, 0L) - clock.millis()) > 0; ) {
            try {
                sleeper.sleep(wait);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IntercomUnavailableException("interrupted");
            }
        }
    }

    /** {@code Retry-After} in seconds or as an HTTP date; empty when absent or unreadable. */
    private OptionalLong retryAfterMillis(HttpResponse<?> response) {
        var value = response.headers().firstValue("Retry-After").map(String::strip);
        if (value.isEmpty()) {
            return OptionalLong.empty();
        }
        try {
            return OptionalLong.of(Math.max(0, Long.parseLong(value.get())) * 1000);
        } catch (NumberFormatException notSeconds) {
            try {
                long at =
                        ZonedDateTime.parse(value.get(), DateTimeFormatter.RFC_1123_DATE_TIME)
                                .toInstant()
                                .toEpochMilli();
                return OptionalLong.of(Math.max(0, at - clock.millis()));
            } catch (DateTimeParseException unreadable) {
                return OptionalLong.empty();
            }
        }
    }

    private static boolean sameOrigin(URI a, URI b) {
        return String.valueOf(a.getScheme()).equalsIgnoreCase(String.valueOf(b.getScheme()))
                && host(a).equals(host(b))
                && port(a) == port(b);
    }

    private static int port(URI uri) {
        return uri.getPort() != -1
                ? uri.getPort()
                : "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
    }

    private static String host(URI uri) {
        return uri.getHost() == null ? "" : uri.getHost().toLowerCase(Locale.ROOT);
    }

    private static void close(HttpResponse<InputStream> response) {
        try {
            response.body().close();
        } catch (IOException e) {
            // nothing read from it: nothing lost
        }
    }

    private static void delete(Path file) {
        if (file != null) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                // the run's directory keeps it; nothing depends on it
            }
        }
    }

    private static String describe(IOException e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    /** For a reason: 104857600 as "100MB". */
    static String text(long bytes) {
        DataSize size = DataSize.ofBytes(bytes);
        return size.toMegabytes() > 0 && bytes % DataSize.ofMegabytes(1).toBytes() == 0
                ? size.toMegabytes() + "MB"
                : bytes + " bytes";
    }

    /** A failure worth another attempt: no answer, a broken body, a 5xx. */
    static class TransientFailure extends RuntimeException {
        TransientFailure(String message) {
            super(message, null, false, false);
        }
    }

    /** The source did not answer at all (unknown host, refused, timed out). */
    static final class NoAnswer extends TransientFailure {
        NoAnswer(String message) {
            super(message);
        }
    }
}
