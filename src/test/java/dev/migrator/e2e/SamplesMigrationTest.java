package dev.migrator.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.migrator.source.Timestamps;
import dev.migrator.testserver.FakeIntercom;
import dev.migrator.testserver.FakeIntercom.Conversation;
import dev.migrator.testserver.FakeIntercom.Part;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The bundled samples, migrated by the real application into a fake Intercom and checked
 * conversation by conversation against the source file.
 */
class SamplesMigrationTest {

    private static final Pattern HTML_TAG = Pattern.compile("<\\s*/?\\s*[a-zA-Z][^>]*>");

    @TempDir Path workDir;

    private FakeIntercom intercom;
    private Map<String, String> adminIds;

    @BeforeEach
    void startIntercom() {
        intercom = FakeIntercom.start();
        adminIds = Agents.addTo(intercom);
    }

    @AfterEach
    void stopIntercom() {
        intercom.close();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "samples/conversations.json",
                "samples/conversations.jsonl",
                "samples/conversations.csv"
            })
    void migratesEveryGoodSampleExactlyOnceWithItsWholeThread(String sample) throws Exception {
        MigratorProcess migrator =
                new MigratorProcess(workDir, intercom.baseUrl(), FakeIntercom.TOKEN, "");

        MigratorProcess.Result result = migrator.run("migrate", "--input", sample);

        assertThat(result.exitCode()).as(result.all()).isEqualTo(3);
        List<JsonNode> sources =
                JsonMapper.builder()
                        .build()
                        .readTree(Path.of("samples/conversations.json").toFile())
                        .valueStream()
                        .toList();
        for (JsonNode source : sources) {
            if (source.path("id").asString().equals("c-1007")) {
                continue; // the one bad record: its contact has neither email nor external_id
            }
            checkConversation(source);
        }
        assertThat(intercom.conversations()).hasSize(sources.size() - 1);
        assertThat(intercom.notifications()).as("customer notifications").isZero();
        assertThat(intercom.contacts())
                .extracting(FakeIntercom.Contact::externalId)
                .doesNotHaveDuplicates();

        List<String> rejects = Files.readAllLines(migrator.runDir(1).resolve("rejects.jsonl"));
        assertThat(rejects)
                .singleElement()
                .satisfies(
                        line -> {
                            JsonNode reject = JsonMapper.builder().build().readTree(line);
                            assertThat(reject.path("file").asString())
                                    .endsWith(Path.of(sample).getFileName().toString());
                            assertThat(reject.path("line").asLong()).isPositive();
                            assertThat(reject.path("source_id").asString()).isEqualTo("c-1007");
                            assertThat(reject.path("reason").asString())
                                    .contains("neither an email nor an external_id");
                        });
        assertThat(Files.readString(migrator.runDir(1).resolve("summary.json")))
                .contains("\"conversations_migrated\" : 11");
        // Eleven contacts, each new: one search (by email or external id) and one create each.
        assertThat(intercom.requests("POST /contacts/search")).isEqualTo(11);
        assertThat(intercom.requests("POST /contacts")).isEqualTo(11);
        JsonNode summary =
                JsonMapper.builder()
                        .build()
                        .readTree(migrator.runDir(1).resolve("summary.json").toFile());
        long needed =
                intercom.requests("POST /conversations")
                        + intercom.requests("POST /conversations/{id}/reply")
                        + intercom.requests("POST /conversations/{id}/parts")
                        + intercom.requests("POST /conversations/{id}/tags")
                        + intercom.requests("POST /tags")
                        + intercom.requests("POST /contacts/search")
                        + intercom.requests("POST /contacts")
                        + intercom.requests("PUT /conversations/{id}")
                        + intercom.requests("GET /companies")
                        + intercom.requests("POST /companies")
                        + intercom.requests("POST /contacts/{id}/companies");
        assertThat(summary.path("ideal_api_calls").asLong()).isEqualTo(needed);
        assertThat(summary.path("ideal_calls_per_conversation").asDouble())
                .isEqualTo(Math.round(100.0 * needed / 11) / 100.0);
        assertThat(summary.path("calls_per_conversation").asDouble())
                .isEqualTo(Math.round(100.0 * summary.path("api_calls").asLong() / 11) / 100.0)
                .isGreaterThanOrEqualTo(summary.path("ideal_calls_per_conversation").asDouble());

        MigratorProcess.Result again = migrator.run("migrate", "--input", sample);
        assertThat(again.exitCode()).as(again.all()).isZero();
        assertThat(again.out()).contains("already migrated");
        assertThat(intercom.conversations()).hasSize(sources.size() - 1);
    }

    private void checkConversation(JsonNode source) {
        String id = source.path("id").asString();
        List<JsonNode> messages = new ArrayList<>();
        source.path("messages").forEach(messages::add);
        messages.sort(Comparator.comparingLong(m -> epoch(m.path("created_at"))));
        String contactId =
                intercom.contacts().stream()
                        .filter(
                                c ->
                                        c.externalId()
                                                .equals(
                                                        source.path("contact")
                                                                .path("external_id")
                                                                .asString()))
                        .findFirst()
                        .orElseThrow()
                        .id();

        List<Conversation> found =
                intercom.conversationsOf(contactId).stream()
                        .filter(
                                c ->
                                        c.createdAt().getEpochSecond()
                                                == epoch(messages.get(0).path("created_at")))
                        .toList();
        assertThat(found).as("conversation %s created exactly once", id).hasSize(1);
        Conversation conversation = found.get(0);
        assertThat(conversation.body()).as("%s opening body", id).doesNotContainPattern(HTML_TAG);

        // The thread: assignments come after it, as AroundTheThreadTest checks.
        List<Part> parts =
                conversation.parts().stream()
                        .filter(p -> !p.partType().equals("close"))
                        .filter(p -> !p.partType().startsWith("assign"))
                        .toList();
        List<JsonNode> replies = messages.subList(1, messages.size());
        assertThat(parts).as("%s parts", id).hasSize(replies.size());
        for (int i = 0; i < replies.size(); i++) {
            JsonNode message = replies.get(i);
            Part part = parts.get(i);
            String label = id + " part " + message.path("id").asString();
            assertThat(part.createdAt().getEpochSecond())
                    .as(label + " created_at")
                    .isEqualTo(epoch(message.path("created_at")));
            boolean agent = message.path("author").path("type").asString().equals("agent");
            boolean internal = message.path("internal").asBoolean(false);
            assertThat(part.partType())
                    .as(label + " kind")
                    .isEqualTo(internal ? "note" : "comment");
            String role = source.path("contact").path("role").asString("user");
            assertThat(part.authorType()).as(label + " author").isEqualTo(agent ? "admin" : role);
            if (agent) {
                assertThat(part.authorId())
                        .isEqualTo(adminIds.get(message.path("author").path("email").asString()));
            }
            assertThat(part.body())
                    .as(label + " body")
                    .doesNotContainPattern(HTML_TAG)
                    .isNotBlank();
            assertThat(part.attachments()).hasSizeLessThanOrEqualTo(10);
            List<String> urls = new ArrayList<>();
            message.path("attachments").forEach(u -> urls.add(u.asString()));
            for (String url : urls) {
                assertThat(part.attachments().contains(url) || part.body().contains(url))
                        .as(label + " keeps attachment " + url)
                        .isTrue();
            }
        }
        boolean closed = Set.of("closed", "solved").contains(source.path("status").asString());
        assertThat(conversation.isOpen()).as("%s open", id).isEqualTo(!closed);
        assertThat(conversation.tags())
                .as("%s tags", id)
                .containsExactlyInAnyOrderElementsOf(
                        source.path("tags")
                                .valueStream()
                                .map(JsonNode::asString)
                                .collect(Collectors.toList()));
    }

    private static long epoch(JsonNode createdAt) {
        return Timestamps.toEpochSecond(createdAt.asString(), ZoneOffset.UTC);
    }
}
