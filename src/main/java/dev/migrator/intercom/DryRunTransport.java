package dev.migrator.intercom;

import dev.migrator.support.OwnerOnly;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.atomic.AtomicLong;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Touches no network: writes each request it is given to the requests file and answers as an empty
 * workspace would, with ids that say they are placeholders. Because the real code path builds the
 * requests, the file holds exactly what a real run would send to an empty workspace.
 */
public class DryRunTransport implements IntercomTransport, AutoCloseable {

    private final JsonMapper mapper;
    private final BufferedWriter out;
    private final AtomicLong calls = new AtomicLong();
    private final AtomicLong ids = new AtomicLong();

    public DryRunTransport(Path requestsFile, JsonMapper mapper) {
        this.mapper = mapper;
        try {
            Files.createDirectories(requestsFile.getParent());
            this.out =
                    Files.newBufferedWriter(
                            OwnerOnly.file(requestsFile),
                            StandardCharsets.UTF_8,
                            StandardOpenOption.CREATE,
                            StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + requestsFile, e);
        }
    }

    @Override
    public JsonNode exchange(ApiRequest request) {
        ObjectNode line =
                mapper.createObjectNode()
                        .put("method", request.method())
                        .put("path", request.path());
        if (request.body() != null) {
            line.set("body", request.body());
        }
        String text = mapper.writeValueAsString(line);
        synchronized (out) {
            try {
                out.write(text);
                out.newLine();
                out.flush(); // a line per request survives a crash, like the ledger entry made
                // beside it
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write the requests file", e);
            }
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
            return response.put("type", "contact").put("id", placeholder("contact"));
        }
        if (path.equals("/conversations")) {
            return response.put("type", "user_message")
                    .put("id", placeholder("message"))
                    .put("conversation_id", placeholder("conversation"));
        }
        if (path.equals("/tags")) {
            return response.put("type", "tag")
                    .put("id", "dry-run-tag:" + request.body().path("name").asString());
        }
        return response.put("type", "conversation");
    }

    private String placeholder(String kind) {
        return "dry-run-" + kind + "-" + ids.incrementAndGet();
    }

    @Override
    public void close() {
        synchronized (out) {
            try {
                out.close();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write the requests file", e);
            }
        }
    }
}
