package dev.migrator.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.migrator.attachments.AttachmentCarrier;
import dev.migrator.delivery.ConversationMigrator.Mode;
import dev.migrator.delivery.ConversationMigrator.Outcome;
import dev.migrator.intercom.DryRunTransport;
import dev.migrator.intercom.IntercomApi;
import dev.migrator.ledger.DryRunLedger;
import dev.migrator.mapping.PlannedConversation;
import dev.migrator.mapping.PlannedConversation.ContactRole;
import dev.migrator.mapping.PlannedConversation.PlannedCompany;
import dev.migrator.mapping.PlannedConversation.PlannedContact;
import dev.migrator.mapping.PlannedConversation.PlannedDetails;
import dev.migrator.mapping.PlannedPart;
import dev.migrator.mapping.PlannedPart.Author;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * A dry run's bookkeeping in memory ({@link DryRunLedger}) under the real {@link
 * ConversationMigrator} and {@link DryRunTransport}: what it remembers across records shapes the
 * requests written, as the ledger does for a real run.
 */
class DryRunBookkeepingTest {

    private static final long T0 = 1_600_000_000L;
    private static final String WORKSPACE = "dry-run:1";

    @TempDir Path dir;

    private final DryRunLedger sent = new DryRunLedger();

    @Test
    void aConversationInTwoRecordsIsCreatedOnceThenGetsOnlyItsNewReplies() throws Exception {
        List<Outcome> outcomes =
                dryRun(
                        conversation("c-1", "ann@example.com", "m1", "m2"),
                        conversation("c-1", "ann@example.com", "m1", "m2", "m3"));

        assertThat(outcomes).containsExactly(new Outcome.Migrated(2), new Outcome.Migrated(1));
        List<String> requests = requestLines();
        assertThat(requests.stream().filter("POST /conversations"::equals)).hasSize(1);
        List<String> replies = requests.stream().filter(line -> line.endsWith("/reply")).toList();
        assertThat(replies).hasSize(2).allMatch(replies.get(0)::equals);
        assertThat(replies.get(0)).startsWith("POST /conversations/dry-run-conversation-");
        assertThat(sent.migratedCount()).isEqualTo(1);
        assertThat(sent.repliesSentCount()).isEqualTo(2);
    }

    @Test
    void aRecordAlreadySentWhollySendsNothing() throws Exception {
        List<Outcome> outcomes =
                dryRun(
                        conversation("c-1", "ann@example.com", "m1", "m2"),
                        conversation("c-1", "ann@example.com", "m1", "m2"));

        assertThat(outcomes)
                .containsExactly(new Outcome.Migrated(2), new Outcome.AlreadyMigrated());
        assertThat(requestLines().stream().filter(line -> line.endsWith("/reply"))).hasSize(1);
    }

    @Test
    void aContactIsCreatedOnceAndReusedByItsOtherConversations() throws Exception {
        dryRun(
                conversation("c-1", "ann@example.com", "m1"),
                conversation("c-2", "ann@example.com", "m2"),
                conversation("c-3", "bob@example.com", "m3"));

        assertThat(requestLines().stream().filter("POST /contacts"::equals)).hasSize(2);
        List<String> contactsOfCreates = new ArrayList<>();
        for (JsonNode line : requests()) {
            if (line.path("path").asString().equals("/conversations")) {
                contactsOfCreates.add(line.path("body").path("from").path("id").asString());
            }
        }
        assertThat(contactsOfCreates).hasSize(3);
        assertThat(contactsOfCreates.get(0))
                .startsWith("dry-run-contact-")
                .isEqualTo(contactsOfCreates.get(1))
                .isNotEqualTo(contactsOfCreates.get(2));
        assertThat(sent.migratedCount()).isEqualTo(3);
    }

    @Test
    void theConversationUpdateIsSentOnceAcrossRecords() throws Exception {
        dryRun(
                new DeliveryOptions("migrator_source", false, false),
                conversation("c-1", "ann@example.com", "m1"),
                conversation("c-1", "ann@example.com", "m1", "m2"));

        assertThat(requestLines().stream().filter(line -> line.startsWith("PUT "))).hasSize(1);
    }

    @Test
    void theCompanyAndTheAssignmentsAreSentOnceAcrossRecords() throws Exception {
        PlannedDetails details =
                new PlannedDetails(
                        "bob@example.com",
                        "Billing",
                        Map.of(),
                        new PlannedCompany("org-7", "Acme"));
        dryRun(
                withDetails(conversation("c-1", "ann@example.com", "m1"), details),
                withDetails(conversation("c-1", "ann@example.com", "m1", "m2"), details),
                withDetails(conversation("c-2", "ann@example.com", "m3"), details));

        assertThat(requestLines().stream().filter("POST /companies"::equals)).hasSize(1);
        assertThat(requestLines().stream().filter(line -> line.endsWith("/companies")))
                .containsExactly("POST /companies", "POST /contacts/dry-run-contact-1/companies");
        List<String> assignees = new ArrayList<>();
        for (JsonNode line : requests()) {
            if (line.path("body").path("message_type").asString("").equals("assignment")) {
                assignees.add(
                        line.path("path").asString()
                                + " "
                                + line.path("body").path("assignee_id").asString());
            }
        }
        assertThat(assignees)
                .as("each conversation once")
                .containsExactly(
                        "/conversations/dry-run-conversation-3/parts dry-run-admin:bob@example.com",
                        "/conversations/dry-run-conversation-3/parts dry-run-team:Billing",
                        "/conversations/dry-run-conversation-5/parts dry-run-admin:bob@example.com",
                        "/conversations/dry-run-conversation-5/parts dry-run-team:Billing");
    }

    @Test
    void aPlaceholderIsTheOnlyKindOfIdItKeeps() {
        assertThat(DryRunTransport.placeholderNumber("contact", "dry-run-contact-42"))
                .isEqualTo(42);
        assertThatThrownBy(() -> sent.saveContact(WORKSPACE, "email:a@b.c", "6421", null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not a dry run's contact placeholder");
    }

    private List<Outcome> dryRun(PlannedConversation... records) throws Exception {
        return dryRun(new DeliveryOptions(null, false, false), records);
    }

    private List<Outcome> dryRun(DeliveryOptions options, PlannedConversation... records)
            throws Exception {
        List<Outcome> outcomes = new ArrayList<>();
        try (DryRunTransport transport =
                new DryRunTransport(dir.resolve("requests.jsonl"), ScriptedTransport.JSON)) {
            ConversationMigrator migrator =
                    new ConversationMigrator(
                            new IntercomApi(transport, ScriptedTransport.JSON),
                            sent,
                            WorkspaceDirectory.forDryRun(),
                            WORKSPACE,
                            1,
                            Duration.ofMinutes(2),
                            Clock.fixed(Instant.ofEpochSecond(T0 + 86_400), ZoneOffset.UTC),
                            Mode.MIGRATE,
                            options,
                            AttachmentCarrier.links());
            for (PlannedConversation record : records) {
                outcomes.add(migrator.migrate(record));
            }
        }
        return outcomes;
    }

    private List<JsonNode> requests() throws Exception {
        List<JsonNode> lines = new ArrayList<>();
        for (String line : Files.readAllLines(dir.resolve("requests.jsonl"))) {
            lines.add(ScriptedTransport.JSON.readTree(line));
        }
        return lines;
    }

    /** Each request as "METHOD path". */
    private List<String> requestLines() throws Exception {
        return requests().stream()
                .map(r -> r.path("method").asString() + " " + r.path("path").asString())
                .toList();
    }

    private static PlannedConversation conversation(
            String sourceId, String email, String... partKeys) {
        List<PlannedPart> parts = new ArrayList<>();
        for (int i = 0; i < partKeys.length; i++) {
            parts.add(
                    new PlannedPart(
                            partKeys[i],
                            Author.CONTACT,
                            null,
                            null,
                            false,
                            "message " + partKeys[i],
                            T0 + 60L * i,
                            List.of()));
        }
        return new PlannedConversation(
                sourceId,
                new PlannedContact(email, null, "Customer", ContactRole.USER),
                "Subject",
                parts,
                false,
                List.of(),
                List.of());
    }

    private static PlannedConversation withDetails(
            PlannedConversation conversation, PlannedDetails details) {
        return new PlannedConversation(
                conversation.sourceId(),
                conversation.contact(),
                conversation.subject(),
                conversation.parts(),
                conversation.close(),
                conversation.tags(),
                conversation.warnings(),
                details);
    }
}
