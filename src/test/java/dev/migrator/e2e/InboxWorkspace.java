package dev.migrator.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.migrator.testserver.FakeIntercom;
import dev.migrator.testserver.FakeIntercom.Assignee;
import dev.migrator.testserver.FakeIntercom.Conversation;
import dev.migrator.testserver.FakeIntercom.Part;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.stream.IntStream;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A fake workspace set up as a customer sets theirs up before a migration (teams, conversation
 * attributes, and the {@code mapping.teams} and {@code mapping.attributes} tables that name them),
 * and what agents must then see around the thread of each migrated conversation, worked out from
 * what the sample says: its subject as the title, one assignment to the owner's admin and one to
 * the team (none when Intercom has no match), each mapped field as its attribute's type takes it,
 * and the summary's {@code inbox} figures.
 */
final class InboxWorkspace {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Set<String> MESSAGE_PARTS = Set.of("comment", "note");

    /** What a sample says around one conversation's thread, as the export writes it. */
    record SourceDetails(
            String id,
            String subject,
            String assigneeEmail,
            String team,
            Map<String, String> fields,
            boolean closed) {
        SourceDetails {
            fields = Map.copyOf(fields);
        }
    }

    /** What Intercom must hold around that thread; null ids when Intercom has no match. */
    record Expected(
            String sourceId,
            String title,
            String adminId,
            String teamId,
            Map<String, Object> attributes,
            boolean closed) {}

    /** A conversation attribute of the workspace and the source field that fills it. */
    private record Attribute(String source, String name, String type, List<String> options) {}

    private final FakeIntercom intercom;
    private final Map<String, String> teamIds = new LinkedHashMap<>();
    private final Map<String, String> teamMapping = new LinkedHashMap<>();
    private final List<Attribute> attributes = new ArrayList<>();

    InboxWorkspace(FakeIntercom intercom) {
        this.intercom = intercom;
    }

    /** A team an admin made in Intercom. */
    InboxWorkspace team(String name) {
        teamIds.put(name, intercom.addTeam(name));
        return this;
    }

    /** A {@code mapping.teams} row: the source's team is the Intercom team named otherwise. */
    InboxWorkspace teamMapping(String source, String intercomName) {
        teamMapping.put(source, intercomName);
        return this;
    }

    /** A list attribute with these options, and the {@code mapping.attributes} row filling it. */
    InboxWorkspace listAttribute(String source, String name, String... options) {
        intercom.addListAttribute(name, options);
        attributes.add(new Attribute(source, name, "list", List.of(options)));
        return this;
    }

    /** An attribute of another type, and the {@code mapping.attributes} row filling it. */
    InboxWorkspace attribute(String source, String name, String type) {
        intercom.addConversationAttribute(name, type);
        attributes.add(new Attribute(source, name, type, List.of()));
        return this;
    }

    /** The {@code mapping.teams} and {@code mapping.attributes} tables, two spaces in. */
    String mappingTables() {
        StringBuilder yaml = new StringBuilder();
        if (!teamMapping.isEmpty()) {
            yaml.append("  teams:\n");
            teamMapping.forEach((source, name) -> yaml.append(row(source, name)));
        }
        if (!attributes.isEmpty()) {
            yaml.append("  attributes:\n");
            attributes.forEach(a -> yaml.append(row(a.source(), a.name())));
        }
        return yaml.toString();
    }

    /** A configuration's {@code mapping:} section holding only those tables. */
    String mappingSection() {
        return "mapping:\n" + mappingTables();
    }

    private static String row(String source, String intercom) {
        return "    - {source: \"" + source + "\", intercom: \"" + intercom + "\"}\n";
    }

    Expected expect(SourceDetails source) {
        Map<String, Object> values = new LinkedHashMap<>();
        for (Attribute attribute : attributes) {
            String raw = source.fields().get(attribute.source());
            if (raw != null && !raw.isBlank()) {
                values.put(attribute.name(), converted(attribute, raw.strip()));
            }
        }
        return new Expected(
                source.id(),
                source.subject(),
                adminId(source.assigneeEmail()).orElse(null),
                teamId(source.team()).orElse(null),
                values,
                source.closed());
    }

    private Optional<String> adminId(String email) {
        return email == null
                ? Optional.empty()
                : intercom.admins().stream()
                        .filter(a -> a.email().equalsIgnoreCase(email))
                        .map(FakeIntercom.Admin::id)
                        .findFirst();
    }

    private Optional<String> teamId(String sourceTeam) {
        return sourceTeam == null
                ? Optional.empty()
                : Optional.ofNullable(teamIds.get(intercomTeam(sourceTeam)));
    }

    private String intercomTeam(String sourceTeam) {
        return teamMapping.getOrDefault(sourceTeam, sourceTeam);
    }

    /** A value as Intercom takes it for the attribute's type; the samples' values all fit. */
    private static Object converted(Attribute attribute, String text) {
        return switch (attribute.type()) {
            case "list" ->
                    attribute.options().stream()
                            .filter(option -> option.equalsIgnoreCase(text))
                            .findFirst()
                            .orElseThrow(() -> notOf(attribute, text));
            case "integer" -> Long.valueOf(text);
            case "boolean" ->
                    switch (text) {
                        case "true" -> Boolean.TRUE;
                        case "false" -> Boolean.FALSE;
                        default -> throw notOf(attribute, text);
                    };
            // The samples' dates are days, read at the start of the day in UTC.
            case "datetime" -> LocalDate.parse(text).atStartOfDay(ZoneOffset.UTC).toEpochSecond();
            default -> text;
        };
    }

    private static AssertionError notOf(Attribute attribute, String text) {
        return new AssertionError(
                "the test's workspace gives attribute " + attribute.name() + " no value " + text);
    }

    /**
     * The conversation holds what {@code expected} says: its title, at most one assignment to an
     * admin and one to a team (after its messages and before its close, never reopening it, no one
     * notified), those assignees, exactly those attributes, and its state.
     */
    static void check(FakeIntercom intercom, Conversation conversation, Expected expected) {
        String id = expected.sourceId();
        String intercomId = conversation.id();
        assertThat(intercom.title(intercomId))
                .as("%s title", id)
                .isEqualTo(Optional.ofNullable(expected.title()));
        List<Part> parts = conversation.parts();
        List<Part> assignments = parts.stream().filter(p -> p.assignedTo() != null).toList();
        assertThat(assignments)
                .as("%s assignment parts", id)
                .allSatisfy(
                        part -> {
                            assertThat(part.partType()).isEqualTo("assignment");
                            assertThat(part.notifiedCustomer()).isFalse();
                        });
        assertThat(assigneesOfType(assignments, "admin"))
                .as("%s assignments to an admin", id)
                .isEqualTo(assignee("admin", expected.adminId()));
        assertThat(assigneesOfType(assignments, "team"))
                .as("%s assignments to a team", id)
                .isEqualTo(assignee("team", expected.teamId()));
        assertThat(intercom.adminAssignee(intercomId))
                .as("%s admin assignee", id)
                .isEqualTo(Optional.ofNullable(expected.adminId()));
        assertThat(intercom.teamAssignee(intercomId))
                .as("%s team assignee", id)
                .isEqualTo(Optional.ofNullable(expected.teamId()));
        assertThat(intercom.customAttributes(intercomId))
                .as("%s attributes", id)
                .isEqualTo(expected.attributes());

        int lastMessage = lastIndex(parts, p -> MESSAGE_PARTS.contains(p.partType()));
        int firstAssignment = firstIndex(parts, p -> p.assignedTo() != null);
        int lastAssignment = lastIndex(parts, p -> p.assignedTo() != null);
        int close = firstIndex(parts, p -> p.partType().equals("close"));
        if (!assignments.isEmpty()) {
            assertThat(firstAssignment)
                    .as("%s assigned after its messages", id)
                    .isGreaterThan(lastMessage);
            if (close >= 0) {
                assertThat(close)
                        .as("%s closed after its assignments", id)
                        .isGreaterThan(lastAssignment);
            }
        }
        assertThat(conversation.isOpen()).as("%s open", id).isEqualTo(!expected.closed());
    }

    private static List<Assignee> assigneesOfType(List<Part> assignments, String type) {
        return assignments.stream()
                .map(Part::assignedTo)
                .filter(a -> a.type().equals(type))
                .toList();
    }

    private static List<Assignee> assignee(String type, String id) {
        return id == null ? List.of() : List.of(new Assignee(type, id));
    }

    private static int firstIndex(List<Part> parts, Predicate<Part> which) {
        return IntStream.range(0, parts.size())
                .filter(i -> which.test(parts.get(i)))
                .findFirst()
                .orElse(-1);
    }

    private static int lastIndex(List<Part> parts, Predicate<Part> which) {
        return IntStream.range(0, parts.size())
                .filter(i -> which.test(parts.get(i)))
                .reduce((a, b) -> b)
                .orElse(-1);
    }

    /**
     * summary.json's {@code inbox} for a first run that migrated these conversations: titles,
     * assignments and attribute values set, the contacts attached to a company, and the owners and
     * teams Intercom has no match for, with how many conversations named each.
     */
    void checkSummary(Path summary, List<SourceDetails> migrated, long companiesAttached) {
        JsonNode inbox = JSON.readTree(summary.toFile()).path("inbox");
        assertThat(inbox.isObject()).as("inbox in " + summary).isTrue();
        List<Expected> expected = migrated.stream().map(this::expect).toList();
        Map<String, Long> unmatchedAssignees = new TreeMap<>();
        Map<String, Long> unmatchedTeams = new TreeMap<>();
        for (SourceDetails source : migrated) {
            if (source.assigneeEmail() != null && adminId(source.assigneeEmail()).isEmpty()) {
                unmatchedAssignees.merge(source.assigneeEmail(), 1L, Long::sum);
            }
            if (source.team() != null && teamId(source.team()).isEmpty()) {
                unmatchedTeams.merge(intercomTeam(source.team()), 1L, Long::sum);
            }
        }
        assertThat(inbox.path("titles_set").asLong())
                .as("titles_set")
                .isEqualTo(expected.stream().filter(e -> e.title() != null).count());
        assertThat(inbox.path("admin_assignments").asLong())
                .as("admin_assignments")
                .isEqualTo(expected.stream().filter(e -> e.adminId() != null).count());
        assertThat(inbox.path("team_assignments").asLong())
                .as("team_assignments")
                .isEqualTo(expected.stream().filter(e -> e.teamId() != null).count());
        assertThat(inbox.path("attributes_set").asLong())
                .as("attributes_set")
                .isEqualTo(expected.stream().mapToLong(e -> e.attributes().size()).sum());
        assertThat(inbox.path("companies_attached").asLong())
                .as("companies_attached")
                .isEqualTo(companiesAttached);
        assertThat(counts(inbox.path("unmatched_assignees")))
                .as("unmatched_assignees")
                .isEqualTo(unmatchedAssignees);
        assertThat(counts(inbox.path("unmatched_teams")))
                .as("unmatched_teams")
                .isEqualTo(unmatchedTeams);
        assertThat(counts(inbox.path("attributes_left_out"))).as("attributes_left_out").isEmpty();
    }

    /**
     * The next export holding the same conversations, as a scheduled export writes it: a copy of
     * the sample under another name. A run reads it again, where the same command would find its
     * inputs done and read nothing.
     */
    static Path nextExport(Path sample, Path dir) throws IOException {
        return Files.copy(sample, dir.resolve("next-" + sample.getFileName()));
    }

    /**
     * summary.json for a run that found every conversation done: none migrated, and in {@code
     * inbox} no title, assignment, attribute or company, nor anything unplaced to report (the run
     * that placed the rest did).
     */
    static void checkNothingSet(Path summary) {
        JsonNode run = JSON.readTree(summary.toFile());
        assertThat(run.path("conversations_migrated").asLong())
                .as("conversations_migrated")
                .isZero();
        assertThat(run.path("conversations_already_migrated").asLong())
                .as("conversations_already_migrated")
                .isPositive();
        JsonNode inbox = run.path("inbox");
        for (String figure :
                List.of(
                        "titles_set",
                        "admin_assignments",
                        "team_assignments",
                        "attributes_set",
                        "companies_attached")) {
            assertThat(inbox.path(figure).isNumber()).as(figure + " in " + inbox).isTrue();
            assertThat(inbox.path(figure).asLong()).as(figure).isZero();
        }
        for (String unplaced :
                List.of("unmatched_assignees", "unmatched_teams", "attributes_left_out")) {
            assertThat(counts(inbox.path(unplaced))).as(unplaced).isEmpty();
        }
    }

    private static Map<String, Long> counts(JsonNode object) {
        Map<String, Long> counts = new TreeMap<>();
        object.properties().forEach(e -> counts.put(e.getKey(), e.getValue().asLong()));
        return counts;
    }
}
