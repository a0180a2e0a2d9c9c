package dev.migrator.testserver;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A helpdesk's attachment host for tests: files served over HTTP on 127.0.0.1 and a random port,
 * each behind its own {@link Access} (public, a token, a login, an expired signature, gone).
 * Answers GET (whole, or one {@code Range: bytes=a-b}) and HEAD with Content-Type and
 * Content-Length.
 *
 * <p>{@link #addGenerated} files are deterministic pseudo-random bytes produced as they are sent,
 * never held in memory, so a test can serve hundreds of megabytes.
 */
public final class SourceFiles implements AutoCloseable {

    /** Produced a chunk at a time, each from its own seed, so that a range starts anywhere. */
    private static final int CHUNK = 64 * 1024;

    private static final Pattern RANGE = Pattern.compile("bytes=(\\d+)-(\\d*)");

    /** Who may download a file, and what the others get. */
    public sealed interface Access {
        /** Anyone. */
        Access PUBLIC = new Public();

        /** Nobody: 403 with the XML body S3 answers to a presigned URL past its expiry. */
        Access EXPIRED = new Expired();

        /** Nobody: 404, as after the helpdesk account was closed. */
        Access GONE = new Gone();

        /** Whoever sends {@code Authorization: Bearer <token>}; 401 without it. */
        static Access bearer(String token) {
            return new Bearer(token);
        }

        /** Whoever logs in with HTTP basic authentication; 401 without it. */
        static Access basic(String user, String password) {
            return new Basic(user, password);
        }

        record Public() implements Access {}

        record Bearer(String token) implements Access {}

        record Basic(String user, String password) implements Access {}

        record Expired() implements Access {}

        record Gone() implements Access {}
    }

    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool();
    private final Map<String, Served> files = new ConcurrentHashMap<>();
    private final AtomicInteger added = new AtomicInteger();

    private SourceFiles() {
        try {
            server =
                    HttpServer.create(
                            new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/", this::handle);
        server.setExecutor(executor);
        server.start();
    }

    public static SourceFiles start() {
        return new SourceFiles();
    }

    /** Serves {@code bytes}; the file's URL, whose path ends in {@code name}. */
    public String add(String name, byte[] bytes, String contentType, Access access) {
        return add(name, new Content.Bytes(bytes.clone()), contentType, access);
    }

    /**
     * Serves {@code size} deterministic pseudo-random bytes (the same for the same name and size),
     * generated as they are sent; the file's URL, whose path ends in {@code name}.
     */
    public String addGenerated(String name, long size, String contentType, Access access) {
        return add(name, new Content.Generated(name.hashCode(), size), contentType, access);
    }

    /** The file's SHA-256, hex: for a generated file, computed by generating it once. */
    public String sha256(String url) {
        return served(url).content.sha256();
    }

    public long size(String url) {
        return served(url).content.size();
    }

    /**
     * GETs answered with the file's bytes (200 or 206), whether the client read them all or not.
     */
    public int downloads(String url) {
        return served(url).downloads.get();
    }

    /** Requests for this file, whatever their method and answer. */
    public int requests(String url) {
        return served(url).requests.get();
    }

    /** The next request for this file is answered 429 with {@code Retry-After}, once. */
    public void rateLimitOnce(String url, int retryAfterSeconds) {
        served(url).rateLimitOnceSeconds.set(retryAfterSeconds);
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    private String add(String name, Content content, String contentType, Access access) {
        String path =
                "/files/"
                        + added.incrementAndGet()
                        + "/"
                        + URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20");
        files.put(path, new Served(content, contentType, Objects.requireNonNull(access)));
        InetSocketAddress address = server.getAddress();
        return "http://" + address.getHostString() + ":" + address.getPort() + path;
    }

    private Served served(String url) {
        Served served = files.get(URI.create(url).getRawPath());
        if (served == null) {
            throw new IllegalArgumentException("not a file of this server: " + url);
        }
        return served;
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            Served file = files.get(exchange.getRequestURI().getRawPath());
            if (file == null) {
                refuse(exchange, 404);
                return;
            }
            file.requests.incrementAndGet();
            boolean head = exchange.getRequestMethod().equals("HEAD");
            if (!head && !exchange.getRequestMethod().equals("GET")) {
                exchange.getResponseHeaders().set("Allow", "GET, HEAD");
                refuse(exchange, 405);
                return;
            }
            if (file.access instanceof Access.Gone) {
                refuse(exchange, 404);
                return;
            }
            int retryAfter = file.rateLimitOnceSeconds.getAndSet(-1);
            if (retryAfter >= 0) {
                exchange.getResponseHeaders().set("Retry-After", Integer.toString(retryAfter));
                refuse(exchange, 429);
                return;
            }
            if (file.access instanceof Access.Expired) {
                exchange.getResponseHeaders().set("Content-Type", "application/xml");
                send(exchange, 403, EXPIRED_BODY);
                return;
            }
            String challenge =
                    challenge(file.access, exchange.getRequestHeaders().getFirst("Authorization"));
            if (challenge != null) {
                exchange.getResponseHeaders().set("WWW-Authenticate", challenge);
                refuse(exchange, 401);
                return;
            }
            serve(exchange, file, head);
        }
    }

    /** The challenge to answer when {@code authorization} does not satisfy {@code access}. */
    private static String challenge(Access access, String authorization) {
        if (access instanceof Access.Bearer bearer) {
            return ("Bearer " + bearer.token()).equals(authorization) ? null : "Bearer";
        }
        if (access instanceof Access.Basic basic) {
            String login = basic.user() + ":" + basic.password();
            String expected =
                    "Basic "
                            + Base64.getEncoder()
                                    .encodeToString(login.getBytes(StandardCharsets.UTF_8));
            return expected.equals(authorization) ? null : "Basic realm=\"attachments\"";
        }
        return null;
    }

    private static void serve(HttpExchange exchange, Served file, boolean head) throws IOException {
        long size = file.content.size();
        long from = 0;
        long to = size - 1;
        int status = 200;
        String range = exchange.getRequestHeaders().getFirst("Range");
        if (range != null) {
            Matcher matcher = RANGE.matcher(range.trim());
            if (!matcher.matches() || Long.parseLong(matcher.group(1)) >= size) {
                exchange.getResponseHeaders().set("Content-Range", "bytes */" + size);
                refuse(exchange, 416);
                return;
            }
            from = Long.parseLong(matcher.group(1));
            if (!matcher.group(2).isEmpty()) {
                to = Math.min(to, Long.parseLong(matcher.group(2)));
            }
            status = 206;
            exchange.getResponseHeaders()
                    .set("Content-Range", "bytes " + from + "-" + to + "/" + size);
        }
        long length = to - from + 1;
        exchange.getResponseHeaders().set("Accept-Ranges", "bytes");
        if (file.contentType != null) {
            exchange.getResponseHeaders().set("Content-Type", file.contentType);
        }
        if (head) {
            exchange.getResponseHeaders().set("Content-Length", Long.toString(length));
            exchange.sendResponseHeaders(status, -1);
            return;
        }
        file.downloads.incrementAndGet();
        // A body of 0 bytes is announced as -1: the JDK server reads 0 as "chunked".
        exchange.sendResponseHeaders(status, length == 0 ? -1 : length);
        try (OutputStream out = exchange.getResponseBody()) {
            file.content.writeTo(out, from, length);
        } catch (IOException clientHungUp) {
            // a partial download: counted all the same
        }
    }

    private static void refuse(HttpExchange exchange, int status) throws IOException {
        exchange.sendResponseHeaders(status, -1);
    }

    private static void send(HttpExchange exchange, int status, byte[] body) throws IOException {
        if (exchange.getRequestMethod().equals("HEAD")) {
            exchange.sendResponseHeaders(status, -1);
            return;
        }
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    private static final byte[] EXPIRED_BODY =
            ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                 + "<Error><Code>AccessDenied</Code><Message>Request has expired</Message>"
                 + "<Expires>2020-01-01T00:00:00Z</Expires>"
                 + "<ServerTime>2026-01-01T00:00:00Z</ServerTime></Error>")
                    .getBytes(StandardCharsets.UTF_8);

    private record Served(
            Content content,
            String contentType,
            Access access,
            AtomicInteger downloads,
            AtomicInteger requests,
            AtomicInteger rateLimitOnceSeconds) {
        Served(Content content, String contentType, Access access) {
            this(
                    content,
                    contentType,
                    access,
                    new AtomicInteger(),
                    new AtomicInteger(),
                    new AtomicInteger(-1));
        }
    }

    private sealed interface Content {
        long size();

        void writeTo(OutputStream out, long from, long length) throws IOException;

        String sha256();

        record Bytes(byte[] bytes) implements Content {
            @Override
            public long size() {
                return bytes.length;
            }

            @Override
            public void writeTo(OutputStream out, long from, long length) throws IOException {
                out.write(bytes, (int) from, (int) length);
            }

            @Override
            public String sha256() {
                return HexFormat.of().formatHex(digest().digest(bytes));
            }
        }

        record Generated(long seed, long size) implements Content {
            @Override
            public void writeTo(OutputStream out, long from, long length) throws IOException {
                byte[] chunk = new byte[CHUNK];
                long position = from;
                long end = from + length;
                while (position < end) {
                    long index = position / CHUNK;
                    fill(chunk, index);
                    int offset = (int) (position - index * CHUNK);
                    int count = (int) Math.min(CHUNK - offset, end - position);
                    out.write(chunk, offset, count);
                    position += count;
                }
            }

            @Override
            public String sha256() {
                MessageDigest digest = digest();
                byte[] chunk = new byte[CHUNK];
                for (long index = 0; index * CHUNK < size; index++) {
                    fill(chunk, index);
                    digest.update(chunk, 0, (int) Math.min(CHUNK, size - index * CHUNK));
                }
                return HexFormat.of().formatHex(digest.digest());
            }

            private void fill(byte[] chunk, long index) {
                new Random(seed * 1_000_003L + index).nextBytes(chunk);
            }
        }

        private static MessageDigest digest() {
            try {
                return MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
