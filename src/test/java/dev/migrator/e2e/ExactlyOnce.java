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
                            .filter(p -> !p.partType().startsWith("assign"))
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

    /**
     * What agents see around each thread of an export made by {@code
     * ExportGenerator.generateWithDetails}, migrated with {@code Priority} (a list of Low and High)
     * and {@code Order number} (a number) filled from {@code priority} and {@code order}: the title
     * is the subject; one assignment to the assignee's admin (none when no admin has that email)
     * and one to the team; the attributes; the contact's company.
     */
    static void assertAroundTheThread(FakeIntercom intercom, Path export) throws IOException {
        Map<String, String> adminIds =
                intercom.admins().stream()
                        .collect(
                                Collectors.toMap(
                                        FakeIntercom.Admin::email, FakeIntercom.Admin::id));
        Map<String, String> teamIds =
                intercom.teams().stream()
                        .collect(Collectors.toMap(FakeIntercom.Team::name, FakeIntercom.Team::id));
        Map<String, FakeIntercom.Contact> contacts =
                intercom.contacts().stream()
                        .collect(Collectors.toMap(FakeIntercom.Contact::externalId, c -> c));
        JsonMapper mapper = JsonMapper.builder().build();
        for (String line : Files.readAllLines(export)) {
            JsonNode source = mapper.readTree(line);
            String id = source.path("id").asString();
            FakeIntercom.Contact contact =
                    contacts.get(source.path("contact").path("external_id").asString());
            long openedAt = epoch(source.path("messages").get(0));
            Conversation conversation =
                    intercom.conversationsOf(contact.id()).stream()
                            .filter(c -> c.createdAt().getEpochSecond() == openedAt)
                            .findFirst()
                            .orElseThrow();
            String intercomId = conversation.id();
            assertThat(intercom.title(intercomId))
                    .as("title of %s", id)
                    .contains(source.path("subject").asString());
            String admin = adminIds.get(source.path("assignee_email").asString());
            String team = teamIds.get(source.path("team").asString());
            List<FakeIntercom.Assignee> assignments =
                    conversation.parts().stream()
                            .filter(p -> p.partType().startsWith("assign"))
                            .map(FakeIntercom.Part::assignedTo)
                            .toList();
            List<FakeIntercom.Assignee> expected = new java.util.ArrayList<>();
            if (admin != null) {
                expected.add(new FakeIntercom.Assignee("admin", admin));
            }
            expected.add(new FakeIntercom.Assignee("team", team));
            assertThat(assignments).as("assignments of %s, once each", id).isEqualTo(expected);
            JsonNode attributes = source.path("attributes");
            assertThat(intercom.customAttributes(intercomId))
                    .as("attributes of %s", id)
                    .isEqualTo(
                            Map.of(
                                    "Priority",
                                    attributes.path("priority").asString().equals("high")
                                            ? "High"
                                            : "Low",
                                    "Order number",
                                    attributes.path("order").asLong()));
            assertThat(intercom.companiesOf(contact.id()))
                    .as("company of %s's contact", id)
                    .extracting(FakeIntercom.Company::companyId)
                    .containsExactly(source.path("contact").path("company").path("id").asString());
        }
    }

    private static long epoch(JsonNode message) {
        return Timestamps.toEpochSecond(message.path("created_at").asString(), ZoneOffset.UTC);
    }
}
