package dev.migrator.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.migrator.testserver.FakeIntercom;
import dev.migrator.testserver.FakeIntercom.Assignee;
import dev.migrator.testserver.FakeIntercom.Company;
import dev.migrator.testserver.FakeIntercom.Conversation;
import dev.migrator.testserver.FakeIntercom.Part;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.assertj.core.groups.Tuple;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A fake workspace set up as a customer sets theirs up before a migration (teams, conversation
 * attributes, and the {@code mapping.teams} and {@code mapping.attributes} tables that name them),
 * and what agents must then see around the thread of each migrated conversation, worked out from
 * what the sample says: its subject as the title, one assignment to the owner's admin and one to
 * the team (none when Intercom has no match), each mapped field as its attribute's type takes it
 * (left out when it does not fit), its contact's company, and the summary's {@code inbox} figures.
 */
final class InboxWorkspace {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** Requests that create or change something in the workspace. */
    private static final List<String> WRITING_ROUTES =
            List.of(
                    "POST /contacts",
                    "POST /conversations",
                    "POST /conversations/{id}/reply",
                    "POST /conversations/{id}/parts",
                    "PUT /conversations/{id}",
                    "POST /tags",
                    "POST /conversations/{id}/tags",
                    "POST /companies",
                    "POST /contacts/{id}/companies");

    /** A contact's company as a sample names it: its Intercom {@code company_id}, and its name. */
    record ContactCompany(String companyId, String name) {
        Tuple asTuple() {
            return tuple(companyId, name);
        }
    }

    /**
     * What a sample says around one conversation's thread, as the export writes it; {@code company}
     * is its contact's, null when it names none.
     */
    record SourceDetails(
            String id,
            String subject,
            String assigneeEmail,
            String team,
            Map<String, String> fields,
            boolean closed,
            ContactCompany company) {
        SourceDetails {
            fields = Map.copyOf(fields);
        }

        /** A conversation whose contact the sample gives no company. */
        SourceDetails(
                String id,
                String subject,
                String assigneeEmail,
                String team,
                Map<String, String> fields,
                boolean closed) {
            this(id, subject, assigneeEmail, team, fields, closed, null);
        }
    }

    /**
     * What Intercom must hold around that thread; null ids when Intercom has no match; {@code
     * leftOut} names the attributes whose value does not fit.
     */
    private record Expected(
            String title,
            String adminId,
            String teamId,
            Map<String, Object> attributes,
            Set<String> leftOut) {}

    /**
     * Puts a source field's JSON value as text, as the Zendesk and Freshdesk presets read a custom
     * field: a multi-select's values joined with ", "; nothing when it is null or empty.
     */
    static void putField(Map<String, String> fields, String key, JsonNode value) {
        String text =
                value.isArray()
                        ? value.valueStream()
                                .map(JsonNode::asString)
                                .collect(Collectors.joining(", "))
                        : value.isNull() ? "" : value.asString();
        if (!text.isEmpty()) {
            fields.put(key, text);
        }
    }

    /** A conversation attribute of the workspace and the source field that fills it. */
    private record Attribute(String source, String name, String type, List<String> options) {}

    private final FakeIntercom intercom;
    private final Map<String, String> teamIds = new LinkedHashMap<>();
    private final Map<String, String> teamMapping = new LinkedHashMap<>();
    private final List<Attribute> attributes = new ArrayList<>();

    /** The conversations {@link #check} was given, for the summary's figures. */
    private final List<SourceDetails> checked = new ArrayList<>();

    /** The companies each contact must belong to, by contact id, from its checked conversations. */
    private final Map<String, Set<ContactCompany>> companiesByContact = new HashMap<>();

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

    private Expected expect(SourceDetails source) {
        Map<String, Object> values = new LinkedHashMap<>();
        Set<String> leftOut = new LinkedHashSet<>();
        for (Attribute attribute : attributes) {
            String raw = source.fields().get(attribute.source());
            if (raw != null && !raw.isBlank()) {
                converted(attribute, raw.strip())
                        .ifPresentOrElse(
                                value -> values.put(attribute.name(), value),
                                () -> leftOut.add(attribute.name()));
            }
        }
        return new Expected(
                source.subject(),
                adminId(source.assigneeEmail()).orElse(null),
                teamId(source.team()).orElse(null),
                values,
                leftOut);
    }

    private Optional<String> adminId(String email) {
        return email == null
                ? Optional.empty()
                : intercom.admins().stream()
                        .filter(a -> a.email().equalsIgnoreCase(email))
                        .map(FakeIntercom.Admin::id)
                        .findFirst();
    }

    /** The team Intercom matches the source's team to, by name ignoring case. */
    private Optional<String> teamId(String sourceTeam) {
        return sourceTeam == null
                ? Optional.empty()
                : teamIds.entrySet().stream()
                        .filter(team -> team.getKey().equalsIgnoreCase(intercomTeam(sourceTeam)))
                        .map(Map.Entry::getValue)
                        .findFirst();
    }

    private String intercomTeam(String sourceTeam) {
        return teamMapping.getOrDefault(sourceTeam, sourceTeam);
    }

    /**
     * A value as Intercom takes it for the attribute's type (a list's option matched ignoring
     * case); empty when it does not fit, and the migration leaves it out.
     */
    private static Optional<Object> converted(Attribute attribute, String text) {
        return switch (attribute.type()) {
            case "list" ->
                    attribute.options().stream()
                            .filter(option -> option.equalsIgnoreCase(text))
                            .<Object>map(option -> option)
                            .findFirst();
            case "integer" -> number(text);
            case "boolean" ->
                    switch (text) {
                        case "true" -> Optional.of(Boolean.TRUE);
                        case "false" -> Optional.of(Boolean.FALSE);
                        default -> Optional.empty();
                    };
            case "datetime" -> day(text);
            default -> Optional.of(text);
        };
    }

    private static Optional<Object> number(String text) {
        try {
            return Optional.of(Long.valueOf(text));
        } catch (NumberFormatException notANumber) {
            return Optional.empty();
        }
    }

    /** The samples' dates are days, read at the start of the day in UTC. */
    private static Optional<Object> day(String text) {
        try {
            return Optional.of(LocalDate.parse(text).atStartOfDay(ZoneOffset.UTC).toEpochSecond());
        } catch (DateTimeParseException notADay) {
            return Optional.empty();
        }
    }

    /**
     * The conversation holds what {@code source} says around its thread: its title; its messages,
     * then one assignment to the owner's admin and one to the team (none to an owner or team
     * Intercom has no match for, never reopening it, no one notified), then its close when the
     * source is closed; those assignees; exactly the attributes whose values fit; its state; and
     * its contact belongs to the source's company, with its name.
     */
    void check(Conversation conversation, SourceDetails source) {
        Expected expected = expect(source);
        String id = source.id();
        String intercomId = conversation.id();
        assertThat(intercom.title(intercomId))
                .as("%s title", id)
                .isEqualTo(Optional.ofNullable(expected.title()));
        List<Part> parts = conversation.parts();
        List<Part> assignments = parts.stream().filter(p -> p.assignedTo() != null).toList();
        assertThat(assignments)
                .as("%s assignments notify nobody", id)
                .noneMatch(Part::notifiedCustomer);
        assertThat(assigneesOfType(assignments, "admin"))
                .as("%s assignments to an admin", id)
                .isEqualTo(assignee("admin", expected.adminId()));
        assertThat(assigneesOfType(assignments, "team"))
                .as("%s assignments to a team", id)
                .isEqualTo(assignee("team", expected.teamId()));
        int assigned = (expected.adminId() == null ? 0 : 1) + (expected.teamId() == null ? 0 : 1);
        assertThat(parts)
                .as("%s: its messages, then its assignments, then its close", id)
                .extracting(Part::partType)
                .containsExactlyElementsOf(
                        Stream.of(
                                        messages(conversation).stream().map(Part::partType),
                                        Collections.nCopies(assigned, "assignment").stream(),
                                        source.closed()
                                                ? Stream.of("close")
                                                : Stream.<String>empty())
                                .flatMap(s -> s)
                                .toList());
        assertThat(intercom.adminAssignee(intercomId))
                .as("%s admin assignee", id)
                .isEqualTo(Optional.ofNullable(expected.adminId()));
        assertThat(intercom.teamAssignee(intercomId))
                .as("%s team assignee", id)
                .isEqualTo(Optional.ofNullable(expected.teamId()));
        assertThat(intercom.customAttributes(intercomId))
                .as("%s attributes", id)
                .isEqualTo(expected.attributes());
        assertThat(conversation.isOpen()).as("%s open", id).isEqualTo(!source.closed());

        if (source.company() != null) {
            String contactId = conversation.contactId();
            assertThat(intercom.companiesOf(contactId))
                    .as("%s company", id)
                    .extracting(Company::companyId, Company::name)
                    .contains(source.company().asTuple());
            companiesByContact
                    .computeIfAbsent(contactId, c -> new LinkedHashSet<>())
                    .add(source.company());
        }
        checked.add(source);
    }

    /**
     * The parts that carry the conversation's messages, in order: all but its assignments and its
     * close.
     */
    static List<Part> messages(Conversation conversation) {
        return conversation.parts().stream()
                .filter(p -> !p.partType().equals("close") && !p.partType().startsWith("assign"))
                .toList();
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

    /**
     * After a first run, once {@link #check} was given each conversation it migrated: every contact
     * belongs to exactly the companies of its conversations, with their names, each company is in
     * the workspace once, and summary.json's {@code inbox} counts the titles, assignments,
     * attribute values and companies attached, the attributes left out, and the owners and teams
     * Intercom has no match for, with how many conversations named each.
     */
    void checkCompaniesAndSummary(Path summary) {
        for (FakeIntercom.Contact contact : intercom.contacts()) {
            assertThat(intercom.companiesOf(contact.id()))
                    .as("companies of %s", contact.name())
                    .extracting(Company::companyId, Company::name)
                    .containsExactlyInAnyOrderElementsOf(
                            companiesByContact.getOrDefault(contact.id(), Set.of()).stream()
                                    .map(ContactCompany::asTuple)
                                    .toList());
        }
        assertThat(intercom.companies())
                .as("each company once in the workspace")
                .extracting(Company::companyId, Company::name)
                .containsExactlyInAnyOrderElementsOf(
                        companiesByContact.values().stream()
                                .flatMap(Set::stream)
                                .distinct()
                                .map(ContactCompany::asTuple)
                                .toList());

        JsonNode inbox = JSON.readTree(summary.toFile()).path("inbox");
        assertThat(inbox.isObject()).as("inbox in " + summary).isTrue();
        List<Expected> expected = checked.stream().map(this::expect).toList();
        Map<String, Long> unmatchedAssignees = new TreeMap<>();
        Map<String, Long> unmatchedTeams = new TreeMap<>();
        for (SourceDetails source : checked) {
            if (source.assigneeEmail() != null && adminId(source.assigneeEmail()).isEmpty()) {
                unmatchedAssignees.merge(source.assigneeEmail(), 1L, Long::sum);
            }
            if (source.team() != null && teamId(source.team()).isEmpty()) {
                unmatchedTeams.merge(intercomTeam(source.team()), 1L, Long::sum);
            }
        }
        Map<String, Long> leftOut = new TreeMap<>();
        expected.forEach(e -> e.leftOut().forEach(name -> leftOut.merge(name, 1L, Long::sum)));
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
                .isEqualTo(companiesByContact.values().stream().mapToLong(Set::size).sum());
        assertThat(counts(inbox.path("unmatched_assignees")))
                .as("unmatched_assignees")
                .isEqualTo(unmatchedAssignees);
        assertThat(counts(inbox.path("unmatched_teams")))
                .as("unmatched_teams")
                .isEqualTo(unmatchedTeams);
        assertThat(counts(inbox.path("attributes_left_out")))
                .as("attributes_left_out")
                .isEqualTo(leftOut);
    }

    /**
     * After a first run that rejected some of the export on purpose: the same command again finds
     * its input migrated, and the next export holding the same conversations (a copy of it under
     * another name, as a scheduled export writes it) starts a run that meets each one done and
     * rejects the same again. Neither sends a create, an update, an assignment, a company or any
     * other write, and the second counts nothing around the threads.
     */
    static void checkRunsAgainChangeNothing(
            FakeIntercom intercom, MigratorProcess migrator, Path export, String... options)
            throws IOException {
        Map<String, Integer> written = writes(intercom);
        int conversations = intercom.conversations().size();

        MigratorProcess.Result again = migrate(migrator, export, options);
        assertThat(again.exitCode()).as(again.all()).isZero();
        assertThat(again.out()).contains("already migrated");
        assertThat(writes(intercom))
                .as("writes after running the same command again")
                .isEqualTo(written);
        assertThat(intercom.conversations()).hasSize(conversations);

        Path next = Files.copy(export, migrator.workDir().resolve("next-" + export.getFileName()));
        MigratorProcess.Result reread = migrate(migrator, next, options);
        assertThat(reread.exitCode()).as("its rejects again: " + reread.all()).isEqualTo(3);
        assertThat(writes(intercom))
                .as("writes after reading the same conversations again")
                .isEqualTo(written);
        checkNothingSet(migrator.runDir(2).resolve("summary.json"), conversations);
    }

    private static MigratorProcess.Result migrate(
            MigratorProcess migrator, Path export, String... options) {
        List<String> args = new ArrayList<>(List.of("migrate", "--input", export.toString()));
        args.addAll(List.of(options));
        return migrator.run(args.toArray(String[]::new));
    }

    private static Map<String, Integer> writes(FakeIntercom intercom) {
        Map<String, Integer> counts = new HashMap<>();
        WRITING_ROUTES.forEach(route -> counts.put(route, intercom.requests(route)));
        return counts;
    }

    /**
     * summary.json for a run that found every conversation done: none migrated, all of them
     * already, and in {@code inbox} no title, assignment, attribute or company, nor anything
     * unplaced to report (the run that placed the rest did).
     */
    private static void checkNothingSet(Path summary, long alreadyMigrated) {
        JsonNode run = JSON.readTree(summary.toFile());
        assertThat(run.path("conversations_migrated").asLong())
                .as("conversations_migrated")
                .isZero();
        assertThat(run.path("conversations_already_migrated").asLong())
                .as("conversations_already_migrated")
                .isEqualTo(alreadyMigrated);
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
