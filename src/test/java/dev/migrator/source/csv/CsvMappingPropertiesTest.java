package dev.migrator.source.csv;

import static org.assertj.core.api.Assertions.assertThat;

import dev.migrator.mapping.InboxMappingProperties;
import dev.migrator.support.YamlBinding;
import java.nio.charset.StandardCharsets;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.core.env.MutablePropertySources;
import org.springframework.core.env.SystemEnvironmentPropertySource;

/** The {@code mapping} section as Spring Boot's YAML loader and binder deliver it. */
class CsvMappingPropertiesTest {

    private static final String REQUIRED =
            """
            mapping:
              columns:
                conversation_id: Ticket ID
                author_type: Sender
                created_at: "Sent at"
                body: Text
            """;

    private static CsvMappingProperties bind(String yaml) {
        return YamlBinding.bind(yaml, "mapping", CsvMappingProperties.class);
    }

    /** The message the user sees: the binder wraps the constructor's. */
    private static String problem(String yaml) {
        return YamlBinding.problem(yaml, "mapping", CsvMappingProperties.class);
    }

    @Test
    void yamlKeepsUnderscoresInColumnKeysAndSpacesInHeaderNames() {
        CsvMappingProperties mapping =
                bind(
                        REQUIRED
                                + """
                                    contact-email: Customer email
                                    "[contact_name]": Customer name
                                    messageId: Message ID
                                """);

        assertThat(mapping.columns())
                .containsExactlyInAnyOrderEntriesOf(
                        Map.of(
                                "conversation_id",
                                "Ticket ID",
                                "author_type",
                                "Sender",
                                "created_at",
                                "Sent at",
                                "body",
                                "Text",
                                "contact_email",
                                "Customer email",
                                "contact_name",
                                "Customer name",
                                "message_id",
                                "Message ID"));
    }

    @Test
    void environmentVariablesNameColumnsToo() {
        MutablePropertySources sources = new MutablePropertySources();
        sources.addLast(
                new SystemEnvironmentPropertySource(
                        "systemEnvironment",
                        Map.of(
                                "MAPPING_COLUMNS_CONVERSATION_ID",
                                "Ticket ID",
                                "MAPPING_COLUMNS_AUTHOR_TYPE",
                                "Sender",
                                "MAPPING_COLUMNS_CREATED_AT",
                                "Sent at",
                                "MAPPING_COLUMNS_BODY",
                                "Text",
                                "MAPPING_DELIMITER",
                                ";")));

        CsvMappingProperties mapping =
                new Binder(ConfigurationPropertySources.from(sources))
                        .bindOrCreate("mapping", CsvMappingProperties.class);

        assertThat(mapping.columns())
                .containsEntry("conversation_id", "Ticket ID")
                .containsEntry("created_at", "Sent at");
        assertThat(mapping.layout(ZoneOffset.UTC).delimiter()).isEqualTo(';');
    }

    @Test
    void defaults() {
        CsvLayout layout = bind(REQUIRED).layout(ZoneId.of("Europe/Berlin"));

        assertThat(layout.delimiter()).isEqualTo(',');
        assertThat(layout.encoding()).isEqualTo(StandardCharsets.UTF_8);
        assertThat(layout.dateFormat()).isNull();
        assertThat(layout.timezone()).isEqualTo(ZoneId.of("Europe/Berlin"));
        assertThat(layout.contactAuthors()).containsExactly("contact");
        assertThat(layout.agentAuthors()).containsExactly("agent");
        assertThat(layout.internalValues()).containsExactlyInAnyOrder("true", "yes", "on");
        assertThat(layout.closedStatuses()).containsExactlyInAnyOrder("closed", "solved");
        assertThat(layout.canonical()).isFalse();
    }

    @Test
    void noMappingSectionMeansNoLayout() {
        assertThat(bind("migration:\n  timezone: UTC\n").layout(ZoneOffset.UTC)).isNull();
    }

    @Test
    void listsAsYamlListsOrCommaSeparatedAndValuesInAnyCase() {
        CsvLayout layout =
                bind(REQUIRED
                                + """
                                  contact-authors: Customer, End user
                                  agent-authors: [Agent, " Staff "]
                                  internal-values: ["Yes", Private]
                                  closed-statuses: [Resolved]
                                  encoding: windows-1252
                                  timezone: Europe/Paris
                                  date-format: dd/MM/yyyy HH:mm
                                """)
                        .layout(ZoneOffset.UTC);

        assertThat(layout.contactAuthors()).containsExactlyInAnyOrder("customer", "end user");
        assertThat(layout.agentAuthors()).containsExactlyInAnyOrder("agent", "staff");
        assertThat(layout.internalValues()).containsExactlyInAnyOrder("yes", "private");
        assertThat(layout.closedStatuses()).containsExactly("resolved");
        assertThat(layout.encoding().name()).isEqualTo("windows-1252");
        assertThat(layout.timezone()).isEqualTo(ZoneId.of("Europe/Paris"));
        assertThat(layout.datePattern()).isEqualTo("dd/MM/yyyy HH:mm");
    }

    @Test
    void unquotedYesInYamlArrivesAsTrueAndStillMeansYes() {
        assertThat(
                        bind(REQUIRED + "  internal-values: [yes]\n")
                                .layout(ZoneOffset.UTC)
                                .internalValues())
                .isEqualTo(Set.of("true", "yes", "on"));
    }

    /**
     * {@code mapping.teams} and {@code mapping.attributes} sit in the same section, bound by {@code
     * InboxMappingProperties}: neither reading stops at the other's keys.
     */
    @Test
    void theTeamsAndAttributesTablesBesideTheColumnsAreLeftToTheirOwnProperties() {
        String yaml =
                REQUIRED
                        + """
                            assignee_email: Owner
                            team: Queue
                          teams:
                            - source: Billing queue
                              intercom: Billing
                          attributes:
                            - source: Plan
                              intercom: plan
                        """;

        CsvMappingProperties columns = bind(yaml);
        InboxMappingProperties tables = bindTables(yaml);

        assertThat(columns.layout(ZoneOffset.UTC).column("assignee_email")).isEqualTo("Owner");
        assertThat(columns.layout(ZoneOffset.UTC).column("team")).isEqualTo("Queue");
        assertThat(tables.teams())
                .containsExactly(new InboxMappingProperties.Entry("Billing queue", "Billing"));
        assertThat(tables.attributes())
                .containsExactly(new InboxMappingProperties.Entry("Plan", "plan"));
        // The tables alone are no CSV mapping, and no mistake in one either.
        String tablesOnly = "mapping:\n  teams:\n    - source: A\n      intercom: B\n";
        assertThat(bind(tablesOnly).layout(ZoneOffset.UTC)).isNull();
        assertThat(bindTables(tablesOnly).teams()).hasSize(1);
    }

    private static InboxMappingProperties bindTables(String yaml) {
        return YamlBinding.bind(yaml, "mapping", InboxMappingProperties.class);
    }

    @Test
    void everyMistakeIsNamed() {
        assertThat(problem(REQUIRED + "    bogus: X\n    ticket_subject: Y\n"))
                .isEqualTo(
                        "mapping.columns: bogus, ticket_subject are not canonical fields (the"
                                + " fields are conversation_id, conversation_created_at, subject,"
                                + " status, tags, contact_email, contact_external_id, contact_name,"
                                + " contact_role, company_id, company_name, assignee_email, team,"
                                + " message_id, author_type, author_email, author_name,"
                                + " internal, created_at, body, attachments)");
        assertThat(problem("mapping:\n  columns:\n    conversation_id: A\n    author_type: B\n"))
                .isEqualTo("mapping.columns must name the column(s) holding created_at, body");
        assertThat(problem("mapping:\n  delimiter: \";\"\n  colums:\n    conversation_id: A\n"))
                .startsWith(
                        "the mapping section has no mapping.columns: name the column that holds"
                                + " each field");
        assertThat(problem(REQUIRED + "    subject: \" \"\n"))
                .startsWith("mapping.columns.subject names no column");
        assertThat(problem(REQUIRED + "    conversation-id: Other\n"))
                .startsWith("mapping.columns names conversation_id twice");
        assertThat(problem(REQUIRED + "  date-format: dd/MM/yyyy bb\n"))
                .isEqualTo(
                        "mapping.date-format 'dd/MM/yyyy bb' is not a date pattern: Unknown pattern"
                                + " letter: b (letters as in Java's DateTimeFormatter, for example"
                                + " dd/MM/yyyy HH:mm)");
        assertThat(problem(REQUIRED + "  date-format: HH:mm\n"))
                .isEqualTo(
                        "mapping.date-format 'HH:mm' does not give a date: it needs at least the"
                                + " year, month and day (for example dd/MM/yyyy HH:mm)");
        assertThat(problem(REQUIRED + "  encoding: latin-9000\n"))
                .startsWith("mapping.encoding 'latin-9000' is not a character set");
        assertThat(problem(REQUIRED + "  delimiter: \";;\"\n"))
                .isEqualTo("mapping.delimiter must be one character (or \\t for a tab), not ';;'");
        assertThat(problem(REQUIRED + "  delimiter: '\"'\n"))
                .isEqualTo("mapping.delimiter cannot be a quote or a line break");
        assertThat(problem(REQUIRED + "  agent-authors: [\" \"]\n"))
                .startsWith("mapping.agent-authors is empty");
        assertThat(
                        problem(
                                REQUIRED
                                        + "  contact-authors: [User]\n"
                                        + "  agent-authors: [user, Agent]\n"))
                .isEqualTo(
                        "mapping.contact-authors and mapping.agent-authors both hold user: a value"
                                + " must mean one or the other");
        assertThat(problem(REQUIRED + "  timezone: Mars/Olympus\n")).contains("Mars/Olympus");
    }

    @Test
    void theFingerprintChangesWithAnythingThatChangesTheReading() {
        String base = bind(REQUIRED).fingerprint(java.time.ZoneOffset.UTC);

        assertThat(bind(REQUIRED).fingerprint(java.time.ZoneOffset.UTC)).isEqualTo(base);
        assertThat(bind(REQUIRED + "  delimiter: \";\"\n").fingerprint(java.time.ZoneOffset.UTC))
                .isNotEqualTo(base);
        assertThat(
                        bind(REQUIRED + "  date-format: dd/MM/yyyy\n")
                                .fingerprint(java.time.ZoneOffset.UTC))
                .isNotEqualTo(base);
        assertThat(
                        bind(REQUIRED + "  encoding: windows-1252\n")
                                .fingerprint(java.time.ZoneOffset.UTC))
                .isNotEqualTo(base);
        assertThat(bind(REQUIRED.replace("Sent at", "Date")).fingerprint(java.time.ZoneOffset.UTC))
                .isNotEqualTo(base);
        assertThat(
                        bind(REQUIRED + "  closed-statuses: [Done]\n")
                                .fingerprint(java.time.ZoneOffset.UTC))
                .isNotEqualTo(base);
        assertThat(bind(REQUIRED).fingerprint(java.time.ZoneId.of("Europe/Paris")))
                .as("the zone times are read in")
                .isNotEqualTo(base);
    }
}
