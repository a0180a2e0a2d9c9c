package dev.migrator.intercom;

import dev.migrator.support.OwnerOnly;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.atomic.AtomicLong;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.util.MinimalPrettyPrinter;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Touches no network: writes each request it is given to the requests file and answers as an empty
 * workspace would, with ids that say they are placeholders. Because the real code path builds the
 * requests, the file holds exactly what a real run would send to an empty workspace.
 */
public class DryRunTransport implements IntercomTransport, AutoCloseable {

    /** Kinds of placeholder id: {@code dry-run-contact-12}, {@code dry-run-conversation-13}. */
    public static final String CONTACT = "contact";

    public static final String CONVERSATION = "conversation";

    private static final String PLACEHOLDER_PREFIX = "dry-run-";

    private final JsonMapper mapper;
    private final JsonGenerator out;
    private final AtomicLong calls = new AtomicLong();
    private final AtomicLong ids = new AtomicLong();

    public DryRunTransport(Path requestsFile, JsonMapper mapper) {
        this.mapper = mapper;
        try {
            Files.createDirectories(requestsFile.getParent());
            OutputStream file =
                    Files.newOutputStream(
                            OwnerOnly.file(requestsFile),
                            StandardOpenOption.CREATE,
                            StandardOpenOption.APPEND);
            // Buffered, never flushed per line: a dry run that stops early starts over (its
            // bookkeeping is in memory), so a line need not outlive a crash.
            this.out =
                    mapper.writer()
                            .with(new MinimalPrettyPrinter(""))
                            .createGenerator(new BufferedOutputStream(file, 1 << 16));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + requestsFile, e);
        }
    }

    @Override
    public JsonNode exchange(ApiRequest request) {
        synchronized (out) {
            // Written straight to the file: no tree or string is made of the line.
            out.writeStartObject();
            out.writeStringProperty("method", request.method());
            out.writeStringProperty("path", request.path());
            if (request.body() != null) {
                out.writeName("body");
                out.writeTree(request.body());
            }
            out.writeEndObject();
            out.writeRaw('\n');
        }
        calls.incrementAndGet();
        return answer(request);
    }

    @Override
    public long callCount() {
        return calls.get();
    }

    private JsonNode answer(ApiRequest request) {
        String path = request.path();
        ObjectNode response = mapper.createObjectNode();
        if (path.equals("/contacts/search")) {
            return response.put("type", "list")
                    .put("total_count", 0)
                    .set("data", mapper.createArrayNode());
        }
        if (path.equals("/conversations/search")) {
            return response.put("type", "conversation.list")
                    .put("total_count", 0)
                    .set("conversations", mapper.createArrayNode());
        }
        if (path.equals("/contacts")) {
            return response.put("type", "contact")
                    .put("id", placeholder(CONTACT, ids.incrementAndGet()));
        }
        if (path.equals("/conversations")) {
            return response.put("type", "user_message")
                    .put("id", placeholder("message", ids.incrementAndGet()))
                    .put("conversation_id", placeholder(CONVERSATION, ids.incrementAndGet()));
        }
        if (path.startsWith("/companies?company_id=")) {
            // An empty workspace has no company: the run goes on to create it.
            throw new ApiErrorException(404, "company_not_found", "Company Not Found");
        }
        if (path.equals("/companies")) {
            return response.put("type", "company")
                    .put("id", companyPlaceholder(request.body().path("company_id").asString()));
        }
        if (path.equals("/tags")) {
            return response.put("type", "tag")
                    .put("id", "dry-run-tag:" + request.body().path("name").asString());
        }
        return response.put("type", "conversation");
    }

    /** The placeholder id of the company with the export's {@code companyId}. */
    public static String companyPlaceholder(String companyId) {
        return PLACEHOLDER_PREFIX + "company:" + companyId;
    }

    /** The placeholder id {@code number} of {@code kind}. */
    public static String placeholder(String kind, long number) {
        return PLACEHOLDER_PREFIX + kind + "-" + number;
    }

    /**
     * The number of a placeholder id of {@code kind}, which a dry run's bookkeeping keeps instead
     * of the id.
     *
     * @throws IllegalArgumentException when {@code id} is no placeholder of that kind
     */
    public static long placeholderNumber(String kind, String id) {
        String prefix = PLACEHOLDER_PREFIX + kind + "-";
        if (id.startsWith(prefix)) {
            try {
                long number = Long.parseLong(id, prefix.length(), id.length(), 10);
                if (number > 0 && placeholder(kind, number).equals(id)) {
                    return number;
                }
            } catch (NumberFormatException e) {
                // not a placeholder: refused below
            }
        }
        throw new IllegalArgumentException(id + " is not a dry run's " + kind + " placeholder");
    }

    @Override
    public void close() {
        synchronized (out) {
            out.close();
        }
    }
}
