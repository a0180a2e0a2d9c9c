package dev.migrator.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.migrator.source.Timestamps;
import dev.migrator.testserver.FakeIntercom;
import dev.migrator.testserver.FakeIntercom.Conversation;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The promise itself: every conversation of a JSON Lines export is in Intercom once, with exactly
 * its parts.
 */
final class ExactlyOnce {

    private ExactlyOnce() {}

    static void assertMigrated(FakeIntercom intercom, Path export) throws IOException {
        Map<String, String> contactIds =
                intercom.contacts().stream()
                        .collect(
                                Collectors.toMap(
                                        FakeIntercom.Contact::externalId,
                                        FakeIntercom.Contact::id));
        Map<String, List<Conversation>> byContact =
                intercom.conversations().stream()
                        .collect(Collectors.groupingBy(Conversation::contactId));
        JsonMapper mapper = JsonMapper.builder().build();
        List<String> lines = Files.readAllLines(export);
        for (String line : lines) {
            JsonNode source = mapper.readTree(line);
            String id = source.path("id").asString();
            List<JsonNode> messages = source.path("messages").valueStream().toList();
            long openedAt = epoch(messages.get(0));
            List<Conversation> matches =
                    byContact
                            .getOrDefault(
                                    contactIds.get(
                                            source.path("contact").path("external_id").asString()),
                                    List.of())
                            .stream()
                            .filter(c -> c.createdAt().getEpochSecond() == openedAt)
                            .toList();
            assertThat(matches).as("conversation %s in Intercom", id).hasSize(1);
            List<Long> partTimes =
                    matches.get(0).parts().stream()
                            .filter(p -> !p.partType().equals("close"))
                            .map(p -> p.createdAt().getEpochSecond())
                            .toList();
            List<Long> expected =
                    messages.subList(1, messages.size()).stream().map(ExactlyOnce::epoch).toList();
            assertThat(partTimes)
                    .as("parts of %s, in order, with their original times", id)
                    .isEqualTo(expected);
            boolean closed = source.path("status").asString("").equals("closed");
            assertThat(matches.get(0).isOpen()).as("%s open", id).isEqualTo(!closed);
        }
        assertThat(intercom.conversations())
                .as("no conversation more than the export's")
                .hasSize(lines.size());
        assertThat(intercom.notifications()).as("customer notifications").isZero();
    }

    private static long epoch(JsonNode message) {
        return Timestamps.toEpochSecond(message.path("created_at").asString(), ZoneOffset.UTC);
    }
}
